// Shapes shared by the in-process kube-apiserver's modules.

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** meta/v1 Status, the body of every API error. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export interface UserInfo {
  username: string;
  uid: string;
  groups: string[];
}

/** One API request as seen by the server, for assertions about client behaviour. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Authenticated user name, undefined when authentication failed or was absent. */
  user: string | undefined;
  verb: string;
  resource: string | undefined;
  subresource: string | undefined;
  name: string | undefined;
  namespace: string | undefined;
  watch: boolean;
  /** HTTP status sent; 0 until the response starts. */
  status: number;
}

/** An RBAC-like allow rule. Omitted fields match everything. */
export interface Rule {
  verbs: string[];
  /** Plural resources; `*`, `pods/*` and `serviceaccounts/token` forms work as in RBAC. */
  resources: string[];
  /** Limits the rule to these namespaces (like a RoleBinding); omit for cluster-wide. */
  namespaces?: string[];
  apiGroups?: string[];
  resourceNames?: string[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
