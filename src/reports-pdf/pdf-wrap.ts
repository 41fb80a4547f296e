export type Measure = (text: string) => number;

/**
 * Lines of `text` no wider than `width`: broken at spaces (and at the line breaks the text
 * holds); a word is cut only when it alone is wider than the width, so an inspector never reads
 * "OXYCODON E" where the column had room for the word (issue 14).
 */
export function wrapWords(text: string, width: number, measure: Measure): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (!word) continue;
      const candidate = line ? `${line} ${word}` : word;
      if (measure(candidate) <= width) {
        line = candidate;
        continue;
      }
      if (line) out.push(line);
      line = '';
      if (measure(word) <= width) {
        line = word;
        continue;
      }
      // Wider than the column on its own: cut it, as few times as the width allows.
      let piece = '';
      for (const ch of word) {
        if (piece && measure(piece + ch) > width) {
          out.push(piece);
          piece = '';
        }
        piece += ch;
      }
      line = piece;
    }
    if (line) out.push(line);
  }
  return out.length ? out : [''];
}
