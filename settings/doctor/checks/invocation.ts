// `invocation`: how the plugin itself was invoked (several kubeconfig files, shadowed plugin copies).
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

export interface InvocationFacts {
  kubeconfigFiles: string[];
  context: string;
  contextFile?: string;
  /** Every `kubectl-kfstore` found on PATH, in PATH order. */
  pluginCopies: string[];
}

export function invocationChecks(facts: InvocationFacts): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  if (facts.kubeconfigFiles.length > 1) {
    out.push(
      doctorFinding(
        'invocation',
        'info',
        undefined,
        undefined,
        `KUBECONFIG lists ${facts.kubeconfigFiles.length} files; using context ${facts.context}${facts.contextFile ? ` from ${facts.contextFile}` : ''} (kubectl's first-file-wins rule)`,
        'pass --context to be explicit',
      ),
    );
  }
  if (facts.pluginCopies.length > 1) {
    out.push(
      doctorFinding(
        'invocation',
        'warn',
        undefined,
        undefined,
        `${facts.pluginCopies.length} kubectl-kfstore executables on PATH; ${facts.pluginCopies[0]} shadows ${facts.pluginCopies.slice(1).join(', ')}`,
        'remove the stale copies (kubectl plugin list shows them)',
      ),
    );
  }
  return out;
}
