// The command line through the real kubectl: kubectl-grade flag errors, help pages with Examples,
// version -o, quiet stderr without -v, and migrate -f asking before it edits files in place.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { fixturePath, readFixture } from '../../support/fixtures.ts';
import { startKubeApiServer } from '../../support/kube-apiserver/index.ts';
import type { KubeApiServer, KubeObject } from '../../support/kube-apiserver/index.ts';
import { kfstore, kubectl } from '../../support/plugin.ts';
import { kfstoreInPty } from '../../support/pty.ts';

const GITOPS = fixturePath('manifests', 'gitops');
const TARGET = ['migrate', '--to', 's3', '--bucket', 'kfp-art', '--region', 'us-east-1'];

describe('flags as kubectl reads them', () => {
  it('an unknown flag: exit 2, pflag wording, "did you mean", no stack', async () => {
    const r = await kfstore(['doctor', '-f', GITOPS, '--fail-o', 'warn']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'error: unknown flag: --fail-o; did you mean --fail-on? (see --help)\n');
    const c = await kfstore(['inspekt']);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /unknown command 'inspekt'; did you mean inspect\?/);
  });
  it('-f=path reads the file path; --flag=value everywhere', async () => {
    const r = await kfstore(['doctor', `-f=${GITOPS}`, '--output=json', '--fail-on=warn']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { kind: string }).kind, 'DoctorReport');
    const i = await kfstore(['inspect', `--filename=${GITOPS}`, '-n=team-a', '-ojson']);
    assert.equal(i.code, 0, i.stderr);
    assert.deepEqual(
      (JSON.parse(i.stdout) as { namespaces: { namespace: string }[] }).namespaces.map((n) => n.namespace),
      ['team-a'],
    );
  });
});

describe('completion', () => {
  it('offers wide for -o and the --color values', async () => {
    const o = await kubectl(['__complete', 'kfstore', 'doctor', '-o', '']);
    assert.match(o.stdout, /^wide$/m);
    const c = await kubectl(['__complete', 'kfstore', 'inspect', '--color', '']);
    assert.deepEqual(c.stdout.trim().split('\n'), ['auto', 'always', 'never', ':4']);
    const f = await kubectl(['__complete', 'kfstore', 'migrate', '--ye']);
    assert.match(f.stdout, /^--yes$/m);
  });
});

describe('help pages', () => {
  it('every page has an Examples section and exits 0', async () => {
    for (const args of [
      ['--help'],
      ['inspect', '--help'],
      ['doctor', '-h'],
      ['migrate', '--help'],
      ['version', '--help'],
      ['completion', '--help'],
      ['completion'],
    ]) {
      const r = await kfstore(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /\nExamples:\n {2}# .+\n {2}\S/, args.join(' '));
    }
  });
  it('the output flags are documented on inspect, doctor and migrate', async () => {
    for (const command of ['inspect', 'doctor', 'migrate']) {
      const r = await kfstore([command, '--help']);
      for (const flag of ['--no-headers', '--color WHEN', 'wide', '-v, --v LEVEL'])
        assert.ok(r.stdout.includes(flag), `${command} --help lacks ${flag}`);
    }
  });
});

describe('version', () => {
  it('one line by default; -o json and -o yaml; --help is help', async () => {
    const text = await kfstore(['version']);
    assert.match(text.stdout, /^kubectl-kfstore \d+\.\d+\.\d+\n$/);
    const json = JSON.parse((await kfstore(['version', '-o', 'json'])).stdout) as {
      version: string;
      nodeVersion: string;
      platform: string;
    };
    assert.equal(`kubectl-kfstore ${json.version}\n`, text.stdout);
    assert.match(json.nodeVersion, /^v\d+\./);
    assert.match(json.platform, /^[a-z0-9]+\/[a-z0-9]+$/);
    const yaml = parse((await kfstore(['version', '--output=yaml'])).stdout) as { version: string };
    assert.equal(yaml.version, json.version);
    const help = await kfstore(['version', '--help']);
    assert.match(help.stdout, /^Print the plugin version\./);
    const bad = await kfstore(['version', '-o', 'table']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--output must be json or yaml, got 'table'/);
  });
});

describe('migrate -f edits files only when told to', () => {
  it('without --yes and without a terminal: refuses with one clear line, files untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfstore-confirm-'));
    cpSync(GITOPS, dir, { recursive: true });
    const before = snapshot(dir);
    const r = await kfstore([...TARGET, '-f', dir]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^error: refusing to edit the manifests in place without --yes \(stdin is not a terminal\); add --yes, or --out-dir DIR to write a copy\n$/m,
    );
    assert.deepEqual(snapshot(dir), before);
    const yes = await kfstore([...TARGET, '-f', dir, '--yes']);
    assert.equal(yes.code, 0, yes.stderr);
    assert.notDeepEqual(snapshot(dir), before);
  });
  it('on a terminal it asks: "n" leaves the files as they were, "y" edits them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfstore-confirm-tty-'));
    cpSync(GITOPS, dir, { recursive: true });
    const before = snapshot(dir);
    const no = await kfstoreInPty([...TARGET, '-f', dir], 100, {}, 'n\n');
    assert.equal(no.code, 0, no.output + no.stderr);
    assert.match(no.stderr, /edit the manifests in place \(9 changes in 3 namespaces \(3 switched, 0 staged\)\)\? \[y\/N\] /);
    assert.match(no.output, /not written/);
    assert.deepEqual(snapshot(dir), before);
    const yes = await kfstoreInPty([...TARGET, '-f', dir], 100, {}, 'y\n');
    assert.equal(yes.code, 0, yes.output + yes.stderr);
    assert.match(yes.output, /wrote \d+ files/);
    assert.notDeepEqual(snapshot(dir), before);
  });
  it('pre-flight findings come as doctor prints them', async () => {
    const r = await kfstore([...TARGET, '-f', GITOPS, '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^LEVEL\s+ID\s+NAMESPACE\s+OBJECT\s+MESSAGE\n/);
    assert.match(r.stdout, /^INFO\s+KFS071\s+team-a\s+-\s+no runs left in the cluster/m);
    assert.match(r.stdout, /^\s+fix: keep the old store and its Secret readable/m);
  });
});

function snapshot(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), 'utf8')]),
  );
}

describe('doctor on a live cluster: stderr stays quiet without -v', () => {
  let api: KubeApiServer;
  let kubeconfig = '';
  before(async () => {
    api = await startKubeApiServer();
    api.seed(parseAllDocuments(readFixture('cluster', 'profiles.yaml')).map((d) => d.toJS() as KubeObject));
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'kfstore-quiet-')), 'admin.yaml');
    await api.writeKubeconfig(kubeconfig, 'admin', { context: 'admin', namespace: 'team-a' });
  });
  after(async () => {
    await api.close();
  });
  it('no request counts by default; -v=1 prints them', async () => {
    const quiet = await kfstore(['doctor', '-n', 'team-a', '--exit-zero'], { KUBECONFIG: kubeconfig });
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, '');
    const inspect = await kfstore(['inspect', '-n', 'team-a'], { KUBECONFIG: kubeconfig });
    assert.equal(inspect.stderr, '');
    const loud = await kfstore(['doctor', '-n', 'team-a', '--exit-zero', '-v=1'], { KUBECONFIG: kubeconfig });
    assert.match(loud.stderr, /^doctor: 1 namespaces, \d+ \w+(, \d+ \w+)* API requests\n$/);
  });
});
