import { z } from 'zod';

/** DEA schedules we track; null in a record means the product is not a controlled substance. */
export const SCHEDULES = ['CII', 'CIII', 'CIV', 'CV'] as const;
export const Schedule = z.enum(SCHEDULES);
export type Schedule = z.infer<typeof Schedule>;

const ALIASES: Record<string, Schedule | null> = {
  II: 'CII', CII: 'CII', '2': 'CII', C2: 'CII',
  III: 'CIII', CIII: 'CIII', '3': 'CIII', C3: 'CIII', IIIN: 'CIII', CIIIN: 'CIII',
  IV: 'CIV', CIV: 'CIV', '4': 'CIV', C4: 'CIV',
  V: 'CV', CV: 'CV', '5': 'CV', C5: 'CV',
  OTC: null, NONE: null, RX: null, '': null,
};

/**
 * Reads the spellings found in the seed's DrugRecord (II..V, OTC), FDA files (CII, CIIIN) and
 * people's typing. Returns undefined when the text is not a schedule at all, so the caller can
 * reject it instead of treating it as "not controlled".
 */
export function parseSchedule(text: string | null | undefined): Schedule | null | undefined {
  const key = (text ?? '').trim().toUpperCase();
  return key in ALIASES ? ALIASES[key] : undefined;
}

/** CII needs the strictest handling everywhere (exact counts, 222/CSOS orders, zero tolerance). */
export function isScheduleII(s: Schedule | null | undefined): boolean {
  return s === 'CII';
}
