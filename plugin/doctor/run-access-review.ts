// The live half of runAccountAccess: one SubjectAccessReview per object a run reads, for each service account
// runs use (the default runner, and recurring runs' own), answered by the API server's own authorizers (RBAC,
// webhooks), not by re-evaluating RBAC here.
// Without permission to create SubjectAccessReviews, doctor says so once and decides nothing.
import { doctorFinding } from '../../settings/doctor/finding.ts';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import { runAccessFindings, runReadTargets } from '../../settings/doctor/checks/run-access.ts';
import type { RunAccount, RunReadAnswer } from '../../settings/doctor/checks/run-access.ts';
import type { NamespaceView } from '../../settings/inspect/namespace-view.ts';
import { serviceAccountUser } from '../../settings/rbac/authorize.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { ApiError } from '../../kube-client/api.ts';

interface ReviewStatus {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

const CAN_I = 'kubectl auth can-i create subjectaccessreviews.authorization.k8s.io';

/** Every account runs in each namespace use (the default runner, recurring runs' own), one review per object. */
export async function runAccessReviews(
  api: KubeApi,
  views: NamespaceView[],
  accountsOf: (namespace: string) => RunAccount[],
): Promise<DoctorFinding[]> {
  const out: DoctorFinding[] = [];
  for (const view of views) {
    const ns = view.namespace;
    for (const account of accountsOf(ns)) {
      const who = serviceAccountUser(ns, account.serviceAccount);
      const answers: RunReadAnswer[] = [];
      for (const target of runReadTargets(view)) {
        let res: ReviewStatus;
        try {
          res = await api.send<ReviewStatus>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: {
              user: who.user,
              groups: who.groups,
              resourceAttributes: { namespace: ns, verb: 'get', group: '', version: 'v1', resource: target.resource, name: target.name },
            },
          });
        } catch (e) {
          if (!(e instanceof ApiError) || e.status !== 403) throw e;
          return [
            ...out,
            doctorFinding(
              'unreadable',
              'info',
              undefined,
              undefined,
              `could not ask the API server whether ${account.serviceAccount} may read kfp-launcher and its Secret (${e.message}): ` +
                "so KFP's run access was not checked",
              `\`${CAN_I}\` must say yes: grant it, or check with \`kubectl auth can-i get secrets --as=${who.user} -n <namespace>\``,
            ),
          ];
        }
        answers.push({
          target,
          answer: res.status?.allowed === true ? { allowed: true, by: res.status.reason ?? '' } : { allowed: false },
        });
      }
      out.push(...runAccessFindings(ns, account, answers));
    }
  }
  return out;
}
