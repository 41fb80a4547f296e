import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allHandlers } from '../../main/ipc/all-handlers';
import { dispatch, type CallContext } from '../../main/ipc/dispatch';
import { Workstation } from '../../main/workstation';
import { repoRoot } from '../../testing/corpora';
import { cli } from '../../testing/run-cli';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';

const OXY = '65162-0047-10'; // printed on the label as 65162-047-10 (5-3-2); in the shipped catalog sample
const OTHER = '00002-1200-30'; // printed as 0002-1200-30 (4-4-2); not in the catalog

describe('rxledger stock --ndc', () => {
  let tmp: string;
  let data: string;
  beforeEach(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rxl-stock-'));
    data = join(tmp, 'ws');
    expect((await cli(['init', '--data', data, '--facility', 'MAIN01'], 'admin-password-1\n')).code).toBe(0);
    expect((await cli(['catalog', 'import', '--data', data, '--as', 'admin', join(repoRoot, 'resources', 'catalog', 'openfda_ndc_sample.csv')], 'admin-password-1\n')).code).toBe(0);
    const ws = Workstation.open(data);
    try {
      ws.ledger.appendOne(receipt({ ndc: OXY, lot: 'A1', quantity: 40, delta: 40 }));
      ws.ledger.appendOne(receipt({ ndc: OTHER, lot: 'QZ', quantity: 7, delta: 7 }));
    } finally {
      ws.close();
    }
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const stock = async (ndc: string) => {
    const r = await cli(['stock', '--data', data, '--ndc', ndc, '--json']);
    return { ...r, rows: r.code === 0 ? (JSON.parse(r.stdout) as Array<{ ndc: string; on_hand: number }>) : null };
  };

  it('takes the NDC as printed on the label, as 11 digits, or hyphenless 10 digits resolved by the catalog or the stock', async () => {
    for (const form of ['65162-047-10', OXY, '65162004710', '6516204710', 'NDC 65162-047-10']) {
      const r = await stock(form);
      expect(r.code, form).toBe(0);
      expect(r.rows, form).toMatchObject([{ ndc: OXY, on_hand: 40 }]);
    }
    // Not in the catalog, but only one of its layouts is stocked here.
    expect((await stock('0002120030')).rows).toMatchObject([{ ndc: OTHER, on_hand: 7 }]);
    expect((await stock('0002-1200-30')).rows).toMatchObject([{ ndc: OTHER, on_hand: 7 }]);
  });

  it('refuses a malformed or unresolvable NDC with a clear message and exit 2, instead of printing []', async () => {
    const garbage = await stock('garbage');
    expect(garbage.code).toBe(2);
    expect(garbage.stdout).toBe('');
    expect(garbage.stderr).toMatch(/--ndc: "garbage" is not an NDC/);
    const short = await stock('12345');
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/--ndc: "12345" has 5 digits; an NDC has 10, 11 or 12/);
    const unknown = await stock('1234567890');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--ndc: NDC 1234567890 is not in the drug catalog in any layout/);
    expect((await stock('')).code).toBe(2);
  });
});

describe('stock.list and ledger.list read the NDC the same way', () => {
  let t: ReturnType<typeof tempWorkstation>;
  let ws: Workstation;
  beforeEach(() => {
    t = tempWorkstation();
    ws = t.ws;
    ws.ledger.appendOne(receipt({ ndc: OXY, lot: 'A1', quantity: 40, delta: 40 }));
    ws.ledger.appendOne(receipt({ ndc: OTHER, lot: 'QZ', quantity: 7, delta: 7 }));
    ws.users.create({ userId: 'phil', name: 'Phil', role: 'pharmacist', password: 'pharm-password-1', actor: 'test' });
  });
  afterEach(() => t.cleanup());

  async function asPhil() {
    let sessionId: string | null = null;
    const ctx: CallContext = {
      get sessionId() {
        return sessionId;
      },
      setSessionId(id) {
        sessionId = id;
      },
    };
    const host = { mode: 'browser' as const, testHooks: false };
    expect((await dispatch(ws, allHandlers, host, 'auth.signIn', { userId: 'phil', password: 'pharm-password-1' }, ctx)).ok).toBe(true);
    return (channel: string, input: unknown) => dispatch(ws, allHandlers, host, channel, input, ctx) as Promise<{ ok: boolean; result?: never; error?: { code: string; message: string } }>;
  }

  it('ledger.list filters by an NDC in any written form and refuses a malformed one', async () => {
    const call = await asPhil();
    for (const ndc of ['65162-047-10', OXY, '65162004710', '6516204710']) {
      const r = (await call('ledger.list', { ndc })) as unknown as { ok: true; result: { entries: Array<{ ndc: string }> } };
      expect(r.ok, ndc).toBe(true);
      expect(r.result.entries.map((e) => e.ndc), ndc).toEqual([OXY]);
    }
    const all = (await call('ledger.list', { ndc: '  ' })) as unknown as { result: { entries: unknown[] } };
    expect(all.result.entries).toHaveLength(2);
    expect(await call('ledger.list', { ndc: 'garbage' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringMatching(/ndc: "garbage" is not an NDC/) } });
  });

  it('stock.list finds a whole NDC typed as on the label; other searches are taken as typed', async () => {
    const call = await asPhil();
    const rows = async (search: string) => ((await call('stock.list', { search })) as unknown as { result: { rows: Array<{ ndc: string }> } }).result.rows.map((r) => r.ndc);
    expect(await rows('65162-047-10')).toEqual([OXY]);
    expect(await rows('0002-1200-30')).toEqual([OTHER]);
    expect(await rows('65162')).toEqual([OXY]);
    expect(await rows('qz')).toEqual([OTHER]);
  });
});
