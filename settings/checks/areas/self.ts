// I. The plugin itself: how it was invoked, and what it could not read.
import type { CheckSpec } from '../spec.ts';

export const SELF = {
  invocation: {
    id: 'KFS090',
    title: 'Invocation hygiene',
    area: 'self',
    levels: ['info', 'warn'],
    detects:
      "KUBECONFIG lists several files (INFO: the context chosen by kubectl's first-file-wins rule), or several kubectl-kfstore executables are on PATH (WARN).",
    doc: 'kubernetes-client/javascript#579: the client library picks the last file, kubectl the first; kfstore follows kubectl.',
    reporters: ['doctor'],
  },
  unreadable: {
    id: 'KFS091',
    title: 'Objects doctor could not read',
    area: 'self',
    levels: ['warn', 'info', 'error'],
    detects:
      'RBAC kept doctor or migrate from reading objects in a namespace: the checks that need them were not run (WARN, INFO); migrate refuses to plan over an object it could not read (ERROR).',
    doc: 'Reported with the kubectl auth can-i that must say yes. kfstore-specific. Never reported as a missing object.',
    reporters: ['doctor', 'migrate'],
  },
} as const satisfies Record<string, CheckSpec>;
