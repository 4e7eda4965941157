// What `npm test` needs besides Node and npm: the real components the suites drive, each with the
// executables that must be on PATH and the Debian packages that provide them.

export interface MinorVersion {
  major: number;
  minor: number;
}

export interface Requirement {
  /** Its name in the one-line message. */
  name: string;
  /** Which suites use it (documentation; docs/development.md repeats it). */
  usedBy: string;
  /** Executables that must all be on PATH. */
  binaries: string[];
  /** Files that must exist (libraries a binary loads). */
  files?: string[];
  /** Debian packages that install them. */
  debian: string[];
  /** The lowest usable version, when one matters (checked on what is found, and on apt's candidate). */
  minVersion?: MinorVersion & { why: string };
  /** Where to get it when Debian's package is too old. */
  elsewhere?: string;
}

export const REQUIREMENTS: Requirement[] = [
  {
    name: 'OpenStack Swift',
    usedBy: 'the real S3 server of the probe, copy and migrate suites',
    binaries: ['swift-ring-builder', 'swift-proxy-server', 'swift-object-server', 'swift-container-server', 'swift-account-server'],
    debian: ['swift', 'swift-proxy', 'swift-account', 'swift-container', 'swift-object'],
  },
  { name: 'rclone', usedBy: 'an independent S3 client that checks copied bytes', binaries: ['rclone'], debian: ['rclone'] },
  { name: 'openssl', usedBy: 'verifies certificate chains beside node:crypto', binaries: ['openssl'], debian: ['openssl'] },
  {
    name: 'qemu-aarch64',
    usedBy: 'runs the linux arm64 release executable (the release suite)',
    binaries: ['qemu-aarch64'],
    // The arm64 dynamic loader and the C++ runtime Node links against, where `qemu-aarch64 -L` looks.
    files: ['/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1', '/usr/aarch64-linux-gnu/lib/libstdc++.so.6'],
    debian: ['qemu-user', 'libc6-arm64-cross', 'libstdc++6-arm64-cross'],
  },
  {
    name: 'kubectl',
    usedBy: 'runs the plugin through plugin discovery and renders the deploy/ overlays',
    binaries: ['kubectl'],
    debian: ['kubernetes-client'],
    // kubectl_complete-* plugins need 1.26; kustomize components need a kustomize far newer than the
    // v2 inside kubectl 1.20 (Debian 12's kubernetes-client).
    minVersion: { major: 1, minor: 26, why: 'plugin completion and the kustomize that renders deploy/' },
    elsewhere: 'https://kubernetes.io/docs/tasks/tools/',
  },
];

/**
 * The major.minor of `kubectl version` output (`v1.32.4`) or of a Debian package version
 * (`1.20.5+really1.20.2-1.1+deb12u1`: "+really" marks the version actually packaged).
 */
export function parseVersion(text: string): MinorVersion | undefined {
  const m = /\+really(\d+)\.(\d+)/.exec(text) ?? /^(?:\d+:)?v?(\d+)\.(\d+)/.exec(text);
  if (m === null) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function atLeast(v: MinorVersion, min: MinorVersion): boolean {
  return v.major > min.major || (v.major === min.major && v.minor >= min.minor);
}
