// The npm `yaml` library's syntax tree for the first document of a text, composed without deep
// recursion. Its lexer and parser are iterative, but its composer recurses once per nesting level
// and overflows the stack near 1,000 levels, while yaml.v2 (what KFP runs) accepts 10,000. So the
// parse tree is cut into pieces of bounded depth: each collection at CUT_DEPTH below its piece's
// root is replaced by an empty placeholder collection and composed as a piece of its own. The
// library still does all of the composing and error detection; `pieceAt` stitches the pieces back
// together in document order.
import { Composer, LineCounter, Parser } from 'yaml';
import type { CST, Document, Node as YamlNode } from 'yaml';

/** yaml.v2's max_flow_level and max_indents (scannerc.go). */
export const YAML_V2_MAX_DEPTH = 10_000;
/** Nesting composed in one call: far below where the library's composer overflows. */
const CUT_DEPTH = 128;

export interface ComposedYaml {
  /** The first document's root node, or null when the text holds no document. */
  root: YamlNode | null;
  /** For an empty placeholder collection (by its offset), the root of the piece it stands for. */
  pieceAt: ReadonlyMap<number, YamlNode | null>;
  lines: LineCounter;
}

export type ComposeResult =
  | { ok: true; value: ComposedYaml }
  | { ok: false; error: { code: string; message: string; line: number } | { depth: true; line: number } };

const OPTIONS = { version: '1.1', uniqueKeys: false, merge: false } as const;

type Collection = CST.BlockMap | CST.BlockSequence | CST.FlowCollection;
type Slot = { item: CST.CollectionItem; field: 'key' | 'value' };

export function composeFirstDocument(text: string): ComposeResult {
  const lines = new LineCounter();
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const first = tokens.find((t): t is CST.Document => t.type === 'document');
  const pieces: CST.Document[] = [];
  if (first !== undefined) {
    const tooDeep = cutIntoPieces(first, pieces);
    if (tooDeep !== undefined) return { ok: false, error: { depth: true, line: lines.linePos(tooDeep).line } };
  }
  // The main document goes through the composer exactly as parseAllDocuments would send it.
  const docs = [...new Composer(OPTIONS).compose(tokens, true, text.length)] as Document.Parsed[];
  const doc = docs[0];
  const composed = pieces.map((piece) => ([...new Composer(OPTIONS).compose([piece], true, text.length)] as Document.Parsed[])[0]);
  const errors = [doc, ...composed].flatMap((d) => d?.errors ?? []);
  if (errors.length > 0) {
    // The first problem in the text, as libyaml (a streaming parser) would meet it.
    const problem = errors.reduce((a, b) => (b.pos[0] < a.pos[0] ? b : a));
    return { ok: false, error: { code: problem.code, message: problem.message, line: lines.linePos(problem.pos[0]).line } };
  }
  const pieceAt = new Map<number, YamlNode | null>();
  for (const [i, piece] of pieces.entries()) pieceAt.set(piece.offset, (composed[i]?.contents as YamlNode | null | undefined) ?? null);
  return { ok: true, value: { root: (doc?.contents as YamlNode | null | undefined) ?? null, pieceAt, lines } };
}

/**
 * Replaces, in place, every collection CUT_DEPTH levels below its piece's root by an empty flow
 * collection of the same kind, and appends a document holding the cut collection to `pieces`.
 * Returns the offset where yaml.v2's own depth limit is exceeded, if it is.
 */
function cutIntoPieces(doc: CST.Document, pieces: CST.Document[]): number | undefined {
  interface Pending {
    token: CST.Token;
    /** Depth below the current piece's root. */
    depth: number;
    flowLevel: number;
    indents: number;
    /** Column of the enclosing block collection; -1 at the document level, as libyaml starts. */
    indent: number;
  }
  const stack: Pending[] = doc.value ? [{ token: doc.value, depth: 0, flowLevel: 0, indents: 0, indent: -1 }] : [];
  while (stack.length > 0) {
    const { token, depth, flowLevel, indents, indent } = stack.pop() as Pending;
    if (!isCollection(token)) continue;
    const flow = token.type === 'flow-collection';
    // libyaml counts open flow collections, and block indentation levels that step right.
    const nextFlow = flow ? flowLevel + 1 : flowLevel;
    const nextIndents = !flow && flowLevel === 0 && token.indent > indent ? indents + 1 : indents;
    if (nextFlow > YAML_V2_MAX_DEPTH || nextIndents > YAML_V2_MAX_DEPTH) return token.offset;
    const nextIndent = flow ? indent : token.indent;
    for (const slot of slotsOf(token)) {
      const child = slot.field === 'key' ? slot.item.key : slot.item.value;
      if (child === undefined || child === null) continue;
      if (isCollection(child) && depth + 1 >= CUT_DEPTH) {
        pieces.push({ type: 'document', offset: child.offset, start: [], value: child, end: [] });
        setSlot(slot, placeholderFor(child));
        stack.push({ token: child, depth: 0, flowLevel: nextFlow, indents: nextIndents, indent: nextIndent });
      } else {
        stack.push({ token: child, depth: depth + 1, flowLevel: nextFlow, indents: nextIndents, indent: nextIndent });
      }
    }
  }
  return undefined;
}

function isCollection(token: CST.Token): token is Collection {
  return token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
}

function slotsOf(token: Collection): Slot[] {
  const slots: Slot[] = [];
  for (const item of token.items as CST.CollectionItem[]) {
    if (item.key !== undefined && item.key !== null) slots.push({ item, field: 'key' });
    if (item.value !== undefined) slots.push({ item, field: 'value' });
  }
  return slots;
}

function setSlot(slot: Slot, token: CST.FlowCollection): void {
  if (slot.field === 'key') slot.item.key = token;
  else slot.item.value = token;
}

// `[]` or `{}` at the cut collection's offset: same kind (so a `!!map`/`!!seq` tag still fits) and
// found again by its offset after composing.
function placeholderFor(token: Collection): CST.FlowCollection {
  const map = token.type === 'block-map' || (token.type === 'flow-collection' && token.start.source === '{');
  const at = { offset: token.offset, indent: token.indent };
  return {
    type: 'flow-collection',
    ...at,
    start: { type: map ? 'flow-map-start' : 'flow-seq-start', ...at, source: map ? '{' : '[' },
    items: [],
    end: [{ type: map ? 'flow-map-end' : 'flow-seq-end', ...at, source: map ? '}' : ']' }],
  };
}
