// The web-identity check: ask the API server for a token for the profile's service account with
// the policy's audience (as the kubelet does for the projected volume), then verify it with jose
// against the cluster's own OIDC discovery and JWKS: signature, issuer, audience, expiry, subject.
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { doctorFinding } from '../../settings/doctor/finding.ts';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import type { ProfileStore } from '../../settings/policy/resolve.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { ApiError } from '../../kube-client/api.ts';

const WEB_IDENTITY_CHECK = 'workloadIdentity';

interface TokenRequestStatus {
  status?: { token?: string; expirationTimestamp?: string };
}

export async function webIdentityCheck(api: KubeApi, store: ProfileStore, serviceAccount: string): Promise<DoctorFinding> {
  const ns = store.profile;
  const obj = { kind: 'ServiceAccount', name: serviceAccount };
  if (store.auth.kind !== 'webIdentity') throw new Error('webIdentityCheck needs webIdentity auth');
  const { audience, roleArn } = store.auth;
  const fail = (message: string, fix: string): DoctorFinding =>
    doctorFinding(WEB_IDENTITY_CHECK, 'error', ns, obj, message, fix, { audience, roleArn });
  let token: string;
  try {
    const res = await api.send<TokenRequestStatus>('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${serviceAccount}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      // The shortest lifetime the API server grants: the check does not depend on it.
      spec: { audiences: [audience], expirationSeconds: 600 },
    });
    token = res.status?.token ?? '';
    if (token === '')
      return fail('the API server returned no token for the TokenRequest', 'check the API server supports serviceaccounts/token');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404)
      return fail(
        `service account ${serviceAccount} does not exist in ${ns}: pipeline pods get no token`,
        `create it, or pass --service-account`,
      );
    if (e instanceof ApiError && e.status === 403)
      return fail(
        `cannot request a token for ${ns}/${serviceAccount}: ${e.message}`,
        'grant create on serviceaccounts/token to run this check',
      );
    throw e;
  }
  let issuer: string;
  let jwks: JSONWebKeySet;
  try {
    const discovery = await api.get<{ issuer?: string; jwks_uri?: string }>('/.well-known/openid-configuration');
    issuer = discovery.issuer ?? '';
    jwks = await api.get<JSONWebKeySet>(jwksPath(discovery.jwks_uri));
  } catch (e) {
    return fail(
      `cannot read the cluster's service-account issuer discovery: ${e instanceof Error ? e.message : String(e)}`,
      'enable ServiceAccountIssuerDiscovery; AWS STS must reach the issuer too',
    );
  }
  const subject = `system:serviceaccount:${ns}:${serviceAccount}`;
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer, audience, subject });
    const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
    return doctorFinding(
      WEB_IDENTITY_CHECK,
      'ok',
      ns,
      obj,
      `a token for ${serviceAccount} with audience ${audience} verifies against the cluster JWKS (issuer ${issuer}, ${lifetime}s)`,
      '',
      { issuer, audience, subject, roleArn },
    );
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    return fail(
      `the token for ${subject} does not verify (${code || (e instanceof Error ? e.message : String(e))})`,
      'check --service-account-issuer and the audience the IAM OIDC provider trusts',
    );
  }
}

function jwksPath(uri: string | undefined): string {
  if (uri === undefined || uri === '') return '/openid/v1/jwks';
  try {
    return new URL(uri).pathname;
  } catch {
    return uri;
  }
}
