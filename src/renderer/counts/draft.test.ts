import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { CountView } from '../../shared/ipc/counts-channels';
import { CountDrafts } from './draft-db';
import { countTextProblem, emptyDraft, keyOf, lineForScan, linesToSubmit, markScanned, progress, setContainers, setCounted } from './draft';

const count: CountView = {
  count_id: 'C-1',
  facility_id: 'MAIN01',
  scope: { kind: 'all_cii' },
  scope_label: 'All CII',
  blind: true,
  items: [
    { ndc: '00002-1200-30', lot: 'A1', schedule: 'CII', name: null, expiry: null, location: null, expected_now: null },
    { ndc: '00002-1200-30', lot: 'B2', schedule: 'CII', name: null, expiry: null, location: null, expected_now: null },
  ],
  created_by: 'tina',
  created_at: '2026-11-05T10:00:00.000Z',
  status: 'open',
  submitted_by: null,
  submitted_at: null,
  tolerance_version: null,
};
const T = '2026-11-05T10:05:00.000Z';

describe('count draft', () => {
  it('keeps counts by keypad and by containers, and refuses negative or fractional units', () => {
    let d = emptyDraft(count, 'tina', T);
    const a1 = keyOf({ ndc: '00002-1200-30', lot: 'A1' });
    const neg = setCounted(d, a1, '-3', 'keypad', T);
    expect(neg).toMatchObject({ ok: false, error: expect.stringMatching(/cannot be negative/) });
    expect(neg.draft.lines[a1]!.counted).toBeNull();
    expect(setCounted(d, a1, '2.5', 'keypad', T)).toMatchObject({ ok: false });
    d = setCounted(d, a1, '97', 'keypad', T).draft;
    expect(progress(d)).toEqual({ counted: 1, total: 2 });
    const b2 = keyOf({ ndc: '00002-1200-30', lot: 'B2' });
    // The key names the field the sheet brings into view and focuses.
    expect(linesToSubmit(d)).toEqual({ ok: false, missing: ['00002-1200-30 lot B2'], missingKeys: [b2] });
    d = setContainers(d, b2, { full: 1, size: 30, partials: [7, 3] }, T).draft;
    expect(d.lines[b2]!.counted).toBe(40);
    const out = linesToSubmit(d);
    expect(out.ok && out.lines[1]).toMatchObject({ counted: 40, containers: { full_containers: 1, units_per_container: 30, partial_units: [7, 3] }, countedAt: T });
  });

  it('keeps what is not a count at its field and never submits a stale figure in its place', () => {
    let d = emptyDraft(count, 'tina', T);
    const a1 = keyOf({ ndc: '00002-1200-30', lot: 'A1' });
    const b2 = keyOf({ ndc: '00002-1200-30', lot: 'B2' });
    d = setCounted(d, a1, '97', 'keypad', T).draft;
    const abc = setCounted(d, a1, '97a', 'keypad', T);
    expect(abc).toMatchObject({ ok: false, error: expect.stringMatching(/numbers only/) });
    d = abc.draft;
    expect(d.lines[a1]).toMatchObject({ text: '97a', counted: null, problem: expect.stringMatching(/numbers only/) });
    d = setCounted(d, b2, '-5', 'keypad', T).draft;
    expect(d.lines[b2]!.problem).toMatch(/cannot be negative/);
    expect(linesToSubmit(d)).toEqual({
      ok: false,
      missing: [],
      missingKeys: [],
      invalid: [
        { key: a1, name: '00002-1200-30 lot A1', problem: expect.stringMatching(/numbers only/) },
        { key: b2, name: '00002-1200-30 lot B2', problem: expect.stringMatching(/cannot be negative/) },
      ],
    });
    expect(countTextProblem('12')).toBeNull();
    expect(countTextProblem('')).toBeNull();
    expect(countTextProblem('1.5')).toMatch(/whole units/);
    d = setContainers(d, b2, { full: 1, size: 30, partials: [] }, T).draft;
    expect(d.lines[b2]!.problem).toBeNull();
  });

  it('finds the line a scan is for', () => {
    const d = emptyDraft(count, 'tina', T);
    expect(lineForScan(d, { ok: true, ndc: '00002-1200-30', lot: 'B2', error: null })).toEqual({ ok: true, key: '00002-1200-30|B2' });
    expect(lineForScan(d, { ok: true, ndc: '00002-1200-30', lot: null, error: null })).toEqual({ ok: true, key: '00002-1200-30|A1' });
    expect(lineForScan(d, { ok: true, ndc: '00002-1200-30', lot: 'ZZ', error: null })).toMatchObject({ ok: false, error: expect.stringMatching(/lot ZZ is not in this count/) });
    expect(lineForScan(d, { ok: true, ndc: '11111-2222-33', lot: null, error: null })).toMatchObject({ ok: false });
  });

  it('marks the line a scan selected as found by scanning, and focuses it', () => {
    const d = emptyDraft(count, 'tina', T);
    const later = '2026-11-05T10:06:00.000Z';
    const b2 = keyOf({ ndc: '00002-1200-30', lot: 'B2' });
    const scanned = markScanned(d, b2, later);
    expect(scanned).toMatchObject({ focus: b2, updatedAt: later, lines: { [b2]: { method: 'scan', counted: null } } });
    expect(scanned.lines['00002-1200-30|A1']).toBe(d.lines['00002-1200-30|A1']);
    expect(markScanned(d, 'nope', later)).toBe(d);
  });

  it('survives a reload: saved on every change, resumed as the current count of its user', async () => {
    const name = `counts-test-${Math.random()}`;
    const db1 = new CountDrafts(name);
    let d = emptyDraft(count, 'tina', T);
    d = setCounted(d, '00002-1200-30|A1', '97', 'scan', T).draft;
    await db1.save(d);
    db1.close();
    const db2 = new CountDrafts(name);
    const back = await db2.current('MAIN01', 'tina');
    expect(back?.lines['00002-1200-30|A1']).toMatchObject({ counted: 97, method: 'scan' });
    expect(await db2.current('MAIN01', 'pat')).toBeNull();
    await db2.discard('C-1');
    expect(await db2.current('MAIN01', 'tina')).toBeNull();
    db2.close();
  });
});
