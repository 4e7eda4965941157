// Swift rings: one single-device ring per backend, pointing at that backend's port.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { BACKENDS } from './config.ts';
import type { SwiftPorts } from './config.ts';

const exec = promisify(execFile);

// swift-ring-builder costs ~0.8 s of interpreter start per call (9 calls); one Python process
// using the same RingBuilder class takes ~0.6 s in total.
const BUILD_ALL = `
import sys
from swift.common.ring import RingBuilder
for arg in sys.argv[1:]:
    name, port = arg.split('=')
    b = RingBuilder(8, 1, 1)
    b.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': int(port), 'device': 'd1', 'weight': 100})
    b.rebalance()
    b.get_ring().save(name + '.ring.gz')
    b.save(name + '.builder')
`;

export async function buildRings(etcDir: string, ports: SwiftPorts, ringBuilder: string): Promise<void> {
  try {
    await exec(swiftPython(ringBuilder), ['-c', BUILD_ALL, ...BACKENDS.map((n) => `${n}=${ports[n]}`)], { cwd: etcDir });
  } catch {
    await Promise.all(BACKENDS.map((n) => buildRingWithCli(etcDir, n, ports[n], ringBuilder)));
  }
}

async function buildRingWithCli(cwd: string, name: string, port: number, ringBuilder: string): Promise<void> {
  const builder = `${name}.builder`;
  await exec(ringBuilder, [builder, 'create', '8', '1', '1'], { cwd });
  await exec(ringBuilder, [builder, 'add', `r1z1-127.0.0.1:${port}/d1`, '100'], { cwd });
  await exec(ringBuilder, [builder, 'rebalance'], { cwd });
}

// The interpreter Swift is installed for (Debian: /usr/bin/python3), not whatever python3 is first on PATH.
function swiftPython(ringBuilder: string): string {
  const first = readFileSync(ringBuilder, 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\s*(\S+)/.exec(first);
  return m?.[1] ?? 'python3';
}
