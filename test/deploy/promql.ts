// Reads a PromQL expression with Prometheus's own grammar (@prometheus-io/lezer-promql, the
// parser of Prometheus's web UI): syntax errors, and every series selector with its label matchers
// and every label an aggregation groups by, so a test can hold alert rules to the metrics a
// process really exports.
import { parser } from '@prometheus-io/lezer-promql';

export interface Matcher {
  label: string;
  op: string;
  value: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

export interface ParsedExpr {
  /** Offsets and the text around each syntax error; empty when the expression parses. */
  errors: string[];
  selectors: Selector[];
  groupingLabels: string[];
}

export function parsePromql(expr: string): ParsedExpr {
  const tree = parser.parse(expr);
  const text = (from: number, to: number): string => expr.slice(from, to);
  const result: ParsedExpr = { errors: [], selectors: [], groupingLabels: [] };
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError)
      result.errors.push(`at ${cursor.from}: ${JSON.stringify(text(Math.max(0, cursor.from - 10), cursor.to + 10))}`);
    if (cursor.name === 'VectorSelector') result.selectors.push(selector(cursor.node, text));
    if (cursor.name === 'GroupingLabels') {
      for (let child = cursor.node.firstChild; child !== null; child = child.nextSibling) {
        if (child.name === 'LabelName') result.groupingLabels.push(text(child.from, child.to));
      }
    }
  } while (cursor.next());
  return result;
}

type Node = NonNullable<ReturnType<ReturnType<typeof parser.parse>['cursor']>['node']>;

function selector(node: Node, text: (from: number, to: number) => string): Selector {
  const identifier = node.getChild('Identifier');
  const matchers: Matcher[] = [];
  const list = node.getChild('LabelMatchers');
  for (let m = list?.firstChild ?? null; m !== null; m = m.nextSibling) {
    if (!m.name.endsWith('LabelMatcher')) continue;
    const label = m.getChild('LabelName');
    const op = m.getChild('MatchOp');
    const value = m.getChild('StringLiteral');
    if (label === null || op === null || value === null) continue;
    matchers.push({
      label: text(label.from, label.to),
      op: text(op.from, op.to),
      value: JSON.parse(text(value.from, value.to).replace(/^'|'$/g, '"')) as string,
    });
  }
  return { metric: identifier === null ? '' : text(identifier.from, identifier.to), matchers };
}
