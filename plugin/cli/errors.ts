// Errors the plugin reports to the user: one clear line naming the file, object or endpoint, and
// exit code 2 ("could not run"). Anything else is a bug and is reported without a stack trace too.
import { KubeError } from '../../kube-client/errors.ts';

/** A user-facing failure: exit 2 unless said otherwise. Kubernetes access errors count too. */
export function isUserError(e: unknown): e is Error {
  return e instanceof PluginError || e instanceof KubeError;
}

export class PluginError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'PluginError';
    this.exitCode = exitCode;
  }
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_CANNOT_RUN = 2;
