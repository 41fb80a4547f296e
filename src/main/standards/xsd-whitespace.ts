/**
 * XML Schema collapses whitespace around every date and time value before checking it
 * (whiteSpace="collapse" is fixed for xs:dateTime, xs:date, xs:gYearMonth and xs:gYear), so
 * `<eventTime>` with its value on a line of its own is valid. libxml2 (xmllint-wasm) refuses
 * those four types when blanks come before the year, and then reports the value split at its
 * new line. This moves such blanks out of the value before validation — into the element's end
 * tag, or between attributes — where XML allows them and no value holds them, so every line
 * keeps its number and a refusal still names the line it named before (libxml2 places an
 * element at its start tag's `>`, which does not move). Comments, CDATA sections and processing
 * instructions are left as they are. Values are recognised by their form, not their declared
 * type: none of the EPCIS XSDs shipped restricts a string type in a way a date-shaped value
 * could pass only once trimmed. The document that is read and kept is the original.
 */

/** XML's own whitespace (XML 1.0 production S); JavaScript's \s also takes NBSP and U+2028, which XML does not. */
const S = '[ \\t\\r\\n]';

/** The lexical forms of xs:dateTime, xs:date, xs:gYearMonth and xs:gYear (XML Schema 1.0, 3.2.7–3.2.11). */
const YEAR_FIRST = String.raw`-?\d{4,}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?)?)?)?(?:Z|[+-]\d{2}:\d{2})?`;

const NAME = String.raw`[A-Za-z_][\w.:-]*`;
const SKIPPED = String.raw`<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>`;
const ATTRIBUTES = `(?:${S}+${NAME}${S}*=${S}*(?:"[^"]*"|'[^']*'))*`;

/**
 * A comment, CDATA section or processing instruction (group 1, kept), or a start tag (name,
 * attributes, blanks, "/") with, when its whole content is a date-shaped value, that content and
 * its end tag (blanks before, value, blanks after, blanks in the end tag).
 */
const TOKEN = new RegExp(
  `(${SKIPPED})|<(${NAME})(${ATTRIBUTES})(${S}*)(/?)>(?:(${S}*)(${YEAR_FIRST})(${S}*)</\\2(${S}*)>)?`,
  'g',
);

/** An attribute whose value is a date-shaped value with blanks inside its quotes. */
const ATTRIBUTE = new RegExp(`(${S}+)(${NAME})(${S}*=${S}*)(["'])(${S}*)(${YEAR_FIRST})(${S}*)\\4`, 'g');

export function collapseDateWhitespace(xml: string): string {
  return xml.replace(
    TOKEN,
    (whole, skipped: string | undefined, name: string, attrs: string, blank: string, slash: string, before?: string, value?: string, after?: string, endBlank?: string) => {
      if (skipped !== undefined) return whole;
      const fixedAttrs = attrs.replace(ATTRIBUTE, (a, lead: string, attr: string, eq: string, q: string, b: string, v: string, t: string) =>
        b || t ? `${lead}${b}${attr}${eq}${q}${v}${q}${t}` : a,
      );
      const tag = `<${name}${fixedAttrs}${blank}${slash}>`;
      if (value === undefined) return tag;
      // A self-closing tag has no content: what follows it is left as it was.
      if (slash || (!before && !after)) return `${tag}${before}${value}${after}</${name}${endBlank}>`;
      return `${tag}${value}</${name}${before}${after}${endBlank}>`;
    },
  );
}
