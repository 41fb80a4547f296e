import { gs1CheckDigit } from '../../shared/identifiers/gs1-check-digit';
import { layoutsPossibleFor, ndc10DigitsFromGtin, parseGtin, parseNdc, toNdc10, type Ndc10Layout } from '../../shared/identifiers';
import type { Db } from '../db/open';

/**
 * DSCSA serial numbers (`dscsa_serials`, src/main/db/migrations.ts): every serialized unit that
 * came into stock, from any source — the Receiving screen, NDJSON, an X12 856, a return. The
 * ingestion gate checks a serial against this register before it commits an entry that
 * brings the unit into stock, and records it in the same savepoint as the entry.
 *
 * A serial is unique within its product: the unit-level GTIN, i.e. the NDC's 10 digits. The
 * register is keyed by GTIN-14, and a lookup asks for every GTIN that carries the same NDC
 * digits (packaging indicators 0–8, each possible 10-digit layout of an 11-digit NDC), so a
 * serial received on the Receiving screen (scanned GTIN) and the same serial in an NDJSON
 * line (NDC only) are the same unit.
 */

/** A unit an entry brings into stock: to be checked, then recorded with the entry. */
export interface SerialClaim {
  /** The GTIN-14 it is recorded under (the scanned one, else the NDC's unit-level GTIN). */
  gtin: string;
  /** Every GTIN-14 of the same product: what a lookup asks for. */
  gtins: string[];
  serial: string;
  ndc11: string;
  lot: string | null;
  expiry: string | null;
  /** False when the unit is already on record (a return of a unit dispensed here): nothing to insert. */
  insert: boolean;
}

export interface SerialRecord {
  gtin: string;
  serial: string;
  ndc: string;
  lot: string | null;
  session_id: string;
  entry_device_id: string;
  entry_seq: number;
  received_at: string;
}

const GTIN_BODY = (indicator: number, digits10: string) => {
  const body = `${indicator}03${digits10}`;
  return body + String(gs1CheckDigit(body));
};

/** GTIN-14s (indicators 0–8) for the 10 NDC digits. */
function gtinsForDigits(digits10: string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= 8; i++) out.push(GTIN_BODY(i, digits10));
  return out;
}

/** The 10-digit forms an 11-digit NDC can have (one per layout whose padding zero it carries). */
function ndc10DigitsOf(ndc11: string): Array<{ digits: string; layout: Ndc10Layout }> {
  const parsed = parseNdc(ndc11);
  if (!parsed.ok || !parsed.ndc11) return [];
  const out: Array<{ digits: string; layout: Ndc10Layout }> = [];
  for (const layout of layoutsPossibleFor(parsed.digits)) {
    try {
      out.push({ digits: toNdc10(parsed, layout).digits, layout });
    } catch {
      /* not writable in this layout */
    }
  }
  return out;
}

/**
 * The GTIN-14s that name the product of `ndc11` (or of a given GTIN): all indicators, all
 * layouts. An NDC with no 10-digit form has no GTIN: it is keyed as `ndc:<ndc11>`.
 */
export function productGtins(ndc11: string, gtin?: string | null): string[] {
  const set = new Set<string>();
  if (gtin) {
    const p = parseGtin(gtin);
    if (p.ok) {
      const digits = ndc10DigitsFromGtin(p.gtin14);
      if (digits) for (const g of gtinsForDigits(digits)) set.add(g);
      else set.add(p.gtin14);
    }
  }
  for (const { digits } of ndc10DigitsOf(ndc11)) for (const g of gtinsForDigits(digits)) set.add(g);
  if (set.size === 0) set.add(`ndc:${ndc11}`);
  return [...set];
}

/**
 * The GTIN a new record is written under: the one the source gave when it carries this NDC,
 * else the unit-level GTIN of the NDC's 10-digit form (`ndc10` from the catalog says which
 * layout when more than one fits).
 */
export function recordGtin(ndc11: string, given: string | null, catalogNdc10: string | null): string {
  if (given) {
    const p = parseGtin(given);
    if (p.ok) {
      const digits = ndc10DigitsFromGtin(p.gtin14);
      if (digits && ndc10DigitsOf(ndc11).some((d) => d.digits === digits)) return p.gtin14;
    }
  }
  const forms = ndc10DigitsOf(ndc11);
  const fromCatalog = catalogNdc10 ? forms.find((f) => f.digits === catalogNdc10.replace(/-/g, '')) : undefined;
  const chosen = fromCatalog ?? forms[0];
  return chosen ? GTIN_BODY(0, chosen.digits) : `ndc:${ndc11}`;
}

/** Reads and writes the DSCSA serial register. Statements are prepared once per database. */
export class SerialRegister {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      received: db.prepare<[string, string], SerialRecord>(
        `SELECT gtin, serial, ndc, lot, session_id, entry_device_id, entry_seq, received_at FROM dscsa_serials
          WHERE serial = ? AND gtin IN (SELECT value FROM json_each(?)) LIMIT 1`,
      ),
      lastMove: db.prepare<[string, string], { type: string; event_time: string; device_id: string; seq: number }>(
        `SELECT type, event_time, device_id, seq FROM ledger_entries
          WHERE ndc = ? AND type IN ('DISPENSE', 'RETURN') AND json_extract(body, '$.serial') = ?
          ORDER BY event_time DESC, recorded_at DESC, seq DESC LIMIT 1`,
      ),
      insert: db.prepare(
        'INSERT INTO dscsa_serials (gtin, serial, ndc, lot, expiry, session_id, entry_device_id, entry_seq, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      catalogNdc10: (() => {
        const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'catalog_packages'").get();
        return table ? db.prepare<[string], { ndc10: string }>('SELECT ndc10 FROM catalog_packages WHERE ndc11 = ?') : null;
      })(),
    };
  }

  /** The record of this unit (any GTIN of its product), or null. */
  received(gtins: readonly string[], serial: string): SerialRecord | null {
    return this.stmts.received.get(serial, JSON.stringify(gtins)) ?? null;
  }

  /** Whether a unit with this GTIN (any packaging level of its NDC) and serial was received into stock. */
  isOnRecord(gtin: string, serial: string): boolean {
    const digits = ndc10DigitsFromGtin(gtin);
    return this.received(digits ? gtinsForDigits(digits) : [gtin], serial) !== null;
  }

  /** The latest DISPENSE or RETURN entry that names this serial, or null. */
  lastMovement(ndc11: string, serial: string): { type: string; event_time: string; device_id: string; seq: number } | null {
    return this.stmts.lastMove.get(ndc11, serial) ?? null;
  }

  catalogNdc10(ndc11: string): string | null {
    return this.stmts.catalogNdc10?.get(ndc11)?.ndc10 ?? null;
  }

  /** Records a unit with the entry that brought it in. Throws on a unit already on record (the savepoint rolls back). */
  record(claim: SerialClaim, sessionId: string, entry: { device_id: string; seq: number }, at: string): void {
    this.stmts.insert.run(claim.gtin, claim.serial, claim.ndc11, claim.lot, claim.expiry, sessionId, entry.device_id, entry.seq, at);
  }
}
