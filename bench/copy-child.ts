// Runs kfstore's copy engine in its own process so its peak memory is its own (bench/copy.ts).
import { copyPrefix } from '../plugin/s3/copy/run.ts';
import type { Location } from '../plugin/s3/copy/run.ts';

const [source, destination] = JSON.parse(process.argv[2] ?? '[]') as [Location, Location];
const started = performance.now();
const summary = await copyPrefix({ source, destination, concurrency: 8 });
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, copied: summary.copied, bytes: summary.bytes, failures: summary.failures.length, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
