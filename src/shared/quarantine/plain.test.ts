import { describe, expect, it } from 'vitest';
import { checkStep, containerWordOf, isSuspect, plainReason, shortDay } from './plain';

describe('quarantine in pharmacy language', () => {
  it('says what a duplicate serial means for the bottle, with the day it was first received', () => {
    expect(plainReason('DUPLICATE_SERIAL', { firstReceivedOn: '12 Nov', unitWord: 'bottle' })).toBe(
      "This bottle's serial number was already received on 12 Nov — possible counterfeit or double scan. Keep it apart; do not sell it.",
    );
    expect(plainReason('DUPLICATE_SERIAL')).toMatch(/^This unit's serial number is already on record here/);
    expect(plainReason('HOLD_ACTIVE')).toMatch(/compliance hold/);
    expect(plainReason('BAD_DELTA')).toBe('The stock change does not fit the entry type.');
    expect(isSuspect(['UNKNOWN_NDC'])).toBe(false);
    expect(isSuspect(['EXPIRED_LOT', 'DUPLICATE_SERIAL'])).toBe(true);
  });
  it('reads the container from the package description and the day in the facility zone', () => {
    expect(containerWordOf('30 TABLET in 1 BOTTLE (0002-1200-30)')).toBe('bottle');
    expect(containerWordOf('1 VIAL in 1 CARTON (0409-1234-01) / 1 mL in 1 VIAL')).toBe('carton');
    expect(containerWordOf(null)).toBe('unit');
    const now = new Date('2026-11-20T12:00:00Z');
    expect(shortDay('2026-11-12T03:00:00Z', 'America/New_York', now)).toBe('11 Nov');
    expect(shortDay('2025-11-12T12:00:00Z', 'UTC', now)).toBe('12 Nov 2025');
  });
  it('checks a step: the note, both notice dates of an illegitimate outcome, none in the future or before the quarantine', () => {
    const ok = { step: 'illegitimate' as const, note: 'fake label', fda3911Date: '2026-11-12', partnerNoticeDate: '2026-11-12' };
    expect(checkStep(ok, '2026-11-12', '2026-11-11')).toEqual([]);
    expect(checkStep({ ...ok, fda3911Date: '' }, '2026-11-12', '2026-11-11').map((p) => p.field)).toEqual(['fda3911Date']);
    expect(checkStep({ ...ok, partnerNoticeDate: '2026-11-13' }, '2026-11-12', '2026-11-11')[0]!.message).toMatch(/is in the future/);
    expect(checkStep({ ...ok, partnerNoticeDate: '2026-11-10' }, '2026-11-12', '2026-11-11')[0]!.message).toMatch(/before the product was quarantined/);
    expect(checkStep({ ...ok, fda3911Date: '2026-02-30' }, '2026-11-12', '2026-11-11')[0]!.message).toMatch(/YYYY-MM-DD/);
    expect(checkStep({ step: 'cleared', note: ' ' }, '2026-11-12', '2026-11-11')).toEqual([{ field: 'note', message: expect.stringMatching(/^What was found: say why the product is legitimate/) }]);
  });
});
