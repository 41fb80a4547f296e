import { decodeScan, ndcFromGtin, type ScanResult } from '../../shared/identifiers';
import { cutShortReason } from '../../shared/receiving/cut-short';
import { acceptedMessage, matchUnit, toneOf, VERDICTS, type Flag, type MatchLine, type Tone, type UnitIn, type Verdict } from '../../shared/receiving/match';
import { parseUnitKey, ssccKey, unitKey } from '../../shared/receiving/types';
import { scanText, type ScanEvent } from '../../shared/scan/types';
import type { Workstation } from '../workstation';
import type { ReceivingScanLog, ScanRowIn } from './scan-log';
import type { LineRow, ReceivingSessions, UnitRow } from './session-store';

/** Outcome of one unit (a scan of a unit, or one child of a case). */
interface UnitOutcome {
  verdict: Verdict;
  message: string;
  lineId: number | null;
  quarantineId: number | null;
  added: number;
  skipped?: boolean;
}

interface WorkLine extends MatchLine {
  row: LineRow;
}

const TONE_RANK: Record<Tone, number> = { info: 0, good: 1, warn: 2, bad: 3 };

/**
 * Scan matching: a scan of a unit, a case or a pallet against the session's expected lines —
 * product, lot, expiry and serial checks (DSCSA duplicates quarantined), over/short/unexpected
 * — each unit written, and the scan log row saying what happened.
 */
export class ScanMatcher {
  constructor(
    private readonly ws: Workstation,
    private readonly sessions: ReceivingSessions,
    private readonly log: ReceivingScanLog,
    private readonly policy: { shortDatedDays(): number; today(): string },
  ) {}

  /** One scan against a session's lines: matched, classified and written (in the caller's transaction). */
  process(scan: ScanEvent, sessionId: string): void {
    const scanId = this.log.maxScanId() + 1;
    if (!scan.complete) {
      this.log.write(
        { scan, sessionId, verdict: 'incomplete', message: `${scan.problem ?? 'The scan was cut off before it ended (scanner unplugged?).'} Nothing was received; scan it again. The partial scan was kept.` },
        scanId,
      );
      return;
    }
    const lines: WorkLine[] = this.workLines(sessionId);
    const expectedNdcs = new Set(lines.map((l) => l.ndc).filter((n): n is string => !!n));
    const decoded = decodeScan(scanText(scan), { isKnownNdc: (n) => expectedNdcs.has(n) || this.sessions.catalog.isKnownNdc(n), now: this.ws.clock.now() });
    const write = (verdict: Verdict, message: string, extra: Partial<ScanRowIn> = {}) =>
      this.log.write({ scan, sessionId, verdict, message, decoded, ...extra }, scanId);

    const cut = cutShortReason(scanText(scan), decoded);
    if (cut) {
      write('incomplete', `Scan cut off: ${cut}. Nothing was received; scan it again. The partial scan was kept.`);
      return;
    }
    if (!decoded.ok) {
      write('unreadable', `Bad barcode: ${decoded.error ?? 'it could not be read'} Nothing was received; the raw scan was kept.`);
      return;
    }
    const packKey = decoded.sscc && !decoded.gtin ? ssccKey(decoded.sscc) : decoded.gtin && decoded.serial ? unitKey(decoded.gtin, decoded.serial) : null;
    const pack = packKey ? this.packRow(sessionId, packKey) : undefined;
    if (pack) {
      this.receivePack(scan, scanId, sessionId, pack, lines, decoded);
      return;
    }
    if (decoded.sscc && !decoded.gtin) {
      write('not-a-product', `Case/pallet label ${decoded.sscc} is not in this shipment's data: open it and scan each unit. Nothing was received.`);
      return;
    }
    if (!decoded.gtin && !decoded.ndc) {
      write('not-a-product', 'This code names no product (no GTIN or NDC). Nothing was received; scan the product barcode.');
      return;
    }
    const out = this.receiveUnit(scan, scanId, sessionId, lines, { gtin: decoded.gtin, ndc: decoded.ndc, lot: decoded.lot, expiry: decoded.expiry, serial: decoded.serial }, null);
    write(out.verdict, out.message, { lineId: out.lineId, quarantineId: out.quarantineId, units: out.added });
  }

  private packRow(sessionId: string, key: string) {
    return this.ws.db
      .prepare<[string, string], { key: string; children: string; items: string; received_scan_id: number | null }>(
        'SELECT key, children, items, received_scan_id FROM receiving_packs WHERE session_id = ? AND key = ?',
      )
      .get(sessionId, key);
  }

  private workLines(sessionId: string): WorkLine[] {
    const received = new Map<number, number>();
    for (const r of this.ws.db
      .prepare<[string], { line_id: number; n: number }>(
        "SELECT line_id, SUM(containers) AS n FROM receiving_units WHERE session_id = ? AND status = 'accepted' AND line_id IS NOT NULL GROUP BY line_id",
      )
      .all(sessionId)) {
      received.set(r.line_id, r.n);
    }
    return this.sessions.lines(sessionId).map((row) => ({
      id: row.id,
      ndc: row.ndc,
      gtin: row.gtin,
      expected: row.expected,
      lot: row.lot,
      expiry: row.expiry,
      serials: new Set(JSON.parse(row.serials) as string[]),
      received: received.get(row.id) ?? 0,
      row,
    }));
  }

  private serialSeen(gtin: string, serial: string): string | null {
    // Received into stock from any source (this screen, NDJSON, an 856, a return): the gate's register.
    if (this.ws.gate.serials.isOnRecord(gtin, serial)) return 'ledger';
    const open = this.ws.db
      .prepare<[string, string], { session_id: string }>(
        `SELECT u.session_id FROM receiving_units u JOIN receiving_sessions s ON s.id = u.session_id
          WHERE u.gtin = ? AND u.serial = ? AND u.status = 'accepted' AND s.status != 'cancelled' LIMIT 1`,
      )
      .get(gtin, serial);
    return open?.session_id ?? null;
  }

  private insertUnit(u: {
    sessionId: string;
    lineId: number | null;
    scanId: number;
    status: UnitRow['status'];
    verdict: Verdict;
    unit: UnitIn;
    lot: string | null;
    expiry: string | null;
    flags: readonly Flag[];
    packKey: string | null;
    quarantineId: number | null;
  }): void {
    this.ws.db
      .prepare(
        `INSERT INTO receiving_units (session_id, line_id, scan_id, status, verdict, gtin, ndc, lot, expiry, serial, containers, flags, pack_key, quarantine_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
      )
      .run(u.sessionId, u.lineId, u.scanId, u.status, u.verdict, u.unit.gtin, u.unit.ndc, u.lot, u.expiry, u.unit.serial, JSON.stringify(u.flags), u.packKey, u.quarantineId);
  }

  /** One unit: resolve the product, match, classify, write. Updates `lines` in place. */
  private receiveUnit(scan: ScanEvent, scanId: number, sessionId: string, lines: WorkLine[], unitIn: UnitIn, packKey: string | null): UnitOutcome {
    const unit = { ...unitIn };
    // Product: the NDC from the code (resolved against the shipment and the catalog), else the line with this GTIN.
    if (!unit.ndc && unit.gtin) unit.ndc = lines.find((l) => l.gtin === unit.gtin && l.ndc)?.ndc ?? null;
    if (!unit.ndc) {
      const f = unit.gtin ? ndcFromGtin(unit.gtin) : null;
      const cands = f && f.ok ? ` (its NDC would be ${f.candidates.join(' or ')})` : '';
      return {
        verdict: 'not-in-catalog',
        message: `GTIN ${unit.gtin} is not in the drug catalog${cands} and not on this shipment. Set it aside: nothing was received. The raw scan was kept.`,
        lineId: null,
        quarantineId: null,
        added: 0,
      };
    }
    const onShipment = lines.some((l) => l.ndc === unit.ndc);
    if (this.sessions.catalog.hasRows() && !this.sessions.catalog.isKnownNdc(unit.ndc)) {
      return {
        verdict: 'not-in-catalog',
        message: `NDC ${unit.ndc} is not in the drug catalog${onShipment ? ' (though the shipment lists it)' : ''}: it cannot go into stock until the catalog lists it. Set it aside. The raw scan was kept.`,
        lineId: null,
        quarantineId: null,
        added: 0,
      };
    }
    if (packKey && unit.gtin && unit.serial && this.serialSeen(unit.gtin, unit.serial) === sessionId) {
      // A unit of this case was already scanned on its own: counted once, not a suspect.
      return { verdict: 'received', message: '', lineId: null, quarantineId: null, added: 0, skipped: true };
    }
    const d = matchUnit(unit, { lines, today: this.policy.today(), shortDatedDays: this.policy.shortDatedDays(), serialSeen: (g, s) => this.serialSeen(g, s) });
    const candidate = lines.find((l) => (unit.gtin && l.gtin === unit.gtin) || l.ndc === unit.ndc) ?? null;
    if (!d.accepted) {
      let quarantineId: number | null = null;
      if (d.verdict === 'duplicate-serial') {
        quarantineId = this.ws.quarantine.put({
          source: 'scan:receiving',
          raw: scan.rawBytesHex ? Buffer.from(scan.rawBytesHex, 'hex') : Buffer.from(scan.raw, 'utf8'),
          reasons: ['DUPLICATE_SERIAL'],
          issues: [d.reason],
          context: {
            workflow: 'receiving',
            session_id: sessionId,
            scan_id: scanId,
            scanner_id: scan.scannerId,
            scanned_at: scan.receivedAt,
            raw_text: scan.raw,
            symbology_id: scan.symbologyId,
            gtin: unit.gtin,
            ndc: unit.ndc,
            lot: d.lot,
            expiry: d.expiry,
            serial: unit.serial,
            first_received_in: d.seenIn ?? null,
            case: packKey,
          },
          correlationId: `receiving:${sessionId}:${scanId}`,
          receivedAt: this.ws.clock.now().toISOString(),
        });
      }
      this.insertUnit({
        sessionId,
        lineId: candidate?.id ?? null,
        scanId,
        status: d.verdict === 'duplicate-serial' ? 'suspect' : 'rejected',
        verdict: d.verdict,
        unit,
        lot: d.lot,
        expiry: d.expiry,
        flags: [],
        packKey,
        quarantineId,
      });
      const label = VERDICTS[d.verdict].label;
      return { verdict: d.verdict, message: `${label}: ${d.reason}${d.verdict !== 'duplicate-serial' ? ' The raw scan was kept.' : ''}`, lineId: candidate?.id ?? null, quarantineId, added: 0 };
    }
    let line = d.lineId === null ? null : (lines.find((l) => l.id === d.lineId) ?? null);
    if (!line) line = this.addUnexpectedLine(sessionId, lines, unit);
    this.insertUnit({ sessionId, lineId: line.id, scanId, status: 'accepted', verdict: d.verdict, unit, lot: d.lot, expiry: d.expiry, flags: d.flags, packKey, quarantineId: null });
    line.received += 1;
    const message = acceptedMessage(d, { ndc: line.ndc, name: line.row.name, expected: line.expected, received: line.received, lot: line.lot }, this.policy.shortDatedDays());
    return { verdict: d.verdict, message, lineId: line.id, quarantineId: null, added: 1 };
  }

  private addUnexpectedLine(sessionId: string, lines: WorkLine[], unit: UnitIn): WorkLine {
    const lineNo = Math.max(0, ...lines.map((l) => l.row.line_no)) + 1;
    const cat = unit.ndc ? this.sessions.catalog.lookup(unit.ndc) : null;
    const info = this.ws.db
      .prepare(
        `INSERT INTO receiving_lines (session_id, line_no, origin, ndc, gtin, name, schedule, schedule_known, expected, units_per_container, unit, units_source, lot, expiry, serials)
         VALUES (?, ?, 'unexpected', ?, ?, ?, ?, ?, 0, ?, ?, ?, NULL, NULL, '[]')`,
      )
      .run(
        sessionId,
        lineNo,
        unit.ndc,
        unit.gtin,
        cat?.name ?? null,
        cat?.schedule ?? null,
        cat && cat.schedule !== undefined ? 1 : 0,
        cat?.unitsPerContainer ?? null,
        cat?.unitsPerContainer ? (cat.unit ?? null) : null,
        cat?.unitsPerContainer ? 'catalog' : null,
      );
    const row = this.ws.db.prepare<[number], LineRow>('SELECT * FROM receiving_lines WHERE id = ?').get(Number(info.lastInsertRowid))!;
    const line: WorkLine = { id: row.id, ndc: row.ndc, gtin: row.gtin, expected: 0, lot: null, expiry: null, serials: new Set(), received: 0, row };
    lines.push(line);
    return line;
  }

  /** A case or pallet: every unit inside, through the same checks as a unit scanned alone. */
  private receivePack(
    scan: ScanEvent,
    scanId: number,
    sessionId: string,
    pack: { key: string; children: string; items: string; received_scan_id: number | null },
    lines: WorkLine[],
    decoded: ScanResult,
  ): void {
    const label = pack.key.startsWith('s:') ? `SSCC ${pack.key.slice(2)}` : `case ${parseUnitKey(pack.key)?.serial ?? pack.key}`;
    const write = (verdict: Verdict, message: string, extra: Partial<ScanRowIn> = {}) => this.log.write({ scan, sessionId, verdict, message, decoded, ...extra }, scanId);
    if (pack.received_scan_id !== null) {
      write('case-already-received', `${label} was already received (scan #${pack.received_scan_id}). Nothing was added.`);
      return;
    }
    // Collect the leaves (nested packs expanded) and mark every pack on the way.
    const units: { key: string; packKey: string }[] = [];
    const items: { lineNo: number; quantity: number; packKey: string }[] = [];
    const visited = new Set<string>();
    const expand = (p: { key: string; children: string; items: string }) => {
      if (visited.has(p.key)) return;
      visited.add(p.key);
      for (const it of JSON.parse(p.items) as { lineNo: number; quantity: number }[]) items.push({ ...it, packKey: p.key });
      for (const child of JSON.parse(p.children) as string[]) {
        const sub = this.packRow(sessionId, child);
        if (sub && sub.received_scan_id === null) expand(sub);
        else if (!sub) units.push({ key: child, packKey: p.key });
      }
    };
    expand(pack);
    const outcomes: UnitOutcome[] = [];
    for (const u of units) {
      const k = parseUnitKey(u.key);
      if (!k) continue;
      const line = lines.find((l) => l.gtin === k.gtin && l.serials.has(k.serial)) ?? lines.find((l) => l.gtin === k.gtin) ?? null;
      outcomes.push(
        this.receiveUnit(scan, scanId, sessionId, lines, { gtin: k.gtin, ndc: line?.ndc ?? null, lot: line?.lot ?? null, expiry: line?.expiry ?? null, serial: k.serial }, u.packKey),
      );
    }
    for (const it of items) {
      const line = lines.find((l) => l.row.line_no === it.lineNo && l.row.origin === 'expected');
      if (!line) continue;
      for (let i = 0; i < it.quantity; i++) {
        outcomes.push(this.receiveUnit(scan, scanId, sessionId, lines, { gtin: line.gtin, ndc: line.ndc, lot: line.lot, expiry: line.expiry, serial: null }, it.packKey));
      }
    }
    const mark = this.ws.db.prepare('UPDATE receiving_packs SET received_scan_id = ? WHERE session_id = ? AND key = ?');
    for (const k of visited) mark.run(scanId, sessionId, k);

    const counted = outcomes.filter((o) => !o.skipped);
    const added = counted.reduce((n, o) => n + o.added, 0);
    const already = outcomes.length - counted.length;
    const worst = counted.reduce<UnitOutcome | null>((w, o) => (w === null || TONE_RANK[toneOf(o.verdict)] > TONE_RANK[toneOf(w.verdict)] ? o : w), null);
    const problems = new Map<Verdict, number>();
    for (const o of counted) if (toneOf(o.verdict) !== 'good') problems.set(o.verdict, (problems.get(o.verdict) ?? 0) + 1);
    const tone: Tone = worst ? (toneOf(worst.verdict) === 'good' ? 'good' : toneOf(worst.verdict)) : 'bad';
    const parts = [`${label}: ${added} unit${added === 1 ? '' : 's'} received`];
    if (already) parts.push(`${already} already scanned one by one`);
    for (const [v, n] of problems) parts.push(`${n} ${VERDICTS[v].label.toLowerCase()}`);
    const quarantineId = counted.find((o) => o.quarantineId !== null)?.quarantineId ?? null;
    const lineIds = [...new Set(counted.map((o) => o.lineId).filter((x): x is number => x !== null))];
    write(tone === 'good' ? 'case-received' : (worst?.verdict ?? 'case-received'), parts.join(' · '), {
      tone,
      units: added,
      quarantineId,
      lineId: lineIds.length === 1 ? lineIds[0]! : null,
    });
  }
}
