// docs/gitops.md: the CI examples are runnable as written. Their doctor commands run through the
// real kubectl in a repository laid out as the example expects (profiles under clusters/).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { fixturePath } from '../support/fixtures.ts';
import { pluginBin } from '../support/plugin.ts';

const DOC = readFileSync(new URL('../../docs/gitops.md', import.meta.url), 'utf8');

/** The YAML code block that follows a heading. */
function block(heading: string): string {
  const at = DOC.indexOf(`## ${heading}\n`);
  assert.ok(at >= 0, `docs/gitops.md has ## ${heading}`);
  const m = /```yaml\n([\s\S]*?)```/.exec(DOC.slice(at));
  assert.ok(m?.[1], `a yaml block under ${heading}`);
  return m[1];
}

/** A repository with the example's layout: a tree with one error under clusters/. */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kfstore-docs-'));
  cpSync(fixturePath('gitops', 'generated-secrets'), join(dir, 'clusters'), { recursive: true });
  return dir;
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const PATH = [pluginBin(), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  const proc = spawn('bash', ['-eo', 'pipefail', '-c', script], {
    cwd,
    env: { ...process.env, KUBECONFIG: '/nonexistent-kubeconfig', PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, stdout, stderr })));
}

type Workflow = {
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: { doctor: { steps: { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, string> }[] } };
};

describe('docs/gitops.md', () => {
  it('the GitHub Actions workflow annotates the pull request and uploads SARIF', async () => {
    const workflow = parse(block('GitHub Actions')) as Workflow;
    assert.equal(workflow.permissions['security-events'], 'write');
    const steps = workflow.jobs.doctor.steps;
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    assert.equal(upload?.with?.sarif_file, 'kfstore.sarif');
    const doctor = steps.filter((s) => s.run?.includes('kubectl kfstore doctor'));
    assert.equal(doctor.length, 2);
    const repo = repository();
    const [annotate, sarif] = doctor;
    const a = await bash(annotate?.run ?? '', repo, workflow.env);
    assert.equal(a.code, 1, 'the job fails on an error finding');
    assert.match(a.stdout, /^::error file=clusters\/team-y\.yaml,line=5,title=KFS031::/m);
    const s = await bash(sarif?.run ?? '', repo, workflow.env);
    assert.equal(s.code, 0, s.stderr);
    const log = JSON.parse(readFileSync(join(repo, 'kfstore.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    assert.deepEqual(
      log.runs[0]?.results
        .map((r) => `${r.ruleId} ${r.locations[0]?.physicalLocation.artifactLocation.uri}`)
        .filter((x) => x.startsWith('KFS031')),
      ['KFS031 clusters/team-y.yaml'],
    );
  });
  it('the GitLab job writes a JUnit report', async () => {
    const job = (parse(block('GitLab CI')) as { kfstore: { script: string[]; artifacts: { reports: { junit: string } } } }).kfstore;
    const line = job.script.find((l) => l.startsWith('kubectl-kfstore doctor'));
    assert.ok(line);
    const repo = repository();
    const r = await bash(`${line} || test $? = 1`, repo, {});
    assert.equal(r.code, 0, r.stderr);
    const xml = readFileSync(join(repo, job.artifacts.reports.junit), 'utf8');
    assert.match(
      xml,
      /<testcase classname="kfstore\.doctor\.team-y" name="KFS031" file="clusters\/team-y\.yaml" line="5">\n\s+<failure type="error"/,
    );
  });
});
