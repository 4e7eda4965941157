// examples/admission/: the pod review the README sends is the KFP executor pod fixture, wrapped as
// kube-apiserver wraps a Pod CREATE, so the quick start shows what a real pipeline pod gets.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { admissionReviewSchema } from '../../webhook/admission/review.ts';

const repo = (path: string): string => new URL(`../../${path}`, import.meta.url).pathname;
const json = (path: string): unknown => JSON.parse(readFileSync(repo(path), 'utf8'));

describe('examples/admission', () => {
  it('the executor pod review wraps test/fixtures/pods/v2-executor-pod-system-container-impl.yaml unchanged', () => {
    const review = json('examples/admission/executor-pod-review.json') as {
      request: { object: { metadata: { name: string; namespace: string } }; name: string; namespace: string };
    };
    const pod = parse(readFileSync(repo('test/fixtures/pods/v2-executor-pod-system-container-impl.yaml'), 'utf8')) as unknown;
    assert.deepEqual(review.request.object, pod);
    assert.equal(review.request.namespace, review.request.object.metadata.namespace);
    assert.equal(review.request.name, review.request.object.metadata.name);
  });

  for (const file of ['executor-pod-review.json', 'kfp-launcher-review.json']) {
    it(`${file} is an admission.k8s.io/v1 AdmissionReview the webhook accepts`, () => {
      const parsed = admissionReviewSchema.safeParse(json(`examples/admission/${file}`));
      assert.ok(parsed.success, parsed.error?.message);
    });
  }
});
