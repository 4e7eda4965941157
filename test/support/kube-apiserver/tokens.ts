// Service account token issuing (TokenRequest) and OIDC issuer discovery, signed with
// an RS256 key made by jose so clients can verify tokens against the served JWKS.
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, jwtVerify } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import type { UserInfo } from './types.ts';

export interface IssuedToken {
  token: string;
  expirationTimestamp: Date;
}

export interface ServiceAccountClaims {
  namespace: string;
  name: string;
  uid: string;
}

export class TokenIssuer {
  readonly issuer: string;
  private readonly privateKey: CryptoKey;
  private readonly publicKey: CryptoKey;
  private readonly publicJwk: JWK;
  readonly kid: string;
  readonly apiAudiences: string[];

  private constructor(issuer: string, privateKey: CryptoKey, publicKey: CryptoKey, publicJwk: JWK, kid: string) {
    this.issuer = issuer;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.publicJwk = publicJwk;
    this.kid = kid;
    // As kube-apiserver defaults --api-audiences to the issuer.
    this.apiAudiences = [issuer];
  }

  static async create(issuer: string): Promise<TokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    // The real key id: unpadded base64url SHA-256 of the DER public key.
    const spki = await exportSPKI(publicKey);
    const der = Buffer.from(spki.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const kid = createHash('sha256').update(der).digest('base64url');
    const jwk = await exportJWK(publicKey);
    return new TokenIssuer(issuer, privateKey, publicKey, { use: 'sig', kty: jwk.kty, kid, alg: 'RS256', n: jwk.n, e: jwk.e }, kid);
  }

  async issue(sa: ServiceAccountClaims, audiences: string[], expirationSeconds: number, now: Date): Promise<IssuedToken> {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + expirationSeconds;
    const token = await new SignJWT({
      'kubernetes.io': { namespace: sa.namespace, serviceaccount: { name: sa.name, uid: sa.uid } },
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .setIssuer(this.issuer)
      .setSubject(`system:serviceaccount:${sa.namespace}:${sa.name}`)
      .setAudience(audiences)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { token, expirationTimestamp: new Date(exp * 1000) };
  }

  /** Authenticates a service account JWT for the API audience; undefined if invalid. */
  async authenticate(token: string, saUid: (ns: string, name: string) => string | undefined): Promise<UserInfo | undefined> {
    if (token.split('.').length !== 3) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: this.issuer,
        audience: this.apiAudiences,
        algorithms: ['RS256'],
      });
      const k8s = payload['kubernetes.io'] as { namespace?: string; serviceaccount?: { name?: string; uid?: string } } | undefined;
      const ns = k8s?.namespace;
      const name = k8s?.serviceaccount?.name;
      // A token outlives nothing: deleting (or recreating) the service account invalidates it.
      if (ns === undefined || name === undefined || saUid(ns, name) !== k8s?.serviceaccount?.uid) return undefined;
      return {
        username: `system:serviceaccount:${ns}:${name}`,
        uid: k8s?.serviceaccount?.uid ?? '',
        groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      };
    } catch {
      return undefined;
    }
  }

  openidConfiguration(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    };
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }
}
