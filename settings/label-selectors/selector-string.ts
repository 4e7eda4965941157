// Label selector strings as kubectl takes them (`a=b,c!=d,e in (x,y),!f,g`) → LabelSelector.
import type { LabelSelector } from '../policy/schema.ts';

export type SelectorResult = { ok: true; selector: LabelSelector } | { ok: false; error: string };

export function parseSelector(text: string): SelectorResult {
  const selector: Required<LabelSelector> = { matchLabels: {}, matchExpressions: [] };
  // Split on commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts.map((p) => p.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(raw))) {
      const values = (m[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      selector.matchExpressions.push({ key: m[1] ?? '', operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(raw))) {
      if (m[2] === '!=') selector.matchExpressions.push({ key: m[1] ?? '', operator: 'NotIn', values: [m[3] ?? ''] });
      else selector.matchLabels[m[1] ?? ''] = m[3] ?? '';
    } else if ((m = /^!([\w./-]+)$/.exec(raw))) {
      selector.matchExpressions.push({ key: m[1] ?? '', operator: 'DoesNotExist' });
    } else if ((m = /^([\w./-]+)$/.exec(raw))) {
      selector.matchExpressions.push({ key: m[1] ?? '', operator: 'Exists' });
    } else {
      return { ok: false, error: `cannot parse label selector '${text}' near '${raw}'` };
    }
  }
  return { ok: true, selector };
}
