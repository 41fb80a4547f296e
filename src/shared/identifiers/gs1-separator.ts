/** ASCII group separator: how scanners transmit FNC1 between elements of a GS1 code. */
export const GS = '\x1d';

/**
 * Textual stand-ins for GS that people type or that tools print when they cannot show the
 * byte: "<GS>" (GS1's own notation), "{GS}", "\x1d" / "\u001d" (escapes), "^]" (caret
 * notation, what a terminal shows for Ctrl+]). "\", "^", "{" and "}" are outside character set 82,
 * so those cannot be data; "<GS>" could in theory be part of a lot, a risk we accept because
 * it is the usual way GS1 guidance and scanner manuals write the separator.
 */
const STAND_INS = /<GS>|\{GS\}|\\x1d|\\u001d|\^\]/gi;

export function replaceGsStandIns(text: string): string {
  return text.replace(STAND_INS, GS);
}
