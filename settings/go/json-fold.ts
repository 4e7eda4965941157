// How encoding/json matches an object key to a struct field when the exact name is missing. This
// is not JavaScript's toLowerCase: Go folds each rune with unicode.ToUpper(unicode.ToLower(r))
// (Go >= 1.21, encoding/json fold.go), so the long s `ſ` is `s`, the Kelvin sign `K` is `k`, and
// both Turkish i's (`ı`, `İ`) are `i`. Go <= 1.20 (and the copy of it inside sigs.k8s.io/yaml)
// special-cased only `ſ` and `K`. KFP's drivers are built with Go 1.21 or newer from KFP 2.2 on,
// the release that introduced `providers`.

/** Non-ASCII runes whose simple case mappings reach an ASCII letter, and that letter, folded. */
const TO_ASCII_GO121: ReadonlyMap<string, string> = new Map([
  ['\u017f', 'S'], // ſ LATIN SMALL LETTER LONG S: ToUpper is S
  ['\u212a', 'K'], // K KELVIN SIGN: ToLower is k
  ['\u0131', 'I'], // ı LATIN SMALL LETTER DOTLESS I: ToUpper is I
  ['\u0130', 'I'], // İ LATIN CAPITAL LETTER I WITH DOT ABOVE: ToLower is i
]);
const TO_ASCII_GO120: ReadonlyMap<string, string> = new Map([
  ['\u017f', 'S'],
  ['\u212a', 'K'],
]);

/**
 * A key folded so that it equals an ASCII field name folded the same way exactly when encoding/json
 * would match them. Returns undefined for a key holding any other non-ASCII rune: such a key can
 * never match an ASCII field name (KFP's are all ASCII).
 */
export function foldKey(key: string, go120 = false): string | undefined {
  const table = go120 ? TO_ASCII_GO120 : TO_ASCII_GO121;
  let out = '';
  for (const ch of key) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) out += code >= 0x61 && code <= 0x7a ? String.fromCharCode(code - 0x20) : ch;
    else {
      const folded = table.get(ch);
      if (folded === undefined) return undefined;
      out += folded;
    }
  }
  return out;
}

/** Go's string order (bytewise UTF-8, which is code point order), used for sorted map keys. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts surrogates (runes above U+FFFF) before U+E000-U+FFFF; code point order does not.
    if (x >= 0xd800 && x <= 0xdfff && y >= 0xe000) return 1;
    if (y >= 0xd800 && y <= 0xdfff && x >= 0xe000) return -1;
    return x - y;
  }
  return a.length - b.length;
}
