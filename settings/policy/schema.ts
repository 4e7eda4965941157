// StorePolicy (kfstore.dev/v1alpha1): the webhook's configuration and the plugin's `--policy`.
// Unknown fields are errors, so a typo never silently turns a setting off.
import { z } from 'zod';
import { explicitVersion } from '../kfp/version-source.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const secretAuth = z.strictObject({
  name: z.string().min(1),
  accessKeyKey: z.string().min(1).default('AWS_ACCESS_KEY_ID'),
  secretKeyKey: z.string().min(1).default('AWS_SECRET_ACCESS_KEY'),
});

const webIdentityAuth = z.strictObject({
  roleArn: z.string().min(1),
  audience: z.string().min(1).default('sts.amazonaws.com'),
  // kube-apiserver refuses projected tokens under 10 minutes.
  expirationSeconds: z.number().int().min(600).max(4_294_967_295).default(86_400),
});

const auth = z
  .strictObject({
    secret: secretAuth.optional(),
    webIdentity: webIdentityAuth.optional(),
    fromEnv: z.strictObject({}).optional(),
  })
  .refine((a) => [a.secret, a.webIdentity, a.fromEnv].filter((x) => x !== undefined).length === 1, {
    message: 'exactly one of secret, webIdentity or fromEnv is required',
  });

// GKE Workload Identity for gs:// roots: the Google service account the profile's Kubernetes
// service account must be bound to (iam.gke.io/gcp-service-account); doctor verifies the binding.
const gcpServiceAccount = z
  .string()
  .regex(
    /^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$/,
    'must be a Google service account email (NAME@PROJECT.iam.gserviceaccount.com); may use {profile}',
  )
  .optional();

const storeFields = {
  endpoint: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  region: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'must be a region name such as us-west-2')
    .optional(),
  bucket: z.string().min(1),
  pathStyle: z.boolean().default(true),
  pipelineRoot: z.string().min(1).default('s3://{bucket}/v2/artifacts/{profile}'),
  auth,
  gcpServiceAccount,
};

const labelSelector = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string().min(1),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

export const DEFAULT_POD_SELECTOR = { matchLabels: { 'pipelines.kubeflow.org/v2_component': 'true' } };

export const storePolicySchema = z.strictObject({
  apiVersion: z.literal('kfstore.dev/v1alpha1'),
  kind: z.literal('StorePolicy'),
  /** The KFP release the webhook judges kfp-launcher by (its parsing, defaults and crashes); the newest kfstore knows when absent. */
  kfpVersion: z
    .string()
    .superRefine((text, ctx) => {
      const r = explicitVersion(text, 'policy');
      if (!r.ok) ctx.addIssue({ code: 'custom', message: r.error.replace(/^kfpVersion: /, '') });
    })
    .optional(),
  store: z.strictObject(storeFields),
  profiles: z
    .record(
      z.string().regex(DNS_LABEL, 'profile names are namespace names (DNS labels)'),
      z.strictObject({
        endpoint: storeFields.endpoint,
        region: storeFields.region,
        bucket: storeFields.bucket.optional(),
        pathStyle: z.boolean().optional(),
        pipelineRoot: z.string().min(1).optional(),
        auth: auth.optional(),
        gcpServiceAccount,
      }),
    )
    .default({}),
  inject: z
    .strictObject({
      containers: z.array(z.string().min(1)).min(1).default(['main']),
      podSelector: labelSelector.default(DEFAULT_POD_SELECTOR),
    })
    .default({ containers: ['main'], podSelector: DEFAULT_POD_SELECTOR }),
  validate: z.strictObject({ requireProfilePrefix: z.boolean().default(true) }).default({ requireProfilePrefix: true }),
});

export type StorePolicy = z.output<typeof storePolicySchema>;
export type LabelSelector = z.output<typeof labelSelector>;
export type StoreAuth = z.output<typeof auth>;
