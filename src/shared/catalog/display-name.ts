import { shortStrength } from './ingredients';
import type { CatalogProduct } from './types';

/** "TABLET, FILM COATED" → "Tablet, Film Coated". Unit words like "mL" are not touched elsewhere. */
export function titleCase(s: string): string {
  return s.toLowerCase().replace(/(^|[\s,/(-])([a-z])/g, (_, p: string, c: string) => p + c.toUpperCase());
}

/**
 * The name shown at the counter and in stock lists: proprietary name (with suffix), the
 * non-proprietary name in parentheses when it adds something, the strength, the dosage form.
 * "Oxycodone Hydrochloride 5 mg Tablet", "Suboxone (buprenorphine hydrochloride, naloxone
 * hydrochloride) 2 mg/0.5 mg Film, Soluble", "Amyvid III (Florbetapir F 18) Injection, Solution".
 */
export function displayName(p: Pick<CatalogProduct, 'proprietary_name' | 'proprietary_name_suffix' | 'nonproprietary_name' | 'ingredients' | 'dosage_form'>): string {
  const brand = [p.proprietary_name, p.proprietary_name_suffix].filter(Boolean).join(' ');
  const generic = p.nonproprietary_name ?? '';
  const parts: string[] = [];
  if (brand) {
    parts.push(brand);
    if (generic && !brand.toLowerCase().includes(generic.toLowerCase())) parts.push(`(${generic})`);
  } else if (generic) parts.push(generic);
  else parts.push(p.ingredients.map((i) => i.name).join(', ') || 'Unnamed product');
  const strength = shortStrength(p.ingredients);
  if (strength) parts.push(strength);
  if (p.dosage_form) parts.push(titleCase(p.dosage_form));
  return parts.join(' ');
}
