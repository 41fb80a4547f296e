import { describe, expect, it } from 'vitest';
import { emptyInitialDraft, emptyInitialLine, serverProblems, validateInitial, type InitialDraft } from './initial-inventory';
import { filterInput } from './stock-filter';

const draft = (lines: Partial<ReturnType<typeof emptyInitialLine>>[], signerId = 'pat'): InitialDraft => ({
  ...emptyInitialDraft(),
  signerId,
  lines: lines.map((l) => ({ ...emptyInitialLine(), ...l })),
});

describe('the initial inventory form', () => {
  it('builds the lines inventory.initial takes: containers plus opened units, or units', () => {
    const r = validateInitial(
      draft([
        { ndc: '65162-047-10', lot: 'OX1', expiry: '2028-06-30', full: '3', partials: '27' },
        {},
        { ndc: '59762-3721-1', lot: '', by: 'units', units: '40' },
      ]),
    );
    expect(r).toEqual({
      ok: true,
      indexes: [0, 2],
      lines: [
        { ndc: '65162-0047-10', lot: 'OX1', expiry: '2028-06-30', containers: { full_containers: 3, partial_units: [27] } },
        { ndc: '59762-3721-01', lot: null, expiry: null, counted: 40 },
      ],
    });
  });

  it('puts each problem at its field and sends nothing', () => {
    const r = validateInitial(
      draft([
        { ndc: '5976', lot: 'A', by: 'units', units: 'abc' },
        { ndc: '65162-047-10', lot: 'B', full: '-1', partials: '2, x' },
        { ndc: '65162-047-10', lot: 'B', full: '1' },
        { ndc: '65162-047-10', lot: 'C' },
      ], ''),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.lines[0]).toMatchObject({ ndc: expect.stringContaining('4 digits'), units: expect.stringMatching(/^Numbers only/) });
    expect(r.problems.lines[1]).toMatchObject({ full: expect.stringMatching(/cannot be negative/), partials: expect.stringMatching(/Numbers only/) });
    expect(r.problems.lines[2]).toEqual({ line: 'Line 2 already lists 65162-0047-10 lot B.' });
    expect(r.problems.lines[3]).toMatchObject({ full: expect.stringMatching(/sealed containers/) });
    expect(r.problems.form).toEqual([expect.stringMatching(/user ID/)]);
  });

  it('an empty form asks for a line', () => {
    const r = validateInitial(draft([{}]));
    expect(r).toMatchObject({ ok: false, problems: { form: [expect.stringMatching(/at least one line/)] } });
  });

  it('places the workstation refusal of a line beside that line of the form', () => {
    const msg =
      'Not recorded — line 1 (65162-0047-10 lot OX1): its initial inventory was already recorded (entry dev-1#1) · line 2 (99999-9999-99): not in the catalog; import the catalog that lists it first. Nothing was signed.';
    expect(serverProblems(msg, [0, 3])).toEqual({
      lines: { 0: { line: 'Its initial inventory was already recorded (entry dev-1#1)' }, 3: { line: 'Not in the catalog; import the catalog that lists it first' } },
      form: [],
    });
    expect(serverProblems('lines.1.expiry: a date YYYY-MM-DD', [2, 5])).toEqual({ lines: { 5: { line: 'expiry: a date YYYY-MM-DD' } }, form: [] });
    expect(serverProblems('The workstation is busy.', [0])).toEqual({ lines: {}, form: ['The workstation is busy.'] });
  });
});

describe('inventory filters', () => {
  it('become stock.list input, and a bad number of days is said', () => {
    expect(filterInput({ onHold: true, expiring: false, days: 'x' })).toEqual({ ok: true, input: { onHold: true } });
    expect(filterInput({ onHold: false, expiring: true, days: '30' })).toEqual({ ok: true, input: { expiresWithinDays: 30 } });
    expect(filterInput({ onHold: false, expiring: true, days: '3O' })).toMatchObject({ ok: false, problem: expect.stringMatching(/Numbers only/) });
    expect(filterInput({ onHold: false, expiring: true, days: '9999' })).toMatchObject({ ok: false, problem: expect.stringMatching(/3,650/) });
  });
});
