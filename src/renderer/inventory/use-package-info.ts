import { useEffect, useRef, useState } from 'react';
import { invoke } from '../api/client';

export interface PackageInfo {
  unit: string | null;
  units_per_container: number | null;
}

/**
 * The dosage unit and package size of NDCs (11-digit, 5-4-2), as their stock rows carry them
 * (stock.list, empty lots included). There is no catalog look-up channel for the renderer, so
 * an NDC that never had a lot here maps to null: screens then say "units" and leave the
 * conversion to the main process. Asked once per NDC per screen and `generation`.
 */
export function usePackageInfo(ndcs: readonly string[], generation = 0): Map<string, PackageInfo | null> {
  const [known, setKnown] = useState<Map<string, PackageInfo | null>>(new Map());
  const asked = useRef(new Set<string>());
  const seenGeneration = useRef(generation);
  // A new generation (stock was just recorded): ask again about what was unknown.
  if (seenGeneration.current !== generation) {
    seenGeneration.current = generation;
    for (const [ndc, info] of known) if (info === null) asked.current.delete(ndc);
  }
  const mounted = useRef(true);
  const key = [...new Set(ndcs)].sort().join(',');
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    for (const ndc of key ? key.split(',') : []) {
      if (asked.current.has(ndc)) continue;
      asked.current.add(ndc);
      invoke('stock.list', { search: ndc, includeEmpty: true, limit: 50 })
        .then((r) => {
          const row = r.rows.find((x) => x.ndc === ndc && (x.unit !== null || x.units_per_container !== null));
          if (mounted.current) setKnown((m) => new Map(m).set(ndc, row ? { unit: row.unit, units_per_container: row.units_per_container } : null));
        })
        .catch(() => asked.current.delete(ndc));
    }
  }, [key, generation]);
  return known;
}
