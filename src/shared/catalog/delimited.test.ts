import { describe, expect, it } from 'vitest';
import { readCsvRecords, readTabRecords } from './delimited';

const csv = (t: string) => [...readCsvRecords(t)];

describe('CSV reader (RFC 4180)', () => {
  it('reads quoted fields holding commas, doubled quotes and line breaks, with CRLF or LF', () => {
    const recs = csv('a,b,c\r\n"1, 2","say ""hi""","two\nlines"\n3,,\n');
    expect(recs.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1, 2', 'say "hi"', 'two\nlines'],
      ['3', '', ''],
    ]);
    expect(recs.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(recs.every((r) => r.error === null)).toBe(true);
  });

  it('keeps a last empty field and reads a file without a final line break', () => {
    expect(csv('a,b,').map((r) => r.fields)).toEqual([['a', 'b', '']]);
    expect(csv('x,y').map((r) => r.fields)).toEqual([['x', 'y']]);
  });

  it('flags a quote that is never closed (a file cut short) instead of swallowing it silently', () => {
    const recs = csv('a,b\n1,"unterminated\n2,3\n');
    expect(recs).toHaveLength(2);
    expect(recs[1]?.error).toMatch(/starts on line 2 is never closed/);
  });

  it('flags text after a closing quote and a bare quote inside a field', () => {
    expect(csv('"ab"x,c\n')[0]?.error).toMatch(/after a closing quote/);
    expect(csv('ab"c,d\n')[0]?.error).toMatch(/quote inside an unquoted field/);
  });
});

describe('tab reader (FDA text files)', () => {
  it('splits on tabs only, keeps quotes as data, skips blank lines, drops CR', () => {
    const recs = [...readTabRecords('A\tB\r\n"x"\ty, z\n\n1\t\n')];
    expect(recs.map((r) => r.fields)).toEqual([
      ['A', 'B'],
      ['"x"', 'y, z'],
      ['1', ''],
    ]);
    expect(recs.map((r) => r.line)).toEqual([1, 2, 4]);
  });
});
