// POST /validate/workflows over the Hono app: a run's own pipeline root (Argo Workflow or KFP
// ScheduledWorkflow) must stay inside the profile's root when the tenant rule is on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admit, policyFixture, review, testApp } from '../support/admission.ts';
import { headerValue, listFixtures, loadYaml, readFixture } from '../support/fixtures.ts';

const PATH = '/validate/workflows';
const strict = testApp(policyFixture('example.yaml'));
const lenient = testApp(policyFixture('no-prefix-check.yaml'));

type Run = { apiVersion: string; kind: string; metadata: { namespace: string; name?: string } };

function runReview(obj: Run, operation = 'CREATE') {
  const body = review('Pod', obj.metadata.namespace, obj, operation, obj.metadata.name);
  const [group, version] = obj.apiVersion.split('/');
  const plural = obj.kind === 'Workflow' ? 'workflows' : 'scheduledworkflows';
  body.request.kind = { group, version, kind: obj.kind };
  body.request.resource = { group, version, resource: plural };
  body.request.requestKind = body.request.kind;
  return body;
}

describe('runs that pin a pipeline root, one fixture per behaviour', () => {
  for (const file of listFixtures('runs')) {
    const text = readFixture('runs', file);
    const expect = headerValue(text, 'expect');
    it(`${file}: ${expect}`, async () => {
      const r = await admit(strict.app, PATH, runReview(loadYaml<Run>('runs', file)));
      assert.ok(expect === 'allow' || expect === 'deny', `${file} states no '# expect: allow|deny' header`);
      assert.equal(r.allowed, expect === 'allow', r.status?.message);
      const message = headerValue(text, 'expect-message');
      if (message !== undefined) assert.ok(r.status?.message.includes(message), r.status?.message);
      if (!r.allowed) {
        assert.match(r.status?.message ?? '', /^kfstore: this run cannot write its artifacts outside team-a's root/);
        assert.doesNotMatch(r.status?.message ?? '', /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      }
    });
  }
});

describe('runs: scope', () => {
  it('without the tenant rule every run is allowed', async () => {
    const r = await admit(lenient.app, PATH, runReview(loadYaml<Run>('runs', 'pinned-outside.yaml')));
    assert.equal(r.allowed, true);
  });
  it('an update that keeps the pinned roots is allowed; one that changes them is checked', async () => {
    const outside = loadYaml<Run>('runs', 'pinned-outside.yaml');
    const same = runReview(outside, 'UPDATE');
    same.request.oldObject = outside;
    assert.equal((await admit(strict.app, PATH, same)).allowed, true);
    const changed = runReview(outside, 'UPDATE');
    changed.request.oldObject = loadYaml<Run>('runs', 'no-pinned-root.yaml');
    assert.equal((await admit(strict.app, PATH, changed)).allowed, false);
  });
  it('DELETE and other kinds pass untouched', async () => {
    assert.equal((await admit(strict.app, PATH, runReview(loadYaml<Run>('runs', 'pinned-outside.yaml'), 'DELETE'))).allowed, true);
    const pod = review('Pod', 'team-a', { spec: { containers: [{ name: 'main' }] } });
    assert.equal((await admit(strict.app, PATH, pod)).allowed, true);
  });
  it('a review without request.namespace is a bad request', async () => {
    const body = runReview(loadYaml<Run>('runs', 'pinned-inside.yaml'));
    delete (body.request as { namespace?: string }).namespace;
    const r = await admit(strict.app, PATH, body);
    assert.equal(r.allowed, false);
    assert.equal(r.status?.code, 400);
  });
});
