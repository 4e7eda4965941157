// Config files for a single-node Swift with s3api (the recipe in /work/shared/S3-TEST-SERVER.md).
// Pure: returns file texts, so the layout can be checked without starting anything.

export interface SwiftAccount {
  /** Swift account (the part before `:` in the S3 access key). */
  account: string;
  user: string;
  /** tempauth password = S3 secret key. */
  secret: string;
  /** `.admin` can create buckets and read/write every container of its account. Default true. */
  admin?: boolean;
}

export interface SwiftPorts {
  proxy: number;
  object: number;
  container: number;
  account: number;
}

export const BACKENDS = ['object', 'container', 'account'] as const;
export type Backend = (typeof BACKENDS)[number];

// tempauth reads `user_<account>_<user>` keys, split on `_`, and config keys are lower-cased.
const NAME = /^[a-z0-9][a-z0-9-]*$/;

export function validateAccounts(accounts: SwiftAccount[]): void {
  const seen = new Set<string>();
  for (const a of accounts) {
    if (!NAME.test(a.account) || !NAME.test(a.user)) {
      throw new Error(`swift account and user must match ${NAME}: ${JSON.stringify(`${a.account}:${a.user}`)}`);
    }
    // The value is split on whitespace and `%` is ConfigParser interpolation.
    if (a.secret === '' || /[\s%]/.test(a.secret))
      throw new Error(`secret for ${a.account}:${a.user} must be non-empty without spaces or %`);
    const id = `${a.account}:${a.user}`;
    if (seen.has(id)) throw new Error(`duplicate swift user ${id}`);
    seen.add(id);
  }
}

export function swiftConf(): string {
  return `[swift-hash]
swift_hash_path_suffix = kfstore-test
swift_hash_path_prefix = kfstore
[storage-policy:0]
name = Policy-0
default = yes
`;
}

export function backendConf(name: Backend, dir: string, port: number, user: string): string {
  // healthcheck lets start-up wait for each backend, not only the proxy.
  return `[DEFAULT]
swift_dir = ${dir}/etc
devices = ${dir}/srv
mount_check = false
bind_ip = 127.0.0.1
bind_port = ${port}
workers = 1
user = ${user}
log_name = ${name}
disable_fallocate = true
[pipeline:main]
pipeline = healthcheck ${name}-server
[app:${name}-server]
use = egg:swift#${name}
[filter:healthcheck]
use = egg:swift#healthcheck
[${name}-replicator]
[${name}-auditor]
[${name}-updater]
`;
}

export function proxyConf(dir: string, port: number, user: string, accounts: SwiftAccount[]): string {
  const users = accounts.map((a) => `user_${a.account}_${a.user} = ${a.secret}${a.admin === false ? '' : ' .admin'}`).join('\n');
  return `[DEFAULT]
swift_dir = ${dir}/etc
bind_ip = 127.0.0.1
bind_port = ${port}
workers = 1
user = ${user}
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
[filter:tempauth]
use = egg:swift#tempauth
${users}
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:cache]
use = egg:swift#memcache
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
`;
}
