/**
 * XML Schema collapses whitespace around every date and time value before checking it
 * (whiteSpace="collapse" is fixed for xs:dateTime, xs:date, xs:gYearMonth and xs:gYear), so
 * `<eventTime>` with its value on a line of its own is valid. libxml2 (xmllint-wasm) refuses
 * those four types when blanks come before the year, and then reports the value split at its
 * new line. This moves such blanks out of the value before validation — into the element's
 * start and end tags, or between attributes — where XML allows them and no value holds them,
 * so every line keeps its number and the refusals of the validator still name the right line.
 * Only values that are one of these lexical forms are touched; the document that is read and
 * kept is the original.
 */

/** The lexical forms of xs:dateTime, xs:date, xs:gYearMonth and xs:gYear (XML Schema 1.0, 3.2.7–3.2.11). */
const YEAR_FIRST = String.raw`-?\d{4,}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?)?)?)?(?:Z|[+-]\d{2}:\d{2})?`;

/** An element whose whole content is such a value with blanks around it: `<a b="1">\n  2024-01-02T…\n</a>`. */
const ELEMENT = new RegExp(String.raw`<([A-Za-z_][\w.:-]*)((?:\s[^<>]*?)?)(?<!/)>(\s*)(${YEAR_FIRST})(\s*)</\1(\s*)>`, 'g');

/** An attribute whose value is such a value with blanks inside its quotes: `creationDate=" 2024-01-02T…"`. */
const ATTRIBUTE = new RegExp(String.raw`(\s)([A-Za-z_][\w.:-]*)(\s*=\s*)(["'])(\s*)(${YEAR_FIRST})(\s*)\4`, 'g');

export function collapseDateWhitespace(xml: string): string {
  return xml
    .replace(ELEMENT, (whole, name: string, attrs: string, before: string, value: string, after: string, endBlank: string) =>
      before || after ? `<${name}${attrs}${before}>${value}</${name}${after}${endBlank}>` : whole,
    )
    .replace(ATTRIBUTE, (whole, lead: string, name: string, eq: string, quote: string, before: string, value: string, after: string) =>
      before || after ? `${lead}${before}${name}${eq}${quote}${value}${quote}${after}` : whole,
    );
}
