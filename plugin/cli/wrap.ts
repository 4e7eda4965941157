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

function cutPoint(word: string, width: number): number {
  const head = word.slice(0, width);
  const natural = Math.max(head.lastIndexOf('/'), head.lastIndexOf(','), head.lastIndexOf('-')) + 1;
  return natural > width / 2 ? natural : width;
}

/** The longest word in a text: below this a column cuts words. */
export function longestWord(text: string): number {
  return Math.max(0, ...text.split(/\s+/).map((w) => w.length));
}
