import { describe, expect, it } from 'vitest';
import { collapseDateWhitespace } from './xsd-whitespace';

describe('collapseDateWhitespace', () => {
  it('moves blanks around a date, date-time, year-month or year into the end tag, keeping every new line', () => {
    const xml = '<a>\n  <t>\n    2026-05-01T09:00:00.5+02:00\n  </t>\n  <d x="1"> 2026-05-01 </d>\n  <y>\n2026</y><ym>2026-05 </ym>\n</a>';
    const out = collapseDateWhitespace(xml);
    expect(out).toBe('<a>\n  <t>2026-05-01T09:00:00.5+02:00</t\n    \n  >\n  <d x="1">2026-05-01</d  >\n  <y>2026</y\n><ym>2026-05</ym >\n</a>');
    expect(out.split('\n').length).toBe(xml.split('\n').length);
  });

  it('does the same inside an attribute’s quotes, moving the blanks between attributes, even after a value holding ">"', () => {
    expect(collapseDateWhitespace('<e a="1>0" creationDate="\n 2026-05-01T10:00:00Z " b="2"/>')).toBe('<e a="1>0" \n creationDate="2026-05-01T10:00:00Z"  b="2"/>');
  });

  it('leaves alone what is not such a value, has no blanks, is not text only, or is no markup', () => {
    for (const xml of [
      '<t>2026-05-01T09:00:00Z</t>',
      '<t> not a date </t>',
      '<lot> L7 </lot>',
      '<t> 2026-05-01T09:00:00Z <b/></t>',
      '<a/> 2026 </a>',
      '<e time="2026-05-01"/>',
      // NBSP is no XML whitespace: XML Schema does not collapse it, and it may not stand in a tag.
      '<t>\u00a02026-05-01T09:00:00Z</t>',
      '<t e="\u00a02026"/>',
      '<t><!-- <t --> 2026-05-01T09:00:00Z</t>',
      '<!-- <t> 2026 </t> -->',
      '<x><![CDATA[ <t> 2026 </t> y=" 2026" ]]></x>',
      '<?pi <t> 2026 </t> ?>',
      '<detail>see x=" 2026"</detail>',
    ])
      expect(collapseDateWhitespace(xml)).toBe(xml);
  });
});
