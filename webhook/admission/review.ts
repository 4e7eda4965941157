// admission.k8s.io/v1 AdmissionReview in and out. The envelope is checked here; the object inside
// is checked by each endpoint, so a bad object becomes a denial that names the field.
import { z } from 'zod';
import { checkedSchema } from './checked-schema.ts';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

const groupVersionKind = z.looseObject({ group: z.string(), version: z.string(), kind: z.string() });

export const admissionRequestSchema = z.looseObject({
  uid: z.string().min(1),
  kind: groupVersionKind,
  namespace: z.string().optional(),
  name: z.string().optional(),
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
  object: z.unknown().optional(),
  oldObject: z.unknown().optional(),
  userInfo: z.looseObject({ username: z.string().optional(), groups: z.array(z.string()).optional() }).optional(),
  dryRun: z.boolean().optional(),
});

export const admissionReviewSchema = z.looseObject({
  apiVersion: z.literal(ADMISSION_API_VERSION, { error: `apiVersion must be ${ADMISSION_API_VERSION}` }),
  kind: z.literal('AdmissionReview', { error: 'kind must be AdmissionReview' }),
  request: admissionRequestSchema,
});

export type AdmissionRequest = z.output<typeof admissionRequestSchema>;

/** The envelope, checked in place (checked-schema.ts). */
export const checkAdmissionReview = checkedSchema(admissionReviewSchema);

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; reason?: string; message: string };
  patchType?: 'JSONPatch';
  patch?: string;
  warnings?: string[];
}

export interface AdmissionReviewOut {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

export function reviewOf(response: AdmissionResponse): AdmissionReviewOut {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}

export function allow(uid: string, warnings: string[] = []): AdmissionResponse {
  return warnings.length > 0 ? { uid, allowed: true, warnings } : { uid, allowed: true };
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  403: 'Forbidden',
  422: 'Invalid',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};

export function deny(uid: string, message: string, code = 403, warnings: string[] = []): AdmissionResponse {
  const response: AdmissionResponse = { uid, allowed: false, status: { code, reason: REASONS[code] ?? 'Forbidden', message } };
  if (warnings.length > 0) response.warnings = warnings;
  return response;
}

export function patched(uid: string, ops: unknown[]): AdmissionResponse {
  return { uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
}

/** `a.b[0].c: message` lines from zod issues, prefixed with where the value sits in the review. */
export function describeIssues(prefix: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map(
      (i) =>
        `${[prefix, ...i.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))].join('.').replace(/\.\[/g, '[')}: ${i.message}`,
    )
    .join('; ');
}
