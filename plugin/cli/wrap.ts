// Word wrapping for table cells: lines break between words, never inside one. Only a word longer
// than the whole column is cut, and then preferably after a '/', ',' or '-' (paths, roots, lists).

export function wrapText(text: string, width: number): string[] {
  if (width < 1) return [text];
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line === '') {
        line = word;
      } else if (line.length + 1 + word.length <= width) {
        line = `${line} ${word}`;
      } else {
        out.push(line);
        line = word;
      }
      // Only a word that cannot fit on a line of its own is cut.
      while (line.length > width) {
        const cut = cutPoint(line, width);
        out.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    out.push(line);
  }
  return out;
}

/** After the last '/' (a path or kind/name) if it keeps a third of the line, else ',' or '-' keeping half. */
function cutPoint(word: string, width: number): number {
  const head = word.slice(0, width);
  const slash = head.lastIndexOf('/') + 1;
  if (slash >= width / 3) return slash;
  const other = Math.max(head.lastIndexOf(','), head.lastIndexOf('-')) + 1;
  return other > width / 2 ? other : width;
}
