// Environment for Debian's rclone against the test Swift: one S3 remote per account, no config file.
import type { SwiftServer } from './swift/server.ts';

/** `remotes` maps a remote name (as used in `name:bucket/path`) to [account, user]. */
export function rcloneEnv(swift: SwiftServer, remotes: Record<string, [string, string]>): Record<string, string> {
  // Without the host's AWS_* variables: rclone's SDK fails on AWS_CA_BUNDLE with its own transport.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_')) env[k] = v;
  for (const [remote, [account, user]] of Object.entries(remotes)) {
    const c = swift.credentials(account, user);
    const R = remote.toUpperCase();
    Object.assign(env, {
      [`RCLONE_CONFIG_${R}_TYPE`]: 's3',
      [`RCLONE_CONFIG_${R}_PROVIDER`]: 'Other',
      [`RCLONE_CONFIG_${R}_ENDPOINT`]: swift.endpoint,
      [`RCLONE_CONFIG_${R}_ACCESS_KEY_ID`]: c.accessKeyId,
      [`RCLONE_CONFIG_${R}_SECRET_ACCESS_KEY`]: c.secretAccessKey,
      [`RCLONE_CONFIG_${R}_REGION`]: 'us-east-1',
      [`RCLONE_CONFIG_${R}_FORCE_PATH_STYLE`]: 'true',
    });
  }
  return env;
}
