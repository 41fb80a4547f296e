import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corporaPresent, corpusPath, repoRoot } from '../../testing/corpora';
import { cli } from '../../testing/run-cli';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import type { Workstation } from '../workstation';
import { memoryCatalog } from './catalog-port';
import { createGate } from './gate';
import { looksLikeX12, ingestX12File } from './x12-file';

const FIX = join(repoRoot, 'src', 'shared', 'edi', 'fixtures');
const bottle = (n: number) => ({ units_per_container: n, unit: 'TABLET', container: 'BOTTLE', source: 'catalog' as const, note: null });
const catalog = memoryCatalog({ '59011-0440-10': 'CII', '00002-1200-30': 'CII' }, { '59011-0440-10': bottle(100), '00002-1200-30': bottle(30) });

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
beforeEach(() => {
  t = tempWorkstation({ seed: { catalog: false, ediSenders: false, handlers: ['tech01'] } });
  ws = t.ws;
  // The fixtures' trading partners, as a pharmacy lists its wholesalers.
  ws.setSetting('ingest.edi_senders', 'ACMEDRUG,WHOLESALER');
});
afterEach(() => t.cleanup());

const ingest = (file: string, withCatalog = true) => {
  const gate = createGate(ws, { catalog: withCatalog ? catalog : null });
  return ingestX12File(file, { gate, facilityId: ws.facilityId, ...(withCatalog ? { isKnownNdc: (n: string) => catalog.isKnownNdc(n) } : {}) });
};

describe('X12 through the ingestion gate', () => {
  it('takes files only from the senders listed in ingest.edi_senders', async () => {
    const f = join(FIX, '5010-856-pharmacy-asn.edi');
    ws.setSetting('ingest.edi_senders', 'WHOLESALER');
    const refused = await ingest(f);
    expect(refused).toMatchObject({ accepted: 0, rejected: 2 });
    expect(refused.problems[0]!.reasons).toContain('UNAUTHORIZED_HANDLER');
    expect(refused.problems[0]!.message).toMatch(/EDI sender ACMEDRUG is not listed in the setting ingest\.edi_senders/);
    // Listed now: the quarantined receipts can be replayed, or the file sent again.
    ws.setSetting('ingest.edi_senders', '["WHOLESALER", "ACMEDRUG"]');
    expect(await ingest(f)).toMatchObject({ accepted: 2, rejected: 0 });
  });

  it('is recognized by content: ISA or ST after an optional BOM and white space', () => {
    expect(looksLikeX12(Buffer.from('\uFEFF\r\n  ISA*00*'))).toBe(true);
    expect(looksLikeX12(Buffer.from('ST*852*0001~'))).toBe(true);
    expect(looksLikeX12(Buffer.from('{"ndc":"0002-1200-30"}'))).toBe(false);
    expect(looksLikeX12(Buffer.from('STATUS report'))).toBe(false);
    // A damaged interchange header is recognised from the segments after it.
    expect(looksLikeX12(Buffer.from('IS*00*          *00*~GS*SH*A*B*20240605*1200*1*X*005010~ST*856*0001~'))).toBe(true);
    expect(looksLikeX12(Buffer.from('GS*SH*4405197800*999999999*20111206*1045*00*X*004060\nST*AAA*0001\n'))).toBe(true);
    expect(looksLikeX12(Buffer.from('{"ndc":"0002-1200-30","note":"~GS*SH*"}'))).toBe(false);
  });

  it('commits an 856 ASN as receipts (lot, expiry, serials, SSCC), and the same file again as duplicates', async () => {
    const f = join(FIX, '5010-856-pharmacy-asn.edi');
    const r = await ingest(f);
    expect(r).toMatchObject({ accepted: 2, duplicates: 0, rejected: 0 });
    const entries = ws.db.prepare("SELECT body FROM ledger_entries WHERE type = 'RECEIPT' ORDER BY seq").all() as { body: string }[];
    const bodies = entries.map((e) => JSON.parse(e.body));
    // SN1*1*2*EA: two packages (bottles of 100) of the NDC the LIN names — 200 tablets.
    expect(bodies[0]).toMatchObject({ ndc: '59011-0440-10', lot: 'LOTA123', expiry: '2026-03-31', quantity: 200, schedule: 'CII', actor: 'edi:ACMEDRUG', source: { kind: 'edi' } });
    expect(bodies[0].data).toMatchObject({ asn: 'ASN778899', purchase_order: 'PO445566', serials: ['SN0001', 'SN0002'], containers: 2, units_per_container: 100, unit: 'TABLET' });
    expect(bodies[1]).toMatchObject({ ndc: '00002-1200-30', lot: 'LOTB77', quantity: 300 });
    expect(await ingest(f)).toMatchObject({ accepted: 0, duplicates: 2, rejected: 0 });
  });

  it('takes the good transaction set of a file and quarantines the bad one whole, with its X12 codes', async () => {
    ws.ledger.appendOne(receipt({ ndc: '59011-0440-10', lot: null, quantity: 500 }));
    const f = join(FIX, 'mixed-good-bad.edi');
    const r = await ingest(f);
    const bad = ws.quarantine.list().find((i) => i.reasons.includes('EDI_REJECTED'))!;
    expect(bad.reasons).toContain('AK5:4');
    expect(ws.quarantine.raw(bad.id)!.toString()).toMatch(/^ST\*852\*0002~[\s\S]*SE\*3\*0002~\n?$/);
    expect(bad.context).toMatchObject({ type: '852', control: '0002', interchangeControl: '000000101' });
    // The good set's movement lines carry no lot: kept in quarantine with that reason, never dropped.
    expect(r.rejected).toBe(3);
    expect(r.ignored).toBe(3);
    expect(ws.quarantine.list().filter((i) => i.reasons.includes('BAD_LOT')).length).toBe(2);
  });

  it('quarantines a file whose interchange header is damaged as one X12 item, not line by line', async () => {
    const text = readFileSync(join(FIX, '5010-856-pharmacy-asn.edi'), 'utf8').replace(/^ISA\*/, 'IS*');
    const f = join(t.dir, '..', 'damaged-isa.edi');
    writeFileSync(f, text);
    ws.close();
    const r = await cli(['ingest', '--data', t.dir, '--as', 'tech01', f, '--json'], 'tech01-password-1\n');
    const out = JSON.parse(r.stdout) as { accepted: number; quarantined: number }[];
    expect(out[0]).toMatchObject({ accepted: 0, quarantined: 1 });
    const list = JSON.parse((await cli(['quarantine', 'list', '--data', t.dir, '--json'])).stdout) as { source: string; reasons: string[] }[];
    expect(list).toHaveLength(1);
    expect(list[0]!.source).toMatch(/^edi:/);
  });

  it('quarantines a line with no NDC and no GTIN with that reason and the set text', async () => {
    const r = await ingest(join(FIX, 'bad-no-product-id.edi'));
    expect(r).toMatchObject({ accepted: 0, rejected: 1 });
    const [item] = ws.quarantine.list();
    expect(item).toMatchObject({ reasons: ['NO_PRODUCT_ID'], source: 'edi:bad-no-product-id.edi' });
    expect(ws.quarantine.raw(item!.id)!.toString()).toContain('LIN*1*VP*ACME-778');
  });

  it('keeps a truncated or unreadable file whole and commits nothing from it', async () => {
    for (const name of ['bad-truncated.edi', 'bad-missing-iea.edi', 'bad-isa13-iea02.edi']) {
      const f = join(FIX, name);
      const r = await ingest(f);
      expect(r.accepted).toBe(0);
      expect(r.rejected).toBeGreaterThan(0);
    }
    expect((ws.db.prepare('SELECT COUNT(*) AS n FROM ledger_entries').get() as { n: number }).n).toBe(0);
  });

  it('rxledger ingest takes X12 files by content and prints accepted, duplicates, quarantined per file', async () => {
    ws.close(); // the CLI opens the folder itself; closing twice is harmless at cleanup
    const f = join(t.dir, '..', 'asn.txt');
    writeFileSync(f, '\uFEFF\n' + readFileSync(join(FIX, 'bad-no-product-id.edi'), 'utf8'));
    const r = await cli(['ingest', '--data', t.dir, '--as', 'tech01', f, '--json'], 'tech01-password-1\n');
    expect(JSON.parse(r.stdout)).toEqual([{ file: f, accepted: 0, duplicates: 0, quarantined: 1, ignored: 0 }]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/NO_PRODUCT_ID/);
    const list = JSON.parse((await cli(['quarantine', 'list', '--data', t.dir, '--json'])).stdout);
    expect(list).toEqual([{ id: 1, source: 'edi:asn.txt', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), reasons: ['NO_PRODUCT_ID'], received_at: expect.any(String), status: 'open' }]);
  });

  it.skipIf(!corporaPresent)('accounts for every transaction set of the shared corpus files', async () => {
    for (const sub of ['852', '856', 'malformed']) {
      const dir = corpusPath('edi', sub);
      for (const name of readdirSync(dir)) {
        const f = join(dir, name);
        if (!statSync(f).isFile()) continue;
        const r = await ingest(f, false);
        expect(r.accepted + r.duplicates + r.rejected + (r.ignored ?? 0), `${sub}/${name}`).toBeGreaterThan(0);
      }
    }
  });
});


describe('X12: nothing silently dropped, counts that match the quarantine', () => {
  it('one quarantine item per refused event, even for several activities of one LIN in one set', async () => {
    // LIN 1 carries QA (on hand, split by SDQ), QS (sold) and QR (received), none with a lot.
    const f = join(FIX, '4010-852-product-activity.edi');
    const r = await ingest(f);
    const items = ws.quarantine.list();
    expect(r.rejected).toBe(2);
    expect(items).toHaveLength(2);
    expect(new Set(r.problems.map((p) => p.quarantine_id)).size).toBe(2);
    expect(items.map((i) => [i.reasons, (i.context as { activity?: string }).activity]).sort()).toEqual([
      [['SCHEMA', 'BAD_LOT'], 'QR'],
      [['SCHEMA', 'BAD_LOT'], 'QS'],
    ]);
    // The same file again finds the same items: no new ones, the same count.
    const again = await ingest(f);
    expect(again.rejected).toBe(2);
    expect(ws.quarantine.list()).toHaveLength(2);
  });

  it('keeps report lines (852 on hand, 846 inventory advice) in the audit trail with the raw text and their quantities', async () => {
    const r852 = await ingest(join(FIX, '4010-852-product-activity.edi'));
    const r846 = await ingest(join(FIX, '4010-846-inventory-advice.edi'));
    expect(r846).toMatchObject({ accepted: 0, rejected: 0 });
    expect(r846.ignored).toBeGreaterThan(0);
    const rows = ws.audit.list({ action: 'EDI_REPORT_LINES_KEPT' });
    expect(rows.map((row) => row.id).sort()).toEqual([...(r852.report_audit_ids ?? []), ...(r846.report_audit_ids ?? [])].sort());
    const advice = rows.find((row) => row.details.type === '846')!;
    expect(advice).toMatchObject({ actor: 'edi:WHOLESALER', target: '4010-846-inventory-advice.edi 846:0001' });
    expect(advice.details.raw).toContain('QTY*17*100*EA~');
    const lines = advice.details.lines as Array<Record<string, unknown>>;
    expect(lines).toHaveLength(r846.ignored!);
    expect(lines[0]).toMatchObject({ kind: 'inventory_advice', product_ids: ['ND:0002120030'], quantity_qualifier: '17' });
    const activity = rows.find((row) => row.details.type === '852')!;
    expect((activity.details.lines as unknown[]).length).toBe(r852.ignored);
    expect(activity.details.raw).toContain('ZA*OH*12*EA~');
    expect(ws.audit.verify().ok).toBe(true);
  });
});
