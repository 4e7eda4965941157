// Tables sized to a real terminal: the plugin runs under a pseudo-terminal 80, 100 and 200 columns
// wide; no line may be wider, no word of a message or fix may be split, severity is coloured there
// and not with NO_COLOR, --color never, or in a pipe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixturePath } from '../../support/fixtures.ts';
import { kfstore } from '../../support/plugin.ts';
import { kfstoreInPty, visible } from '../../support/pty.ts';

const GITOPS = fixturePath('manifests', 'gitops');
const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';

type Report = { findings: { level: string; message: string; fix: string }[] };

async function report(): Promise<Report> {
  const r = await kfstore(['doctor', '-f', GITOPS, '-o', 'json']);
  return JSON.parse(r.stdout) as Report;
}

function assertFits(text: string, width: number): void {
  for (const line of visible(text).split('\n')) assert.ok(line.length <= width, `${line.length} > ${width}: ${line}`);
}

/** Every word short enough for any column the layout gives a message appears whole. */
function assertWordsWhole(text: string, findings: Report['findings']): void {
  const tokens = new Set(visible(text).split(/\s+/));
  for (const f of findings.filter((x) => x.level !== 'ok')) {
    for (const word of `${f.message} ${f.fix}`.split(/\s+/).filter((w) => w.length > 0 && w.length <= 30)) {
      assert.ok(tokens.has(word), `"${word}" was split (from ${f.message})`);
    }
  }
}

describe('doctor and inspect in a real terminal', () => {
  for (const width of [80, 100, 200]) {
    it(`doctor at ${width} columns: fits, words whole, ERROR red and WARN yellow`, async () => {
      const r = await kfstoreInPty(['doctor', '-f', GITOPS], width);
      assert.equal(r.code, 1, r.output);
      assertFits(r.output, width);
      const { findings } = await report();
      assertWordsWhole(r.output, findings);
      assert.ok(r.output.includes(`${RED}ERROR`), 'ERROR is red on a terminal');
      assert.ok(r.output.includes(`${YELLOW}WARN`), 'WARN is yellow on a terminal');
      // INFO: KFS001 (no ml-pipeline Deployment in the manifests, so the newest rules apply) and
      // KFS020 per profile (the default v2/artifacts layout meets the 2.17 UI's ownership check).
      assert.match(visible(r.output), /2 error, 4 warn, 4 info, \d+ ok, 1 skipped in 3 namespaces/);
      assert.match(visible(r.output), /^INFO\s+KFS001\s/m);
      assert.equal(visible(r.output).match(/^INFO\s+KFS020\s/gm)?.length, 3);
    });
    it(`doctor -o wide at ${width} columns fits, words whole`, async () => {
      const r = await kfstoreInPty(['doctor', '-f', GITOPS, '-o', 'wide'], width);
      assert.equal(r.code, 1, r.output);
      assertFits(r.output, width);
      assertWordsWhole(r.output, (await report()).findings);
      // With -f every finding carries its file and line, so wide adds LOCATION and PATH: for this
      // tree's long paths even 200 columns leave too little for message and fix, which stack under
      // the row with the location and path (the side-by-side layout: findings-table.test.ts).
      assert.match(visible(r.output), /^ {8}fix: add s3\.default\.credentials\.secretRef/m);
      assert.match(visible(r.output), /^ {8}location: test\/fixtures\/manifests\/gitops\/team-b\/all\.yaml:8$/m);
      assert.match(visible(r.output), /^ {8}path: s3\.default\.credentials\.secretRef$/m);
    });
    it(`inspect at ${width} columns fits; the session error is a note, not a data cell`, async () => {
      const r = await kfstoreInPty(['inspect', '-f', GITOPS, '-o', 'wide', '--policy', fixturePath('policies', 'example.yaml')], width);
      assert.equal(r.code, 0, r.output);
      assertFits(r.output, width);
      const text = visible(r.output);
      assert.match(text, /^team-b\s.*\sERROR$/m);
      assert.match(text, /^team-b: KFP cannot compute the store session \(KFP's driver panics\): runtime/m);
      assert.ok(r.output.includes(`${RED}ERROR`));
      for (const word of ['kubeflow-pipelines--profile-object-store-auth--team-a', 'http://minio.storage:9000'])
        assert.ok(text.split(/\s+/).includes(word), `${word} whole`);
    });
  }

  it('NO_COLOR (any non-empty value) and --color never turn colour off on a terminal; --color always wins over NO_COLOR', async () => {
    for (const [env, args] of [
      [{ NO_COLOR: '1' }, []],
      [{ NO_COLOR: 'yes' }, []],
      [{}, ['--color', 'never']],
      [{}, ['--color=never']],
    ] as const) {
      const r = await kfstoreInPty(['doctor', '-f', GITOPS, ...args], 100, env);
      assert.equal(r.code, 1, r.output);
      assert.doesNotMatch(r.output, /\x1b\[/, `colour with ${JSON.stringify(env)} ${args.join(' ')}`);
    }
    const forced = await kfstoreInPty(['doctor', '-f', GITOPS, '--color', 'always'], 100, { NO_COLOR: '1' });
    assert.ok(forced.output.includes(`${RED}ERROR`));
  });

  it('a pipe: no colour, no wrapping (one line per finding, for grep), unless COLUMNS says how wide', async () => {
    const piped = await kfstore(['doctor', '-f', GITOPS]);
    assert.doesNotMatch(piped.stdout, /\x1b\[/);
    const { findings } = await report();
    for (const f of findings.filter((x) => x.level !== 'ok'))
      assert.ok(
        piped.stdout.split('\n').some((l) => l.endsWith(f.message)),
        `whole message on one line: ${f.message}`,
      );
    const forced = await kfstore(['doctor', '-f', GITOPS, '--color=always']);
    assert.ok(forced.stdout.includes(`${RED}ERROR`));
    const sized = await kfstore(['doctor', '-f', GITOPS], { COLUMNS: '80' });
    assertFits(sized.stdout, 80);
    assertWordsWhole(sized.stdout, findings);
    assert.doesNotMatch(sized.stdout, /\x1b\[/);
  });

  it('--no-headers: rows only, no header and no summary', async () => {
    const r = await kfstoreInPty(['doctor', '-f', GITOPS, '--no-headers'], 200);
    const text = visible(r.output);
    assert.doesNotMatch(text, /LEVEL|MESSAGE|error, .* warn/);
    assert.match(text, /^ERROR\s+KFS014\s+team-b/m);
    const i = await kfstore(['inspect', '-f', GITOPS, '--no-headers']);
    assert.doesNotMatch(i.stdout, /NAMESPACE/);
    assert.match(i.stdout, /^team-a\s+yes\s/m);
  });
});
