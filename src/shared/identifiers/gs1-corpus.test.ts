import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corporaPresent, corporaSkipReason, corpusPath } from '../../testing/corpora';
import { parseElementString, parseGs1 } from './gs1-parse';
import { decodeScan } from './scan-decode';

interface BiipCase {
  id: number;
  input: string;
  parser_config: { separator_chars: string[] } | null;
  expected: Record<string, unknown> & { ok: boolean };
  note: string;
}

// biip's dates are from 2020–2021; a fixed clock keeps the century window from drifting under them.
const now = new Date('2026-11-26T12:00:00Z');
const cases: BiipCase[] = corporaPresent ? JSON.parse(readFileSync(corpusPath('gs1', 'biip_cases.json'), 'utf8')) : [];
const byId = (id: number) => {
  const found = cases.find((c) => c.id === id);
  if (!found) throw new Error(`biip case ${id} missing from the corpus`);
  return found;
};
const run = (c: BiipCase, associations = true) => parseGs1(c.input, { now, separators: c.parser_config?.separator_chars, associations });
/**
 * biip accepts element strings that break the GS1 association rules (General Specifications
 * §4.14.2): a best-before date, lot or expiry without any GTIN. We follow the General
 * Specifications and refuse them, naming the rule; their element values are still compared.
 */
const BREAKS_ASSOCIATIONS = new Set([6, 7, 15, 16, 17]);

describe.skipIf(!corporaPresent)(`biip GS1 corpus${corporaPresent ? '' : ` — ${corporaSkipReason}`}`, () => {
  it('has the 18 cases the README describes', () => {
    expect(cases).toHaveLength(18);
  });

  describe.each(cases.map((c) => [c.id, c.note, c] as const))('case %i: %s', (_id, _note, c) => {
    it(BREAKS_ASSOCIATIONS.has(c.id) ? 'is refused for its missing GTIN, where biip accepts it' : 'agrees with biip on success or failure', () => {
      if (BREAKS_ASSOCIATIONS.has(c.id)) {
        expect(c.expected.ok).toBe(true);
        const r = run(c);
        expect(!r.ok && r.issue.code).toBe('missing-association');
        expect(!r.ok && r.error).toMatch(/GS1 General Specifications §4\.14\.2, mandatory associations: 1[057] requires 01, 02, 03, (255, )?8006 or 8026\)/);
        return;
      }
      expect(run(c).ok).toBe(c.expected.ok);
    });

    it('gives the element values biip asserts', () => {
      const result = run(c, false);
      if (!result.ok) return;
      for (const [key, want] of Object.entries(c.expected)) {
        if (!/^\d{2,4}$/.test(key)) continue;
        const el = result.elements.find((e) => e.ai === key);
        expect(el, `AI ${key}`).toBeDefined();
        // biip gives dates of element strings as ISO dates, of Digital Link query values as the raw text.
        expect(typeof want === 'string' && /^\d{4}-\d\d-\d\d$/.test(want) ? el?.date : el?.value, `AI ${key}`).toBe(want);
      }
      if (typeof c.expected.hri === 'string') expect(result.hri).toBe(c.expected.hri);
      if (typeof c.expected.symbology === 'string') expect(`${result.symbology?.id} (${result.symbology?.name})`).toBe(c.expected.symbology);
      if (c.expected.kind === 'GS1 Digital Link URI') expect(result.source).toBe('digital-link');
      if (typeof c.expected.upc_a === 'string') expect(result.gtin?.replace(/^00/, '')).toBe(c.expected.upc_a);
    });
  });

  it('case 2: like biip, a lot without separator swallows the date that follows; we also warn', () => {
    const r = run(byId(2));
    expect(r.ok && r.lot).toBe('032915210526');
    expect(r.ok && r.warnings.join(' ')).toMatch(/\(15\) date/);
  });

  it('case 9: differs from biip in the reason. GS1 ends a lot only at GS or the end, so we report a 23-character lot, not junk after 20', () => {
    const c = byId(9);
    expect(c.expected.error).toBe("Failed to get GS1 Application Identifier from 'aaa'.");
    const r = run(c);
    expect(!r.ok && r.issue).toMatchObject({ code: 'too-long', ai: '10', position: 0 });
  });

  it('case 13: the element-string reading of a Digital Link fails, the Digital Link reading succeeds', () => {
    const c = byId(13);
    expect(parseElementString(c.input.slice(3), { now }).ok).toBe(false);
    expect(decodeScan(c.input, { now })).toMatchObject({ ok: true, kind: 'digital-link', symbology: 'GS1 QR Code', gtin: '00614141123452', lot: 'ABC123' });
  });

  it('case 12: (15) is a best-before date, never reported as the expiry', () => {
    const r = decodeScan(byId(12).input, { now });
    expect(r).toMatchObject({ ok: true, bestBefore: '2025-03-30', expiry: null });
  });

  it('case 14: the bad check digit error says which digit was expected, as biip does', () => {
    const r = run(byId(14));
    expect(!r.ok && r.error).toMatch(/expected 7/);
    expect(!r.ok && r.issue.ai).toBe('01');
  });

  it('case 18: 29 February of a common year is refused with the AI named', () => {
    const r = decodeScan(byId(18).input, { now });
    expect(r.ok).toBe(false);
    expect(r.issue).toMatchObject({ code: 'bad-date', ai: '15' });
  });
});
