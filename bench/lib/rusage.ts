// Runs a command and reports its wall time, CPU time and peak RSS (getrusage of the waited-for
// child, through python3, which Swift already needs: Node reports no child rusage).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const WRAPPER = [
  'import json, resource, subprocess, sys, time',
  't = time.monotonic()',
  'p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)',
  'wall = time.monotonic() - t',
  'u = resource.getrusage(resource.RUSAGE_CHILDREN)',
  'sys.stderr.buffer.write(p.stderr)',
  'sys.stdout.buffer.write(p.stdout)',
  'print("\\nRUSAGE " + json.dumps({"code": p.returncode, "wall": wall, "cpu": u.ru_utime + u.ru_stime, "maxRssKiB": u.ru_maxrss}))',
].join('\n');

export interface Measured {
  code: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  stdout: string;
  stderr: string;
}

export async function measure(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  const out = await run('python3', ['-c', WRAPPER, command, ...args], { env, maxBuffer: 64 << 20 });
  const at = out.stdout.lastIndexOf('\nRUSAGE ');
  if (at < 0) throw new Error(`no rusage from ${command}: ${out.stderr.slice(-500)}`);
  const r = JSON.parse(out.stdout.slice(at + 8)) as { code: number; wall: number; cpu: number; maxRssKiB: number };
  return {
    code: r.code,
    seconds: r.wall,
    cpuSeconds: r.cpu,
    maxRssMiB: r.maxRssKiB / 1024,
    stdout: out.stdout.slice(0, at),
    stderr: out.stderr,
  };
}
