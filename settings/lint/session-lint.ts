// Checks on a session KFP computed: what it will need at run time (Secrets, region, TLS settings).
import { finding } from '../checks/finding.ts';
import { levelIn } from '../checks/registry.ts';
import type { SeverityContext } from '../checks/spec.ts';
import type { Finding } from '../findings.ts';
import type { PipelineRoot } from '../kfp/pipeline-root.ts';
import type { StoreSession } from '../kfp/session.ts';

/** What is known of a Secret: whether it exists and, when the data was read, its non-empty keys. */
export interface SecretFacts {
  exists: boolean;
  keys?: string[];
}

/** Secret facts by name in one namespace; `undefined` when nothing is known (no warning then). */
export type SecretLookup = (name: string) => SecretFacts | undefined;

const AWS_ENDPOINT = /(^|\.)amazonaws\.com(:\d+)?$/;
/** Stores that serve virtual-hosted addressing with their own wildcard DNS and certificates (OSS requires it). */
const VIRTUAL_HOSTED_OK = /(^|\.)(amazonaws\.com|aliyuncs\.com)(:\d+)?$/;

/** What KFP will need of its credentials, known without a cluster: empty references. */
export function credentialFindings(session: StoreSession, label: string): Finding[] {
  const p = session.params;
  // fromEnv: what a release ignores or cannot open is version-lint.ts's.
  if (p.fromEnv !== 'false') return [];
  const empty = ['secretName', ...keyFieldsOf(session)].filter((k) => (p[k] ?? '') === '');
  if (empty.length > 0) {
    return [
      finding(
        'secretRefEmpty',
        'warn',
        `${label}: secretRef ${empty.join(', ')} empty: the launcher cannot read credentials`,
        'set secretRef.secretName and its key names (check their spelling)',
        label,
      ),
    ];
  }
  return [];
}

/** A session that reads a Secret (fromEnv false, every reference set): what a cluster view can check. */
export function usesSecret(session: StoreSession): boolean {
  const p = session.params;
  return p.fromEnv === 'false' && ['secretName', ...keyFieldsOf(session)].every((k) => (p[k] ?? '') !== '');
}

/** Whether the Secret a session reads exists and holds its keys, as far as `secrets` knows, weighed for `context`. */
export function secretFactFindings(session: StoreSession, label: string, secrets: SecretLookup, context: SeverityContext): Finding[] {
  if (!usesSecret(session)) return [];
  const p = session.params;
  const name = p.secretName ?? '';
  const facts = secrets(name);
  if (facts === undefined) return [];
  if (!facts.exists) {
    return [
      finding(
        'secretMissing',
        levelIn('secretMissing', context),
        `${label}: Secret ${name} does not exist in this namespace`,
        `create Secret ${name} before running pipelines`,
        label,
      ),
    ];
  }
  const keys = facts.keys;
  if (keys === undefined) return [];
  const missing = keyFieldsOf(session)
    .map((k) => p[k] ?? '')
    .filter((k) => !keys.includes(k));
  if (missing.length === 0) return [];
  return [
    finding(
      'secretKeyMissing',
      levelIn('secretKeyMissing', context),
      `${label}: Secret ${name} has no value for key ${missing.join(', ')}`,
      `add ${missing.join(', ')} to Secret ${name}`,
      label,
    ),
  ];
}

function keyFieldsOf(session: StoreSession): string[] {
  return session.provider === 'gs' ? ['tokenKey'] : ['accessKeyKey', 'secretKeyKey'];
}

export function endpointFindings(session: StoreSession, root: PipelineRoot): Finding[] {
  if (session.provider === 'gs' || root.query !== '') return [];
  const p = session.params;
  const endpoint = p.endpoint ?? '';
  if (session.params.fromEnv === 'true' && endpoint === '' && p.region === undefined) return [];
  const out: Finding[] = [];
  const host = endpoint.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  const aws = host === '' || AWS_ENDPOINT.test(host);
  if (aws && (p.region ?? '') === '' && session.provider === 's3') {
    out.push(
      finding(
        'region',
        'warn',
        `no region for AWS S3 bucket ${root.bucket}: uploads fail with MissingRegion`,
        'set region in providers.s3.default',
        'data.providers',
      ),
    );
  }
  if (endpoint.startsWith('https://') && p.disableSSL === 'true') {
    out.push(
      finding(
        'tlsPathStyle',
        'warn',
        `endpoint ${endpoint} is https:// but disableSSL is true`,
        'make the endpoint scheme and disableSSL agree',
        'data.providers',
      ),
    );
  } else if (endpoint.startsWith('http://') && p.disableSSL === 'false') {
    out.push(
      finding(
        'tlsPathStyle',
        'warn',
        `endpoint ${endpoint} is http:// but disableSSL is false`,
        'make the endpoint scheme and disableSSL agree',
        'data.providers',
      ),
    );
  }
  if (!VIRTUAL_HOSTED_OK.test(host) && host !== '' && p.forcePathStyle === 'false') {
    out.push(
      finding(
        'tlsPathStyle',
        'warn',
        `forcePathStyle false on non-AWS endpoint ${host}: needs wildcard DNS and certificates`,
        'set forcePathStyle: true',
        'data.providers',
      ),
    );
  }
  return out;
}
