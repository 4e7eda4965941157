// Findings as an AdmissionResponse: errors deny with every problem and its fix, warnings go to
// `warnings`. Every text is escaped for terminals on the way out: kubectl prints both verbatim,
// and they quote what a tenant wrote.
import type { Finding } from '../../settings/findings.ts';
import { escapeControlChars, escapeControlCharsKeepingLines } from '../../settings/text/control-chars.ts';
import { allow, deny } from '../admission/review.ts';
import type { AdmissionResponse } from '../admission/review.ts';

/** Kubernetes truncates warnings past 256 characters and asks for 120. */
const MAX_WARNING = 120;
const MAX_LISTED_ERRORS = 20;
/** Kubernetes shows at most a few dozen warnings usefully; the rest are summarised. */
export const MAX_WARNINGS = 20;

export interface Answer {
  response: AdmissionResponse;
  outcome: 'allowed' | 'warned' | 'denied';
}

/** Deny on errors (listed under `headline`), else allow with the warnings. */
export function answerFindings(uid: string, headline: string, findings: readonly Finding[]): Answer {
  const errors = findings.filter((f) => f.level === 'error');
  const warnings = capWarnings(findings.filter((f) => f.level === 'warn').map(warningText));
  if (errors.length > 0) {
    // Everything, up to a size a terminal and the API server's event can carry.
    const lines = errors.slice(0, MAX_LISTED_ERRORS).map((f) => `- [${f.id}] ${f.message}. Fix: ${f.fix}`);
    if (errors.length > MAX_LISTED_ERRORS)
      lines.push(`- ... and ${errors.length - MAX_LISTED_ERRORS} more (kubectl kfstore doctor -f lists them all)`);
    return { response: deny(uid, escapeControlCharsKeepingLines(`${headline}\n${lines.join('\n')}`), 403, warnings), outcome: 'denied' };
  }
  return { response: allow(uid, warnings), outcome: warnings.length > 0 ? 'warned' : 'allowed' };
}

/** Adds warnings found after the decision (Secret facts from the cluster cache) to an answer. */
export function addWarnings<A extends { response: AdmissionResponse; outcome: string }>(answer: A, findings: readonly Finding[]): A {
  const extra = findings.filter((f) => f.level === 'warn').map(warningText);
  if (extra.length === 0) return answer;
  const warnings = capWarnings([...(answer.response.warnings ?? []), ...extra]);
  const outcome = answer.outcome === 'allowed' ? 'warned' : answer.outcome;
  return { ...answer, response: { ...answer.response, warnings }, outcome };
}

function capWarnings(all: string[]): string[] {
  return all.length > MAX_WARNINGS
    ? [...all.slice(0, MAX_WARNINGS - 1), `${all.length - MAX_WARNINGS + 1} more warnings: run kubectl kfstore doctor -f`]
    : all;
}

function warningText(f: Finding): string {
  const text = escapeControlChars(`${f.id}: ${f.message}`);
  return text.length <= MAX_WARNING ? text : `${text.slice(0, MAX_WARNING - 1)}…`;
}
