// The check registry: every id has one entry and one meaning, code names checks only through it,
// and every finding the checks produce on the fixtures is registered at a registered level.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { CHANGES } from '../../../settings/checks/changes.ts';
import { CHECKS, CHECK_LIST, checkById, levelIn } from '../../../settings/checks/registry.ts';
import type { CheckSpec } from '../../../settings/checks/spec.ts';
import { runDoctor } from '../../../settings/doctor/run.ts';
import type { Finding } from '../../../settings/findings.ts';
import { lintLauncher } from '../../../settings/lint/launcher-lint.ts';
import { loadManifests } from '../../../plugin/manifests/load.ts';
import { fixturePath, listFixtures, loadYaml } from '../../support/fixtures.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
/** Source folders; tests and fixtures may name ids (they assert what users see). */
const SOURCES = ['settings', 'webhook', 'plugin', 'kube-client', 'certs', 'scripts', 'bench'];
/** Where ids are defined: the registry's areas and its change log. */
const REGISTRY = [join('settings', 'checks', 'areas'), join('settings', 'checks', 'changes.ts')];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function assertRegistered(f: Finding, where: string): void {
  const spec: CheckSpec | undefined = checkById(f.id);
  assert.ok(spec !== undefined, `${where}: ${f.id} is not registered`);
  assert.ok(spec.levels.includes(f.level), `${where}: ${f.id} at ${f.level}, registered ${spec.levels.join(', ')}`);
}

describe('the registry', () => {
  it('one entry per id, each well formed', () => {
    const ids = CHECK_LIST.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, 'an id is registered twice');
    for (const c of CHECK_LIST) {
      assert.match(c.id, /^KFS\d{3}$/);
      assert.ok(c.title.length > 0 && c.detects.length > 0 && c.doc.length > 0, `${c.id} documented`);
      assert.ok(c.levels.length > 0 && new Set(c.levels).size === c.levels.length, `${c.id} levels`);
      assert.ok(c.reporters.length > 0, `${c.id} reporters`);
      for (const level of Object.values(c.contextLevels ?? {}))
        assert.ok(c.levels.includes(level), `${c.id}: context level ${level} is one of its levels`);
    }
  });
  it('a severity context decides the level where the registry says so, and nowhere else', () => {
    assert.equal(levelIn('secretMissing', 'admission'), 'warn');
    assert.equal(levelIn('secretMissing', 'live'), 'error');
    assert.equal(levelIn('secretKeyMissing', 'offline'), 'error');
    assert.equal(levelIn('credentialsIncomplete', 'admission'), CHECKS.credentialsIncomplete.levels[0]);
  });
  it('KFS001 is registered for the KFP-version checks', () => {
    assert.equal(CHECKS.kfpVersion.id, 'KFS001');
    assert.equal(checkById('KFS001')?.title, 'KFP version and storage generation');
  });
  it('every change names registered ids', () => {
    for (const ch of CHANGES) for (const id of ch.ids) assert.ok(checkById(id) !== undefined, `${id} in CHANGES`);
  });
});

describe('ids live only in the registry', () => {
  it('no KFS### in source outside settings/checks/areas and changes.ts', () => {
    const offenders: string[] = [];
    for (const dir of SOURCES) {
      for (const file of tsFiles(join(ROOT, dir))) {
        const rel = relative(ROOT, file);
        if (REGISTRY.some((r) => rel.startsWith(r))) continue;
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (/KFS\d{3}/.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    assert.deepEqual(offenders, [], "name checks by their registry key (finding('secretMissing', ...)), not by id");
  });
  it('the scan sees the registry itself (it would pass vacuously on a wrong path)', () => {
    const areas = tsFiles(join(ROOT, 'settings', 'checks', 'areas'));
    assert.ok(areas.length >= 5);
    assert.ok(areas.some((f) => /KFS010/.test(readFileSync(f, 'utf8'))));
  });
});

describe('every finding on the fixtures is registered at a registered level', () => {
  it('doctor on every doctor fixture and the manifest trees', () => {
    let seen = 0;
    const inputs = [
      ...listFixtures('doctor').map((f) => fixturePath('doctor', f)),
      fixturePath('manifests', 'gitops'),
      fixturePath('manifests', 'bad-base64'),
    ];
    for (const input of inputs) {
      const snapshot = loadManifests([input], 'default').snapshot;
      const namespaces = [...new Set(['team-a', ...snapshot.configMaps.map((c) => c.metadata.namespace ?? 'default')])];
      for (const f of runDoctor(snapshot, { namespaces }).findings) {
        assertRegistered(f, relative(ROOT, input));
        seen++;
      }
    }
    assert.ok(seen > 50, `${seen} findings`);
  });
  it('the launcher lint on every kfp-launcher and lint fixture, at admission and live', () => {
    let seen = 0;
    for (const dir of ['kfp-launcher', 'kfp-launcher-profile', 'lint']) {
      for (const file of listFixtures(dir)) {
        const data = loadYaml<{ data?: Record<string, string> }>(dir, file).data;
        if (data !== undefined && Object.values(data).some((v) => typeof v !== 'string')) continue; // not a ConfigMap the API server accepts
        for (const severity of ['admission', 'live'] as const) {
          const ctx = { namespace: 'team-a', profileRoot: 's3://kfp/v2/artifacts/team-a', severity, secrets: () => ({ exists: false }) };
          for (const f of lintLauncher(data, ctx).findings) {
            assertRegistered(f, `${dir}/${file}`);
            seen++;
          }
        }
      }
    }
    assert.ok(seen > 50, `${seen} findings`);
  });
});
