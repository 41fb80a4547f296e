import { ndc11Of, type CountScope } from '../../shared/counts';
import type { Schedule } from '../../shared/domain/schedule';

export type ScopeKind = CountScope['kind'];

/** The start form as typed: what to count, and the field that goes with that choice. */
export interface StartForm {
  kind: ScopeKind;
  schedule: Schedule;
  location: string;
  /** NDCs separated by spaces, commas or semicolons. */
  ndcs: string;
  /** YYYY-MM. */
  month: string;
}

/** The scope counts.create takes, or what is wrong with the field for the chosen kind. */
export function scopeFromForm(f: StartForm): { ok: true; scope: CountScope } | { ok: false; problem: string } {
  switch (f.kind) {
    case 'ndcs': {
      const parsed = f.ndcs
        .split(/[\s,;]+/)
        .filter(Boolean)
        .map((t) => ndc11Of(t));
      const bad = parsed.find((p) => !p.ok);
      if (bad && !bad.ok) return { ok: false, problem: bad.message };
      if (parsed.length === 0) return { ok: false, problem: 'Type at least one NDC.' };
      return { ok: true, scope: { kind: 'ndcs', ndcs: parsed.map((p) => (p.ok ? p.ndc : '')) } };
    }
    case 'schedule':
      return { ok: true, scope: { kind: 'schedule', schedule: f.schedule } };
    case 'location':
      if (!f.location.trim()) return { ok: false, problem: 'Type the shelf or location.' };
      return { ok: true, scope: { kind: 'location', location: f.location.trim() } };
    case 'expiring':
      return { ok: true, scope: { kind: 'expiring', month: f.month } };
    default:
      return { ok: true, scope: { kind: f.kind } as CountScope };
  }
}
