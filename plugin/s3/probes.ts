// The object-store probes of `kubectl kfstore doctor --probe` (bucketReachable, roundTrip, isolation, incompleteUploads, lifecycle).
export { probeBucket } from './probe-bucket.ts';
export { probeRoundTrip } from './probe-roundtrip.ts';
export { probeIsolation } from './probe-isolation.ts';
export { probeUploads } from './probe-uploads.ts';
export { probeLifecycle } from './probe-lifecycle.ts';
export { PROBE_DIR } from './probe-common.ts';
export type { ProbeFinding, ProbeTenant } from './probe-common.ts';
