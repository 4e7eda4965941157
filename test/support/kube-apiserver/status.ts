// meta/v1 Status errors with the exact reasons and wording kube-apiserver uses,
// because clients (kubectl, client-node) branch on reason/code and print message.
import type { Status, StatusCause, StatusDetails } from './types.ts';

export class ApiError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.status = status;
  }
}

export interface GroupResource {
  group: string;
  resource: string;
}

export function statusOf(code: number, reason: string | undefined, message: string, details?: StatusDetails): Status {
  // Keys in the order the real server writes them.
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    ...(reason !== undefined && reason !== '' ? { reason } : {}),
    ...(details !== undefined ? { details } : {}),
    code,
  };
}

function qualified(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

function details(gr: GroupResource, name: string | undefined): StatusDetails {
  const d: StatusDetails = {};
  if (name !== undefined && name !== '') d.name = name;
  if (gr.group !== '') d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(statusOf(404, 'NotFound', `${qualified(gr)} "${name}" not found`, details(gr, name)));
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(statusOf(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, details(gr, name)));
}

export function conflict(gr: GroupResource, name: string, why: string): ApiError {
  return new ApiError(statusOf(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, details(gr, name)));
}

export const MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export function forbidden(gr: GroupResource, name: string | undefined, why: string): ApiError {
  const prefix = name === undefined || name === '' ? `${qualified(gr)} is forbidden` : `${qualified(gr)} "${name}" is forbidden`;
  return new ApiError(statusOf(403, 'Forbidden', `${prefix}: ${why}`, details(gr, name)));
}

/** 422 with field causes; `kind` is the object Kind (not the resource), as in the real server. */
export function invalid(group: string, kind: string, name: string, causes: Required<StatusCause>[]): ApiError {
  const messages = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  const d: StatusDetails = { name };
  if (group !== '') d.group = group;
  d.kind = kind;
  d.causes = causes;
  return new ApiError(statusOf(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, d));
}

export function badRequest(message: string): ApiError {
  return new ApiError(statusOf(400, 'BadRequest', message));
}

export function internalError(message: string): ApiError {
  return new ApiError(statusOf(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }));
}

export function unauthorized(): ApiError {
  return new ApiError(statusOf(401, 'Unauthorized', 'Unauthorized'));
}

export function expired(message: string): ApiError {
  return new ApiError(statusOf(410, 'Expired', message));
}

export function pathNotFound(): ApiError {
  return new ApiError(statusOf(404, 'NotFound', 'the server could not find the requested resource', {}));
}

export function methodNotAllowed(): ApiError {
  return new ApiError(statusOf(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}));
}

export function notAcceptable(): ApiError {
  return new ApiError(
    statusOf(
      406,
      'NotAcceptable',
      'only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io',
    ),
  );
}

export function unsupportedMediaType(accepted: string[]): ApiError {
  return new ApiError(
    statusOf(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      {},
    ),
  );
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A Status for an arbitrary injected HTTP code. */
export function statusForCode(code: number, message?: string, reason?: string): Status {
  const r = reason ?? REASONS[code];
  const text = message ?? (code === 500 ? 'Internal error occurred: injected fault' : `injected fault (${code})`);
  const d: StatusDetails | undefined = code === 429 || code === 503 ? { retryAfterSeconds: 1 } : undefined;
  return statusOf(code, r, text, d);
}
