// usernameWithRole: `${aws:username}` exists only in requests signed by an IAM user; for an assumed
// role (IRSA, EKS Pod Identity, any web identity) the key is absent and a statement that uses it never
// matches. Judged from what kfstore sees: the policy documents given to doctor (--iam-policy-dir), the
// StorePolicy's webIdentity and the IRSA annotation on the run's service account. Policies attached in IAM
// are not read (that needs AWS access).
import type { SnapshotIndex } from '../../cluster/snapshot.ts';
import { resolveProfile } from '../../policy/resolve.ts';
import type { StorePolicy } from '../../policy/schema.ts';
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

const USERNAME = '$' + '{aws:username}';
/** EKS IAM Roles for Service Accounts: the role a service account's pods assume. */
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

/** An IAM policy document as read from a file. */
export interface IamDocument {
  file: string;
  /** The namespace its file is named after (`<namespace>.json`); undefined for a shared document. */
  namespace?: string;
  statements: unknown[];
}

/** The statements (Sid, else their 1-based position) that use ${aws:username} anywhere. */
function usingUsername(doc: IamDocument): string[] {
  return doc.statements.flatMap((st, i) => {
    if (!JSON.stringify(st).includes(USERNAME)) return [];
    const sid = typeof st === 'object' && st !== null ? (st as { Sid?: unknown }).Sid : undefined;
    return [typeof sid === 'string' && sid !== '' ? sid : `#${i + 1}`];
  });
}

/** The role a profile's runs act as, and where that is said: the StorePolicy's webIdentity, else IRSA on the run's account. */
function profileRole(
  index: SnapshotIndex,
  ns: string,
  policy: StorePolicy | undefined,
  runner: string,
): { roleArn: string; from: string } | undefined {
  const auth = policy === undefined ? undefined : resolveProfile(policy, ns).auth;
  if (auth?.kind === 'webIdentity') return { roleArn: auth.roleArn, from: 'StorePolicy webIdentity' };
  const irsa = index.serviceAccount(ns, runner)?.metadata.annotations?.[IRSA_ANNOTATION];
  return irsa === undefined || irsa === '' ? undefined : { roleArn: irsa, from: `${IRSA_ANNOTATION} on ServiceAccount ${runner}` };
}

export function usernameWithRoleChecks(
  index: SnapshotIndex,
  namespaces: string[],
  policy: StorePolicy | undefined,
  runner: string,
  documents: IamDocument[],
): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const applied = new Set<string>();
  for (const ns of namespaces) {
    const role = profileRole(index, ns, policy, runner);
    if (role === undefined) continue;
    for (const doc of documents.filter((d) => d.namespace === undefined || d.namespace === ns)) {
      const statements = usingUsername(doc);
      if (statements.length === 0) continue;
      applied.add(doc.file);
      out.push(
        doctorFinding(
          'usernameWithRole',
          'warn',
          ns,
          { kind: 'IAMPolicy', name: doc.file },
          `${ns} acts as role ${role.roleArn} (${role.from}), ` +
            `but ${doc.file} statement ${statements.join(', ')} scopes with ${USERNAME}, ` +
            'which is undefined for roles: the statement never matches',
          `scope with the literal namespace (e.g. arn:aws:s3:::<bucket>/private-artifacts/${ns}/*), ` +
            '$' +
            '{aws:PrincipalTag/kubernetes-namespace} with EKS Pod Identity session tags, or one policy per role',
        ),
      );
    }
  }
  for (const doc of documents) {
    const statements = usingUsername(doc);
    if (statements.length === 0 || applied.has(doc.file)) continue;
    out.push(
      doctorFinding(
        'usernameWithRole',
        'info',
        doc.namespace,
        { kind: 'IAMPolicy', name: doc.file },
        `${doc.file} statement ${statements.join(', ')} scopes with ${USERNAME}: right for IAM users (static keys), ` +
          'but it never matches if the policy is attached to a role (IRSA, Pod Identity); ' +
          'the roles it is attached to are not visible without AWS access',
        'if a role uses it, scope with the literal namespace instead',
      ),
    );
  }
  return out;
}
