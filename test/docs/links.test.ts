// Every relative link in README.md and docs/ leads somewhere: the file exists, and a #fragment
// names a heading of the page it points to (GitHub's anchor rules). The pages other work writes
// (install, development, generated checks) may be absent until it lands; they are listed here.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';

const REPO = new URL('../../', import.meta.url).pathname;
const PENDING = new Set<string>([]);

function pages(): string[] {
  const found = ['README.md', 'deploy/README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith('.md')) found.push(join(dir, entry.name));
    }
  };
  walk('docs');
  return found;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const result = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*$/.exec(line);
    if (heading !== null)
      result.add(
        (heading[1] ?? '')
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, '')
          .replace(/\s/g, '-'),
      );
  }
  return result;
}

function links(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '').filter((href) => !/^[a-z]+:/.test(href));
}

describe('docs: relative links', () => {
  for (const page of pages()) {
    it(`${page}: every link resolves`, () => {
      const problems: string[] = [];
      for (const href of links(readFileSync(join(REPO, page), 'utf8'))) {
        const [path = '', fragment] = href.split('#');
        const target = path === '' ? page : normalize(join(dirname(page), path));
        if (!existsSync(join(REPO, target))) {
          if (!PENDING.has(target)) problems.push(`${href}: ${target} does not exist`);
          continue;
        }
        if (
          fragment !== undefined &&
          statSync(join(REPO, target)).isFile() &&
          !anchors(readFileSync(join(REPO, target), 'utf8')).has(fragment)
        ) {
          problems.push(`${href}: no heading #${fragment} in ${target}`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }
});
