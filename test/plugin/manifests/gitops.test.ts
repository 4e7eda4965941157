// doctor on GitOps trees through the real kubectl: -k rendered by `kubectl kustomize`, -f - from a
// pipe, scope that means something (exit 2 when nothing is checked), skip notes, file and line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fixturePath } from '../../support/fixtures.ts';
import { kfstore, pluginBin } from '../../support/plugin.ts';
import type { Run } from '../../support/plugin.ts';

const G = (...parts: string[]): string => fixturePath('gitops', ...parts);
type Report = {
  namespaces: string[];
  findings: { id: string; level: string; namespace?: string; message: string; location?: { file: string; line: number } }[];
};

/** kubectl kfstore with `input` on stdin, as `... | kubectl kfstore doctor -f -`. */
function piped(args: string[], input: string, env: Record<string, string> = {}): Promise<Run> {
  const PATH = [pluginBin(), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  const proc = spawn('kubectl', ['kfstore', ...args], {
    env: { ...process.env, KUBECONFIG: '/nonexistent-kubeconfig', PATH, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdin.end(input);
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('doctor -k and -f on a kustomize tree', () => {
  it('-k renders with kubectl kustomize: namespaces from the kustomization, findings at the source file and line', async () => {
    const r = await kfstore(['doctor', '-k', G('kustomize-namespace'), '-o', 'json'], {}, G('kustomize-namespace'));
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.namespaces, ['team-k1', 'team-k2']);
    assert.ok(!report.findings.some((f) => f.id === 'KFS019'), 'two namespaces, two roots: no overlap');
    const k1 = report.findings.filter((f) => f.namespace === 'team-k1');
    assert.ok(k1.length > 0 && k1.every((f) => f.location?.file === 'team-k1/launcher.yaml' && f.location.line === 1), JSON.stringify(k1));
  });
  it('-f on the same tree honours the kustomizations’ namespace: the same findings', async () => {
    const [k, f] = await Promise.all([
      kfstore(['doctor', '-k', G('kustomize-namespace'), '-o', 'json']),
      kfstore(['doctor', '-f', G('kustomize-namespace'), '-o', 'json']),
    ]);
    const strip = (text: string): unknown => (JSON.parse(text) as Report).findings.map(({ location: _l, ...rest }) => rest);
    assert.deepEqual(strip(f.stdout), strip(k.stdout));
  });
  it('-k on a broken kustomization: exit 2 with kubectl’s reason', async () => {
    const r = await kfstore(['doctor', '-k', G('no-objects')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /-k .*no-objects: kubectl kustomize failed: .*kustomization/);
  });
  it('-k without a kubectl binary on PATH says so', async () => {
    const plugin = join(pluginBin(), 'kubectl-kfstore');
    const proc = spawn(plugin, ['doctor', '-k', G('kustomize-namespace')], {
      env: { PATH: dirname(process.execPath), HOME: '/nonexistent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /-k needs the kubectl binary on PATH .* and none was found/);
  });
});

describe('doctor -f - and generated Secrets', () => {
  it('reads stdin; an ExternalSecret is the Secret it produces', async () => {
    const r = await piped(['doctor', '-f', '-', '-o', 'json'], readFileSync(G('generated-secrets', 'team-x.yaml'), 'utf8'));
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.namespaces, ['team-x']);
    assert.ok(!report.findings.some((f) => /does not exist|missing/.test(f.message)), JSON.stringify(report.findings));
    assert.ok(report.findings.every((f) => f.location?.file === '<stdin>'));
  });
  it('a SealedSecret’s keys count: only the key it lacks is reported', async () => {
    const r = await kfstore(['doctor', '-f', G('generated-secrets'), '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const problems = (JSON.parse(r.stdout) as Report).findings.filter((f) => f.level === 'error');
    assert.deepEqual(
      problems.map((f) => `${f.namespace} ${f.id} ${f.message}`),
      ['team-y KFS031 defaultPipelineRoot: Secret team-y-s3 has no value for key AWS_SECRET_ACCESS_KEY'],
    );
  });
});

describe('what -f reads and skips', () => {
  it('Helm charts and templates: a note each, the rest is checked', async () => {
    const r = await kfstore(['doctor', '-f', G('helm-chart'), '-o', 'wide']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /note: skipped .*helm-chart\/chart: a Helm chart/);
    assert.match(r.stderr, /note: skipped .*loose-template\.yaml: a template/);
    assert.match(r.stdout, /^LEVEL\s+ID\s+NAMESPACE\s+OBJECT\s+LOCATION\s/m);
    assert.match(
      r.stdout,
      /KFS040\s+team-h\s+ConfigMap\/artifact-repositories\s+test\/fixtures\/gitops\/helm-chart\/teams\/team-h\.yaml:1\s/,
    );
    const quiet = await kfstore(['doctor', '-f', G('helm-chart'), '--exclude', 'chart', '--exclude', 'loose-*']);
    assert.equal(quiet.stderr, '');
  });
  it('duplicates name their files and lines', async () => {
    const r = await kfstore(['doctor', '-f', G('duplicates')]);
    assert.match(
      r.stderr,
      /ConfigMap team-d\/kfp-launcher: defined more than once \(.*duplicates\/first\.yaml:1, .*duplicates\/second\.yaml:6\)/,
    );
  });
});

describe('nothing in scope: exit 2 with one line', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'a namespace that is not a profile',
      ['-f', G('not-profile'), '-n', 'tools'],
      /^error: namespace tools is not a KFP profile .*; use -A for every profile, or -n <profile>\n$/,
    ],
    [
      'a namespace not in the files',
      ['-f', G('not-profile'), '-n', 'team-zzz'],
      /^error: namespace team-zzz is not in the manifests \(they hold team-p, tools\); nothing to check\n$/,
    ],
    [
      '-l matching nothing',
      ['-f', G('not-profile'), '-A', '-l', 'tier=none'],
      /^error: no namespace in the manifests matches -l tier=none: nothing to check\n$/,
    ],
    [
      '--only with an unknown id',
      ['-f', G('not-profile'), '--only', 'KFS999'],
      /^error: 'KFS999' is not a check id; kubectl kfstore checks lists them\n$/,
    ],
    [
      '--skip with an unknown id',
      ['-f', G('not-profile'), '--skip', 'KFS040,KFS998'],
      /^error: 'KFS998' is not a check id; kubectl kfstore checks lists them\n$/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await kfstore(['doctor', ...args]);
      assert.equal(r.code, 2, r.stdout);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  }
  it('files without Kubernetes objects', async () => {
    const r = await kfstore(['doctor', '-f', G('no-objects')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: no Kubernetes objects in .*no-objects .*: nothing to check\n$/);
  });
});

describe('migrate on input it cannot rewrite', () => {
  it('-k, and -f - without --dry-run: exit 2 before reading anything', async () => {
    const k = await kfstore(['migrate', '--to', 's3', '--bucket', 'b', '-k', G('kustomize-namespace')]);
    assert.equal(k.code, 2);
    assert.match(k.stderr, /^error: migrate does not take -k: it rewrites files, not kustomize output/);
    const s = await piped(['migrate', '--to', 's3', '--bucket', 'b', '-f', '-'], readFileSync(G('duplicates', 'first.yaml'), 'utf8'));
    assert.equal(s.code, 2);
    assert.match(s.stderr, /^error: migrate -f - needs --dry-run: stdin cannot be rewritten/);
  });
});
