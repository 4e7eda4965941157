// The migration target from flags, or from a StorePolicy's store section (--policy) with flags
// winning. Errors name the flag to fix and exit 2.
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { resolveTarget } from '../../settings/migrate/migration-target.ts';
import type { MigrationTarget, TargetInput } from '../../settings/migrate/migration-target.ts';
import type { MigrateFlags } from '../cli/args.ts';
import { PluginError } from '../cli/errors.ts';

export function targetFrom(flags: MigrateFlags, policy: StorePolicy | undefined): MigrationTarget {
  const store = policy?.store;
  const bucket = flags.bucket ?? store?.bucket;
  if (bucket === undefined) throw new PluginError('--bucket is required (or --policy FILE with store.bucket)');
  const input: TargetInput = { to: 's3', bucket };
  const endpoint = flags.endpoint ?? store?.endpoint;
  if (endpoint !== undefined) input.endpoint = endpoint;
  const region = flags.region ?? store?.region;
  if (region !== undefined) input.region = region;
  if (flags.account !== undefined) input.account = flags.account;
  const pathStyle = flags.pathStyle ?? (store?.endpoint !== undefined ? store.pathStyle : undefined);
  if (pathStyle !== undefined) input.pathStyle = pathStyle;
  const root = flags.rootTemplate ?? store?.pipelineRoot;
  if (root !== undefined) input.rootTemplate = root;
  const policySecret = store?.auth.secret;
  const secretName = flags.secretName ?? policySecret?.name;
  input.secret = {};
  if (secretName !== undefined) input.secret.name = secretName;
  if (policySecret !== undefined) {
    input.secret.accessKeyKey = policySecret.accessKeyKey;
    input.secret.secretKeyKey = policySecret.secretKeyKey;
  }
  if (flags.cloneSecretFrom !== undefined) input.secret.cloneFrom = flags.cloneSecretFrom;
  const result = resolveTarget(input);
  if (!result.ok) throw new PluginError(result.errors.join('; '));
  return result.target;
}
