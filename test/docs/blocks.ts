// Finds the shell commands in a Markdown page: every fenced block marked sh, bash or shell, with
// the marker comment on the line before it (blank lines between are allowed) saying how the test
// treats it. Without a marker a block must exit 0.
//
//   <!-- not-run: REASON -->             not run (needs a cluster, illustrative): counted, reported
//   <!-- requires: TOOL-or-PATH -->      run only where the tool is on PATH or the file exists
//   <!-- background: ready="TEXT" -->    started in the background, ready once TEXT is printed,
//                                        stopped after the page's last block
//   <!-- cluster: FILE -->               the current kubectl context is a test API server
//                                        (test/support) seeded with FILE, one per page
//   <!-- expect: exit=N output="TEXT" output="TEXT" ... -->   exit code and output substrings
// Several markers may precede one block (requires with expect, say); not-run stands alone.
export interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** Why it is not run, for a not-run block. */
  notRun?: string;
  /** Tools (on PATH) or files (paths with a slash, from the repository root) it needs. */
  requires: string[];
  /** Text a background block prints once it is ready. */
  background?: string;
  /** Objects (a YAML file from the repository root) of the test cluster the block talks to. */
  cluster?: string;
  exit: number;
  output: string[];
}

interface Marker {
  keyword: string;
  args: string;
  line: number;
}

const FENCE_OPEN = /^(\s*)```(\w*)\s*$/;
const FENCE_CLOSE = /^\s*```\s*$/;
const MARKER = /^\s*<!--\s*(not-run|requires|background|cluster|expect):\s*(.*?)\s*-->\s*$/;
const SHELL = new Set(['sh', 'bash', 'shell']);

export function extractBlocks(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let markers: Marker[] = [];
  const dangling = (): Error => new Error(`${file}:${markers[0]?.line ?? 0}: marker not followed by a code block`);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const m = MARKER.exec(line);
    if (m !== null) {
      markers.push({ keyword: m[1] ?? '', args: m[2] ?? '', line: i + 1 });
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open === null) {
      if (line.trim() !== '' && markers.length > 0) throw dangling();
      continue;
    }
    const indent = open[1]?.length ?? 0;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !FENCE_CLOSE.test(lines[j] ?? ''); j++)
      body.push((lines[j] ?? '').slice(Math.min(indent, leadingSpaces(lines[j] ?? ''))));
    if (j === lines.length) throw new Error(`${file}:${i + 1}: code block never closed`);
    const shell = SHELL.has(open[2] ?? '');
    if (markers.length > 0 && !shell)
      throw new Error(`${file}:${markers[0]?.line ?? 0}: marker before a ${open[2] || 'plain'} block; markers are for sh blocks`);
    if (shell) blocks.push(block(file, i + 1, `${body.join('\n')}\n`, markers));
    markers = [];
    i = j;
  }
  if (markers.length > 0) throw dangling();
  return blocks;
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}

function block(file: string, line: number, code: string, markers: Marker[]): Block {
  const result: Block = { file, line, code, requires: [], exit: 0, output: [] };
  for (const marker of markers) {
    const where = `${file}:${marker.line}`;
    switch (marker.keyword) {
      case 'not-run':
        if (marker.args === '') throw new Error(`${where}: not-run needs a reason`);
        if (markers.length > 1) throw new Error(`${where}: not-run stands alone`);
        result.notRun = marker.args;
        break;
      case 'requires':
        if (marker.args === '') throw new Error(`${where}: requires needs a tool or a path`);
        result.requires.push(marker.args);
        break;
      case 'background': {
        const ready = /^ready="([^"]+)"$/.exec(marker.args)?.[1];
        if (ready === undefined) throw new Error(`${where}: background needs ready="TEXT"`);
        result.background = ready;
        break;
      }
      case 'cluster':
        if (marker.args === '') throw new Error(`${where}: cluster needs the file of objects to seed`);
        result.cluster = marker.args;
        break;
      default:
        expectation(where, marker.args, result);
    }
  }
  return result;
}

function expectation(where: string, args: string, into: Block): void {
  const pattern = /\s*(exit=(\d+)|output="((?:[^"\\]|\\.)*)")/y;
  let consumed = 0;
  for (let m = pattern.exec(args); m !== null; m = pattern.exec(args)) {
    if (m[2] !== undefined) into.exit = Number(m[2]);
    if (m[3] !== undefined) into.output.push(m[3].replace(/\\(.)/g, '$1'));
    consumed = pattern.lastIndex;
  }
  if (args.slice(consumed).trim() !== '') throw new Error(`${where}: cannot read expect arguments ${JSON.stringify(args.slice(consumed))}`);
}
