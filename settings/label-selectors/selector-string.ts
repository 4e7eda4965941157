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
    const setBased = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(raw);
    const equality = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(raw);
    const absent = /^!([\w./-]+)$/.exec(raw);
    const present = /^([\w./-]+)$/.exec(raw);
    if (setBased) {
      const values = (setBased[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      selector.matchExpressions.push({ key: setBased[1] ?? '', operator: setBased[2] === 'in' ? 'In' : 'NotIn', values });
    } else if (equality) {
      if (equality[2] === '!=') selector.matchExpressions.push({ key: equality[1] ?? '', operator: 'NotIn', values: [equality[3] ?? ''] });
      else selector.matchLabels[equality[1] ?? ''] = equality[3] ?? '';
    } else if (absent) {
      selector.matchExpressions.push({ key: absent[1] ?? '', operator: 'DoesNotExist' });
    } else if (present) {
      selector.matchExpressions.push({ key: present[1] ?? '', operator: 'Exists' });
    } else {
      return { ok: false, error: `cannot parse label selector '${text}' near '${raw}'` };
    }
  }
  return { ok: true, selector };
}
