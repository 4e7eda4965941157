// doctor -o sarif|junit|github through the real kubectl on a GitOps tree: SARIF valid against the
// official 2.1.0 schema and ready for GitHub code scanning, JUnit one case per check per namespace,
// workflow annotations at file and line. Every format agrees with the JSON report.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { readFixture } from '../../support/fixtures.ts';
import { kfstore } from '../../support/plugin.ts';

const TREE = 'test/fixtures/manifests/gitops';
const CANARIES = ['CANARYAKIATEAMA00001', 'CANARY-secret-team-a-do-not-print', 'minio123'];
type Finding = { id: string; level: string; namespace?: string; message: string; location?: { file: string; line: number } };
type Report = { summary: Record<string, number>; findings: Finding[] };

let report: Report;
const problems = (): Finding[] => report.findings.filter((f) => f.level !== 'ok');

before(async () => {
  const r = await kfstore(['doctor', '-f', TREE, '-o', 'json']);
  report = JSON.parse(r.stdout) as Report;
  assert.ok(problems().length >= 4, r.stdout);
});

function noCanaries(text: string): void {
  for (const c of CANARIES) assert.ok(!text.includes(c), `output contains secret value ${c}`);
}

/** The line a location names starts the object (its first key) in that file. */
function startsObject(file: string, line: number): boolean {
  const text = readFileSync(file, 'utf8').split('\n')[line - 1] ?? '';
  return /^(apiVersion|kind|metadata):/.test(text);
}

describe('doctor -o json|yaml', () => {
  it('every finding from -f carries its file and line', async () => {
    assert.deepEqual(
      report.findings.filter((f) => f.location === undefined),
      [],
    );
    assert.ok(report.findings.every((f) => f.location !== undefined && startsObject(f.location.file, f.location.line)));
    const r = await kfstore(['doctor', '-f', TREE, '-o', 'yaml']);
    const crash = (parse(r.stdout) as Report).findings.find((f) => f.id === 'KFS014');
    assert.deepEqual(crash?.location, { file: `${TREE}/team-b/all.yaml`, line: 8 });
    assert.doesNotMatch(r.stdout, /location: \*/, 'each location written out, not as a YAML alias');
  });
});

describe('doctor -o sarif', () => {
  it('is valid SARIF 2.1.0 (the OASIS schema) with a result per finding at its file and line', async () => {
    const r = await kfstore(['doctor', '-f', TREE, '-o', 'sarif']);
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string; defaultConfiguration: { level: string } }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }[];
        }[];
      }[];
    };
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
    const validate = ajv.compile(JSON.parse(readFixture('gitops', 'sarif', 'sarif-schema-2.1.0.json')) as object);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
    // The schema is strict enough to catch a kfstore level name leaking into SARIF.
    const leaked = JSON.parse(r.stdout) as typeof log;
    if (leaked.runs[0]?.results[0] !== undefined) leaked.runs[0].results[0].level = 'warn';
    assert.equal(validate(leaked), false);
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0];
    assert.ok(run);
    assert.equal(run.tool.driver.name, 'kfstore');
    assert.equal(run.results.length, problems().length);
    const levels = { error: 'error', warn: 'warning', info: 'note' } as Record<string, string>;
    assert.deepEqual(
      run.results.map((x) => `${x.ruleId} ${x.level}`).sort(),
      problems()
        .map((f) => `${f.id} ${levels[f.level]}`)
        .sort(),
    );
    for (const result of run.results) {
      assert.equal(run.tool.driver.rules[result.ruleIndex]?.id, result.ruleId, 'ruleIndex points at the rule');
      const at = result.locations[0]?.physicalLocation;
      assert.ok(at, `${result.ruleId} has a location`);
      assert.equal(at.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.ok(at.artifactLocation.uri.startsWith(`${TREE}/`), at.artifactLocation.uri);
      assert.ok(
        existsSync(at.artifactLocation.uri) && startsObject(at.artifactLocation.uri, at.region.startLine),
        `${at.artifactLocation.uri}:${at.region.startLine}`,
      );
    }
    assert.deepEqual(
      run.tool.driver.rules.map((x) => x.id),
      [...new Set(problems().map((f) => f.id))].sort(),
    );
    assert.equal(run.tool.driver.rules.find((x) => x.id === 'KFS014')?.defaultConfiguration.level, 'error');
    noCanaries(r.stdout);
  });
});

describe('paths for GitHub', () => {
  it('are relative to the repository root, also when doctor runs in a subdirectory', async () => {
    const cwd = new URL('../../fixtures/manifests/', import.meta.url).pathname;
    const [sarif, github] = await Promise.all([
      kfstore(['doctor', '-f', 'gitops', '-o', 'sarif'], {}, cwd),
      kfstore(['doctor', '-f', 'gitops', '-o', 'github'], {}, cwd),
    ]);
    const uris = (
      JSON.parse(sarif.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }
    ).runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri);
    assert.ok(uris?.includes(`${TREE}/team-b/all.yaml`), JSON.stringify(uris));
    assert.match(github.stdout, new RegExp(`^::error file=${TREE}/team-b/all\\.yaml,line=8,title=KFS014::`, 'm'));
  });
});

describe('doctor -o junit', () => {
  it('one test case per check per namespace; failing at --fail-on, as the exit status', async () => {
    const r = await kfstore(['doctor', '-f', TREE, '-o', 'junit']);
    assert.equal(r.code, 1, r.stderr);
    assertWellFormed(r.stdout);
    const cases = [
      ...r.stdout.matchAll(/<testcase classname="kfstore\.doctor\.([^"]+)" name="(KFS\d{3})"(?: file="([^"]+)" line="(\d+)")?(\/?)>/g),
    ];
    // Cluster-wide findings (the KFP release, KFS001) form the suite "(cluster)".
    const pairs = new Set(report.findings.map((f) => `${f.namespace ?? '(cluster)'} ${f.id}`));
    assert.deepEqual(cases.map((c) => `${c[1]} ${c[2]}`).sort(), [...pairs].sort());
    const failing = new Set(report.findings.filter((f) => f.level === 'error').map((f) => `${f.namespace ?? '(cluster)'} ${f.id}`));
    assert.equal((r.stdout.match(/<failure /g) ?? []).length, failing.size);
    assert.match(r.stdout, new RegExp(`<testsuites name="kfstore doctor" tests="${pairs.size}" failures="${failing.size}"`));
    assert.ok(cases.every((c) => c[3] === undefined || startsObject(c[3], Number(c[4]))));
    const strict = await kfstore(['doctor', '-f', TREE, '-o', 'junit', '--fail-on', 'warn']);
    const warned = new Set(
      problems()
        .filter((f) => f.level === 'error' || f.level === 'warn')
        .map((f) => `${f.namespace ?? '(cluster)'} ${f.id}`),
    );
    assert.equal((strict.stdout.match(/<failure /g) ?? []).length, warned.size);
    noCanaries(r.stdout);
  });
});

describe('doctor -o github', () => {
  it('a workflow annotation per finding at file and line, then the summary', async () => {
    const r = await kfstore(['doctor', '-f', TREE, '-o', 'github']);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    const summary = lines.pop();
    // 4 info: KFS001 (release assumed) and KFS020 for each profile's v2/artifacts/<ns> layout (at INFO while the release is assumed).
    assert.match(summary ?? '', /^kfstore doctor: 2 error, 4 warn, 4 info, \d+ ok in 3 namespaces$/);
    const commands = { error: 'error', warn: 'warning', info: 'notice' } as Record<string, string>;
    assert.deepEqual(
      lines.map((l) => /^::(\w+) file=[^,:]+,line=\d+,title=(KFS\d{3})::/.exec(l)?.slice(1, 3).join(' ')).sort(),
      problems()
        .map((f) => `${commands[f.level]} ${f.id}`)
        .sort(),
    );
    const crash = lines.find((l) => l.includes('title=KFS014'));
    assert.match(
      crash ?? '',
      new RegExp(`^::error file=${TREE}/team-b/all\\.yaml,line=8,title=KFS014::team-b ConfigMap/kfp-launcher: .*%0Afix: `),
    );
    noCanaries(r.stdout);
  });
});

/** Tags nest and close, and text holds no raw markup: enough to know a JUnit reader can parse it. */
function assertWellFormed(xml: string): void {
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^>]*\?>\n/, '');
  for (const m of body.matchAll(/<(\/?)([\w-]+)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/g)) {
    if (m[5] !== undefined) {
      assert.doesNotMatch(m[5], /&(?!(amp|lt|gt|quot|#10);)/, 'unescaped & in text');
      continue;
    }
    if (m[4] === '/') continue;
    if (m[1] === '/') assert.equal(stack.pop(), m[2]);
    else stack.push(m[2] ?? '');
  }
  assert.deepEqual(stack, []);
  assert.equal(body.replace(/<(\/?)([\w-]+)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/g, ''), '', 'only tags and text');
}
