import { splitList } from './fields';
import type { Ingredient } from './types';

export interface IngredientsReading {
  ingredients: Ingredient[];
  problem: string | null;
}

function num(s: string): number | null {
  if (!/^(\d+\.?\d*|\.\d+)$/.test(s)) return null;
  return Number(s);
}

/**
 * FDA product.txt keeps ingredients in three parallel ";"-lists: SUBSTANCENAME,
 * ACTIVE_NUMERATOR_STRENGTH, ACTIVE_INGRED_UNIT. When their lengths differ, which strength goes
 * with which substance is unknown: the names are kept, the strengths are not paired (openFDA's
 * pipeline pairs them by position, which silently gives a strength to the wrong substance).
 */
export function ingredientsFromFdaColumns(names: string | undefined, strengths: string | undefined, units: string | undefined): IngredientsReading {
  const n = splitList(names);
  const s = splitList(strengths);
  const u = splitList(units);
  if (n.length === 0) {
    return { ingredients: [], problem: s.length || u.length ? 'strengths are given but no substance names' : null };
  }
  if (s.length === n.length && u.length === n.length) {
    const bad = s.find((x) => num(x) === null);
    if (bad === undefined) return { ingredients: n.map((name, i) => ({ name, strength: num(s[i]!), unit: u[i]! })), problem: null };
    return {
      ingredients: n.map((name) => ({ name, strength: null, unit: null })),
      problem: `strength "${bad}" is not a number; strengths not recorded`,
    };
  }
  const problem =
    s.length === 0 && u.length === 0
      ? null
      : `${n.length} substance(s) but ${s.length} strength(s) and ${u.length} unit(s): which strength belongs to which substance is unknown, so none is recorded`;
  return { ingredients: n.map((name) => ({ name, strength: null, unit: null })), problem };
}

/** One openFDA ingredient strength, "5 mg/1" or ".5 mg/1" → 5, "mg/1". */
export function parseStrength(text: string | null | undefined): { strength: number | null; unit: string | null } | null {
  const t = (text ?? '').trim();
  if (t === '') return { strength: null, unit: null };
  const m = /^(\d+\.?\d*|\.\d+)\s*(\S.*)$/.exec(t);
  if (!m) return null;
  return { strength: Number(m[1]), unit: m[2]!.trim() };
}

/** openFDA JSON `active_ingredients: [{name, strength}]`. */
export function ingredientsFromOpenFda(list: readonly { name?: unknown; strength?: unknown }[]): IngredientsReading {
  const out: Ingredient[] = [];
  const problems: string[] = [];
  for (const item of list) {
    const name = typeof item.name === 'string' ? item.name.trim() : '';
    if (name === '') {
      problems.push('an active ingredient has no name');
      continue;
    }
    const st = parseStrength(typeof item.strength === 'string' ? item.strength : null);
    if (st === null) {
      problems.push(`strength "${String(item.strength)}" of ${name} is not a number with a unit`);
      out.push({ name, strength: null, unit: null });
    } else out.push({ name, ...st });
  }
  return { ingredients: out, problem: problems.length ? problems.join('; ') : null };
}

/**
 * The openFDA CSV extract's `active_ingredients` column: "NAME 5 mg/1; NAME 325 mg/1" — each
 * ingredient's name, then its strength and unit.
 */
export function ingredientsFromText(textValue: string | null | undefined): IngredientsReading {
  const out: Ingredient[] = [];
  const problems: string[] = [];
  for (const part of splitList(textValue)) {
    const m = /^(.*\S)\s+(\d+\.?\d*|\.\d+)\s+(\S+)$/.exec(part);
    if (m) out.push({ name: m[1]!, strength: Number(m[2]), unit: m[3]! });
    else {
      out.push({ name: part, strength: null, unit: null });
      problems.push(`no strength found in "${part}"`);
    }
  }
  return { ingredients: out, problem: problems.length ? problems.join('; ') : null };
}

function fmt(n: number): string {
  return String(n);
}

/** "HYDROCODONE BITARTRATE 5 mg/1; ACETAMINOPHEN 325 mg/1"; a substance without strength is named alone. */
export function strengthLine(ingredients: readonly Ingredient[]): string | null {
  if (ingredients.length === 0) return null;
  return ingredients.map((i) => (i.strength === null ? i.name : `${i.name} ${fmt(i.strength)} ${i.unit ?? ''}`.trim())).join('; ');
}

/** For display names: "5 mg", "5 mg/325 mg", "80 mg/mL"; null unless every ingredient has a strength. */
export function shortStrength(ingredients: readonly Ingredient[]): string | null {
  if (ingredients.length === 0 || ingredients.some((i) => i.strength === null)) return null;
  return ingredients.map((i) => `${fmt(i.strength!)} ${(i.unit ?? '').replace(/\/1$/, '')}`.trim()).join('/');
}
