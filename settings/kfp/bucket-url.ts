// Where a query-string root really opens its bucket. For such a root KFP builds
// `scheme://bucket?query&prefix=<prefix>` (objectstore/config.go bucketURL) and hands it to gocloud's
// blob.OpenBucket, which parses it with Go's url.Parse and keeps the first `prefix` value. So a
// `#` cuts off the prefix KFP appends (it starts a URL fragment), `&` and `;` split or drop
// parameters, `+` reads as a space and `%` starts an escape: the bucket opens somewhere other than
// the prefix the root's text shows. Roots without a query string never go through a URL.
import type { PipelineRoot } from './pipeline-root.ts';

export type GocloudPrefix = { ok: true; prefix: string } | { ok: false; error: string };

/** The key prefix gocloud applies for a query-string root (KFP's bucketURL, Go's url.Parse and Query). */
export function gocloudPrefix(root: PipelineRoot): GocloudPrefix {
  const query = root.query.slice(1);
  const appended = root.prefix === '' ? query : `${query}&prefix=${root.prefix}`;
  const hash = appended.indexOf('#');
  const rawQuery = hash < 0 ? appended : appended.slice(0, hash);
  if (hash >= 0 && urlUnescape(appended.slice(hash + 1), false) === undefined) {
    return { ok: false, error: `invalid URL escape in the fragment after '#'` };
  }
  for (const part of rawQuery.split('&')) {
    // Go >= 1.17 drops (with an error Query() ignores) any pair holding a semicolon.
    if (part === '' || part.includes(';')) continue;
    const eq = part.indexOf('=');
    const key = urlUnescape(eq < 0 ? part : part.slice(0, eq), true);
    const value = urlUnescape(eq < 0 ? '' : part.slice(eq + 1), true);
    if (key === 'prefix' && value !== undefined) return { ok: true, prefix: value };
  }
  return { ok: true, prefix: '' };
}

/** Why gocloud's prefix differs from the root's text, for a message. */
export function prefixDivergence(root: PipelineRoot): string {
  const text = `${root.query}/${root.prefix}`;
  if (text.includes('#')) return "'#' starts a URL fragment, which drops the prefix KFP appends";
  if (/[?&](prefix|key)=/.test(root.query)) return 'the query already sets prefix or key, which gocloud takes first';
  if (root.prefix.includes('&')) return "'&' in the path splits the query KFP builds";
  if (root.prefix.includes(';')) return "';' in the path makes Go drop the prefix parameter";
  if (root.prefix.includes('+')) return "'+' in the path reads as a space in a query";
  if (root.prefix.includes('%')) return "'%' in the path starts a URL escape in a query";
  return 'the URL KFP builds from it parses differently';
}

// net/url unescape: %XX sequences (and '+' as a space in a query component); undefined when invalid.
function urlUnescape(s: string, query: boolean): string | undefined {
  if (!s.includes('%') && !(query && s.includes('+'))) return s;
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return undefined;
  const encoder = new TextEncoder();
  const chunks = (query ? s.replaceAll('+', ' ') : s)
    .split(/(%[0-9a-fA-F]{2})/)
    .map((part) => (/^%[0-9a-fA-F]{2}$/.test(part) ? Uint8Array.of(Number.parseInt(part.slice(1), 16)) : encoder.encode(part)));
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(bytes);
}
