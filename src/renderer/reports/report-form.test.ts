import { describe, expect, it } from 'vitest';
import { base64ToBytes, progressPercent, requestFromForm, type ReportFormState } from './report-form';

const form = (over: Partial<ReportFormState> = {}): ReportFormState => ({ kind: 'cii-log', format: 'csv', from: '2026-11-01', to: '2026-11-30', taken: 'close', ndcs: '', schedules: 'all', ...over });

describe('Reports form', () => {
  it('builds the request the workstation expects', () => {
    expect(requestFromForm(form({ ndcs: '65162-047-10, 00002-1200-30' }))).toEqual({
      ok: true,
      request: { kind: 'cii-log', format: 'csv', from: '2026-11-01', to: '2026-11-30', ndcs: ['65162-0047-10', '00002-1200-30'] },
    });
    expect(requestFromForm(form({ kind: 'biennial', from: '', taken: 'opening', format: 'pdf' }))).toEqual({ ok: true, request: { kind: 'biennial', format: 'pdf', from: null, to: '2026-11-30', taken: 'opening' } });
  });
  it('limits a DEA record to CII or CIII–V, never the audit trail', () => {
    expect(requestFromForm(form({ kind: 'dispensing', schedules: 'ciii-v' }))).toEqual({ ok: true, request: { kind: 'dispensing', format: 'csv', from: '2026-11-01', to: '2026-11-30', schedules: 'ciii-v' } });
    expect(requestFromForm(form({ kind: 'audit', schedules: 'cii' }))).toEqual({ ok: true, request: { kind: 'audit', format: 'csv', from: '2026-11-01', to: '2026-11-30' } });
  });
  it('says what is wrong before asking', () => {
    expect(requestFromForm(form({ from: '2026-12-01' }))).toEqual({ ok: false, field: 'to', message: 'The period is empty: From 2026-12-01 is after To 2026-11-30.' });
    expect(requestFromForm(form({ ndcs: 'abc' }))).toMatchObject({ ok: false, field: 'ndcs', message: expect.stringMatching(/^NDC "abc"/) });
  });
  it('shows progress and decodes the file', () => {
    expect(progressPercent(50, 200)).toBe(25);
    expect(progressPercent(5, 0)).toBe(0);
    expect([...base64ToBytes('cmVjb3Jk')]).toEqual([...Buffer.from('record')]);
  });
});
