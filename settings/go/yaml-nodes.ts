// yaml.v2's decode of a composed document into interface{} (what sigs.k8s.io/yaml does first), as
// GoYaml values: iterative (no recursion, whatever the nesting), and linear in the text however
// aliases fan out. An anchored node is converted once and shared by every alias to it; yaml.v2
// re-walks it per alias, so its decode counts (which its "excessive aliasing" rule reads) are
// added from the memo instead of walked.
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { LineCounter, Node as YamlNode, Pair } from 'yaml';
import { goQuote } from './quote.ts';
import type { ComposedYaml } from './yaml-compose.ts';

export type GoYaml =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'time'; value: string }
  | ({ kind: 'seq'; items: GoYaml[] } & Expanded)
  | ({ kind: 'map'; entries: Map<string, GoYamlEntry> } & Expanded);

/** What JSON encoding of the fully expanded value will meet. */
interface Expanded {
  /** Nesting of the expanded value, this collection included (encoding/json stops past 10,000). */
  depth: number;
  /** A NaN or infinity somewhere inside (json.Marshal refuses them). */
  nonFinite: boolean;
}

/** A mapping entry; `key` is the key as written, `line` is 1-based in the YAML text. */
export interface GoYamlEntry {
  key: string;
  line: number;
  value: GoYaml;
}

export const NULL: GoYaml = { kind: 'null' };

export class YamlError extends Error {}

export type ScalarResolver = (raw: string, plain: boolean, tag: string | undefined) => GoYaml;
export type KeyFormatter = (key: GoYaml) => string | undefined;

/** A converted node: its value and how many decode steps (and alias steps) yaml.v2 spends on it. */
interface Done {
  value: GoYaml;
  size: number;
  aliases: number;
}

interface Frame {
  node: YamlNode;
  /** The node whose anchor and memo entry this frame fills (a placeholder stands for its piece). */
  as: YamlNode;
  children: (YamlNode | null)[];
  /** Indexes in `children` of merge values (`<<: ...`), which yaml.v2 decodes without their key. */
  merges: Set<number>;
  done: Done[];
}

// yaml.v2's allowedAliasRatio: 99% of nodes may come from aliases in small documents, 10% in huge ones.
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

/** The document's value, and how many decode steps yaml.v2 takes for it (aliases expanded). */
export function toGoYaml(doc: ComposedYaml, scalar: ScalarResolver, mapKey: KeyFormatter): { value: GoYaml; steps: number } {
  const anchors = new Map<string, YamlNode>();
  const memo = new Map<YamlNode, Done>();
  const open = new Set<YamlNode>();
  // Counted as yaml.v2 counts: the document node is the first decode step.
  let decodeCount = 1;
  let aliasCount = 0;
  let parseError: string | undefined;
  let decodeError: string | undefined;
  let conversionError: string | undefined;
  let result: Done = { value: NULL, size: 0, aliases: 0 };
  const stack: Frame[] = [];

  const actual = (node: YamlNode): YamlNode => {
    if ((isMap(node) || isSeq(node)) && node.items.length === 0 && node.range !== undefined && node.range !== null) {
      const piece = doc.pieceAt.get(node.range[0]);
      if (piece !== undefined && piece !== null) return piece;
    }
    return node;
  };

  const finish = (done: Done): void => {
    const parent = stack[stack.length - 1];
    if (parent === undefined) result = done;
    else parent.done.push(done);
  };

  // Enters a node: scalars and aliases finish at once, collections push a frame.
  const enter = (node: YamlNode | null, merge: boolean): void => {
    if (node === null) {
      decodeCount++;
      finish({ value: NULL, size: 1, aliases: 0 });
      return;
    }
    if (typeof node.anchor === 'string' && node.anchor !== '') anchors.set(node.anchor, node);
    if (isAlias(node)) {
      decodeCount++;
      const target = anchors.get(node.source);
      if (target === undefined) {
        parseError ??= `yaml: unknown anchor '${node.source}' referenced`;
        finish({ value: NULL, size: 1, aliases: 0 });
        return;
      }
      const seen = open.has(target) ? undefined : memo.get(target);
      if (seen === undefined) {
        decodeError ??= `yaml: anchor '${node.source}' value contains itself`;
        finish({ value: NULL, size: 1, aliases: 0 });
        return;
      }
      if (merge && seen.value.kind !== 'map') decodeError ??= 'yaml: map merge requires map or sequence of maps as the value';
      // The whole expansion counts as alias steps; the ratio only grows while it runs, so checking
      // once at its end is what checking at each of its steps would find.
      decodeCount += seen.size;
      aliasCount += seen.size;
      if (aliasCount > 100 && decodeCount > 1000 && aliasCount / decodeCount > allowedAliasRatio(decodeCount)) {
        decodeError ??= 'yaml: document contains excessive aliasing';
      }
      finish({ value: seen.value, size: 1 + seen.size, aliases: seen.size });
      return;
    }
    const real = actual(node);
    // A merged sequence is not itself a decode step; its maps are.
    if (!(merge && isSeq(real))) decodeCount++;
    if (isScalar(real)) {
      const raw = typeof real.source === 'string' ? real.source : String(real.value ?? '');
      const done = { value: scalar(raw, real.type === 'PLAIN' || real.type === undefined, real.tag), size: 1, aliases: 0 };
      if (node.anchor) memo.set(node, done);
      finish(done);
      return;
    }
    const frame: Frame = { node: real, as: node, children: [], merges: new Set(), done: [] };
    if (isSeq(real)) frame.children = real.items as (YamlNode | null)[];
    else if (isMap(real)) {
      for (const pair of real.items as Pair<YamlNode | null, YamlNode | null>[]) {
        if (isMergeKey(pair.key)) frame.merges.add(frame.children.length);
        else frame.children.push(pair.key);
        frame.children.push(pair.value);
      }
    } else throw new YamlError('yaml: unsupported node');
    if (node.anchor) open.add(node);
    stack.push(frame);
  };

  enter(doc.root, false);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const next = frame.done.length;
    if (next < frame.children.length) {
      enter(frame.children[next] ?? null, frame.merges.has(next));
      continue;
    }
    stack.pop();
    const done = isSeq(frame.node)
      ? seqOf(frame)
      : mapOf(frame, doc.lines, mapKey, {
          decode: (e) => (decodeError ??= e),
          conversion: (e) => (conversionError ??= e),
        });
    if (frame.as.anchor) {
      open.delete(frame.as);
      memo.set(frame.as, done);
    }
    finish(done);
  }
  if (parseError !== undefined) throw new YamlError(parseError);
  if (decodeError !== undefined) throw new YamlError(decodeError);
  if (conversionError !== undefined) throw new YamlError(conversionError);
  return { value: result.value, steps: decodeCount };
}

function isMergeKey(key: YamlNode | null): boolean {
  return isScalar(key) && key.type === 'PLAIN' && key.source === '<<';
}

function seqOf(frame: Frame): Done {
  let size = 1;
  let aliases = 0;
  let depth = 0;
  let nonFinite = false;
  for (const d of frame.done) {
    size += d.size;
    aliases += d.aliases;
    depth = Math.max(depth, depthOf(d.value));
    nonFinite ||= hasNonFinite(d.value);
  }
  return { value: { kind: 'seq', items: frame.done.map((d) => d.value), depth: depth + 1, nonFinite }, size, aliases };
}

interface Failures {
  /** yaml.v2's own decode failures. */
  decode: (message: string) => void;
  /** sigs.k8s.io/yaml's, after yaml.v2 decoded the whole document. */
  conversion: (message: string) => void;
}

function mapOf(frame: Frame, lines: LineCounter, mapKey: KeyFormatter, fail: Failures): Done {
  const entries = new Map<string, GoYamlEntry>();
  let size = 1;
  let aliases = 0;
  let depth = 0;
  let nonFinite = false;
  const add = (d: Done): void => {
    size += d.size;
    aliases += d.aliases;
  };
  const pairs = (frame.node as { items: Pair<YamlNode | null, YamlNode | null>[] }).items;
  let i = 0;
  for (const pair of pairs) {
    if (frame.merges.has(i)) {
      const merged = frame.done[i] as Done;
      add(merged);
      if (isSeq(pair.value)) size--; // see enter(): a merged sequence is not a decode step
      mergeInto(entries, merged.value, fail.decode);
      i += 1;
      continue;
    }
    const key = frame.done[i] as Done;
    const value = frame.done[i + 1] as Done;
    add(key);
    add(value);
    i += 2;
    if (key.value.kind === 'null') {
      fail.conversion(`Unsupported map key of type: %!s(<nil>), key: <nil>, value: ${goSyntax(value.value)}`);
      continue;
    }
    const name = mapKey(key.value);
    if (name === undefined) {
      fail.decode(`yaml: invalid map key: ${goSyntax(key.value)}`);
      continue;
    }
    const line = pair.key?.range ? lines.linePos(pair.key.range[0]).line : 0;
    entries.set(name, { key: name, line, value: value.value });
  }
  for (const entry of entries.values()) {
    depth = Math.max(depth, depthOf(entry.value));
    nonFinite ||= hasNonFinite(entry.value);
  }
  return { value: { kind: 'map', entries, depth: depth + 1, nonFinite }, size, aliases };
}

// yaml.v2 merges `<<: *anchor` key by key, in document order; a list of anchors is merged last to
// first, so the earlier maps win.
function mergeInto(entries: Map<string, GoYamlEntry>, value: GoYaml, fail: (message: string) => void): void {
  const sources = value.kind === 'seq' ? [...value.items].reverse() : [value];
  for (const source of sources) {
    if (source.kind !== 'map') {
      fail('yaml: map merge requires map or sequence of maps as the value');
      return;
    }
    for (const [key, entry] of source.entries) entries.set(key, entry);
  }
}

export function depthOf(v: GoYaml): number {
  return v.kind === 'seq' || v.kind === 'map' ? v.depth : 0;
}

export function hasNonFinite(v: GoYaml): boolean {
  if (v.kind === 'float') return !Number.isFinite(v.value);
  return (v.kind === 'seq' || v.kind === 'map') && v.nonFinite;
}

/** Go's %#v of what yaml.v2 decoded, for its "invalid map key" message (first levels only). */
function goSyntax(v: GoYaml): string {
  switch (v.kind) {
    case 'null':
      return '<nil>';
    case 'string':
    case 'time':
      return goQuote(v.value);
    case 'bool':
    case 'int':
      return String(v.value);
    case 'float':
      return String(v.value);
    case 'seq':
      return `[]interface {}{${v.items.slice(0, 8).map(goSyntax).join(', ')}}`;
    case 'map':
      return `map[interface {}]interface {}{${[...v.entries.values()]
        .slice(0, 8)
        .map((e) => `${goQuote(e.key)}:${goSyntax(e.value)}`)
        .join(', ')}}`;
  }
}
