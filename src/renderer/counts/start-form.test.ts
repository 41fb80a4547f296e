import { describe, expect, it } from 'vitest';
import { scopeFromForm, type StartForm } from './start-form';

const form = (over: Partial<StartForm>): StartForm => ({ kind: 'all_cii', schedule: 'CII', location: '', ndcs: '', month: '2026-11', ...over });

describe('start a count: the scope from the form', () => {
  it('reads each kind with its own field', () => {
    expect(scopeFromForm(form({}))).toEqual({ ok: true, scope: { kind: 'all_cii' } });
    expect(scopeFromForm(form({ kind: 'recount' }))).toEqual({ ok: true, scope: { kind: 'recount' } });
    expect(scopeFromForm(form({ kind: 'schedule', schedule: 'CIV' }))).toEqual({ ok: true, scope: { kind: 'schedule', schedule: 'CIV' } });
    expect(scopeFromForm(form({ kind: 'location', location: '  Safe 2 ' }))).toEqual({ ok: true, scope: { kind: 'location', location: 'Safe 2' } });
    expect(scopeFromForm(form({ kind: 'expiring', month: '2027-01' }))).toEqual({ ok: true, scope: { kind: 'expiring', month: '2027-01' } });
    expect(scopeFromForm(form({ kind: 'ndcs', ndcs: '0002-1200-30, 59762-3721-1;' }))).toEqual({ ok: true, scope: { kind: 'ndcs', ndcs: ['00002-1200-30', '59762-3721-01'] } });
  });

  it('says what is missing or wrong', () => {
    expect(scopeFromForm(form({ kind: 'location', location: '  ' }))).toEqual({ ok: false, problem: 'Type the shelf or location.' });
    expect(scopeFromForm(form({ kind: 'ndcs', ndcs: ' , ' }))).toEqual({ ok: false, problem: 'Type at least one NDC.' });
    expect(scopeFromForm(form({ kind: 'ndcs', ndcs: '0002-1200-30 abc' }))).toMatchObject({ ok: false, problem: expect.any(String) });
  });
});
