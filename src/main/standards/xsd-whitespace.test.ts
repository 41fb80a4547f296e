import { describe, expect, it } from 'vitest';
import { collapseDateWhitespace } from './xsd-whitespace';

describe('collapseDateWhitespace', () => {
  it('moves blanks around a date, date-time, year-month or year into the tags, keeping every new line', () => {
    const xml = '<a>\n  <t>\n    2026-05-01T09:00:00.5+02:00\n  </t>\n  <d x="1"> 2026-05-01 </d>\n  <y>\n2026</y><ym>2026-05 </ym>\n</a>';
    const out = collapseDateWhitespace(xml);
    expect(out).toBe('<a>\n  <t\n    >2026-05-01T09:00:00.5+02:00</t\n  >\n  <d x="1" >2026-05-01</d >\n  <y\n>2026</y><ym>2026-05</ym >\n</a>');
    expect(out.split('\n').length).toBe(xml.split('\n').length);
  });

  it('does the same inside an attribute’s quotes, moving the blanks between attributes', () => {
    expect(collapseDateWhitespace('<e a="1" creationDate="\n 2026-05-01T10:00:00Z " b="2"/>')).toBe('<e a="1" \n creationDate="2026-05-01T10:00:00Z"  b="2"/>');
  });

  it('leaves alone what is not such a value, or has no blanks, or is not an element of text only', () => {
    for (const xml of [
      '<t>2026-05-01T09:00:00Z</t>',
      '<t> not a date </t>',
      '<lot> L7 </lot>',
      '<t> 2026-05-01T09:00:00Z <b/></t>',
      '<a/> 2026 </b>',
      '<e time="2026-05-01"/>',
    ])
      expect(collapseDateWhitespace(xml)).toBe(xml);
  });
});
