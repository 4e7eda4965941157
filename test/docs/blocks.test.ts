// The Markdown reader behind commands.test.ts: which blocks it finds, what each marker means,
// and that a marker it cannot use is an error naming the line, not a block silently run or dropped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { extractBlocks } from './blocks.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/docs/${name}`, import.meta.url), 'utf8');

describe('docs: shell blocks and their markers', () => {
  it('finds sh and bash blocks, strips list indentation, and reads every marker', () => {
    const blocks = extractBlocks('markers.md', fixture('markers.md'));
    assert.deepEqual(blocks, [
      { file: 'markers.md', line: 5, code: 'echo plain\n', requires: [], exit: 0, output: [] },
      { file: 'markers.md', line: 10, code: 'kubectl apply -k somewhere\n', notRun: 'needs a cluster', requires: [], exit: 0, output: [] },
      {
        file: 'markers.md',
        line: 18,
        code: "cat <<'EOF'\nheredoc body\nEOF\n",
        requires: ['kustomize'],
        exit: 1,
        output: ['a "quoted" word', 'second'],
      },
      { file: 'markers.md', line: 25, code: 'npm start\n', background: 'serving', requires: [], exit: 0, output: [] },
      {
        file: 'markers.md',
        line: 30,
        code: 'kubectl kfstore doctor -A\n',
        cluster: 'test/fixtures/docs/kubeflow-cluster.yaml',
        requires: [],
        exit: 0,
        output: [],
      },
    ]);
  });

  it('refuses a marker with no block after it, a not-run without a reason, and a marker on a non-shell block', () => {
    assert.throws(
      () => extractBlocks('dangling-marker.md', fixture('dangling-marker.md')),
      /^Error: dangling-marker\.md:1: marker not followed by a code block$/,
    );
    assert.throws(
      () => extractBlocks('not-run-without-reason.md', fixture('not-run-without-reason.md')),
      /^Error: not-run-without-reason\.md:1: not-run needs a reason$/,
    );
    assert.throws(
      () => extractBlocks('marker-on-yaml.md', fixture('marker-on-yaml.md')),
      /^Error: marker-on-yaml\.md:1: marker before a yaml block/,
    );
  });
});
