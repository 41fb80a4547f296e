import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Channel, ChannelInput, ChannelOutput } from '../../shared/ipc/contract';
import type { ReceivingSessionView, ScanFeedEvent } from '../../shared/ipc/receiving-channels';
import type { Tone } from '../../shared/receiving/match';
import type { Invoke } from '../api/client';
import { startScanFeed } from '../scan/scan-feed';
import { DexieDrafts } from './draft-db';
import { createReceivingStore, emptyPo, KEYS, poFromDraft } from './receiving-store';

const session = (over: Partial<ReceivingSessionView> = {}): ReceivingSessionView => ({
  id: 'S1',
  status: 'open',
  active: true,
  kind: 'manual',
  fileName: null,
  documentId: 'PO1',
  supplier: { name: 'Sup', address: 'Addr', deaNumber: 'AB1234563' },
  poNumber: 'PO1',
  orderForm: null,
  shipDate: null,
  createdAt: '2026-11-20T10:00:00Z',
  createdBy: 'tina',
  warnings: [],
  lines: [],
  packs: 0,
  totals: { expected: 2, received: 0, suspect: 0, rejected: 0 },
  policy: { shortDatedDays: 90 },
  commit: null,
  ...over,
});
const ev = (id: number, tone: Tone): ScanFeedEvent => ({ id, at: '', scannerId: 't', source: 'test', raw: `R${id}`, verdict: tone === 'good' ? 'received' : 'duplicate-serial', tone, message: `m${id}`, sessionId: 'S1', lineId: 1, quarantineId: null, units: 1 });

/** A fake main process answering the channels the store uses. */
function fakeMain() {
  const calls: { channel: string; input: unknown }[] = [];
  const queue: { cursor: number; events: ScanFeedEvent[]; session: ReceivingSessionView | null }[] = [];
  let current = session();
  let commits = 0;
  const waiters: (() => void)[] = [];
  const invoke = (async <C extends Channel>(channel: C, input: ChannelInput<C>) => {
    calls.push({ channel, input });
    const answer = async (): Promise<unknown> => {
      switch (channel) {
        case 'receiving.list':
          return { sessions: [current], activeId: current.status === 'open' ? current.id : null };
        case 'receiving.get':
          return current;
        case 'receiving.commit':
          commits++;
          current = session({ status: 'committed', active: false });
          return { session: current, alreadyCommitted: commits > 1 };
        case 'receiving.waitForScans':
          while (!queue.length) await new Promise<void>((r) => waiters.push(r));
          return queue.shift();
        default:
          throw new Error(`unexpected ${channel}`);
      }
    };
    return (await answer()) as ChannelOutput<C>;
  }) as Invoke;
  return {
    invoke,
    calls,
    push(x: (typeof queue)[number]) {
      queue.push(x);
      waiters.splice(0).forEach((w) => w());
    },
    get commits() {
      return commits;
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('receiving draft (Dexie) and scan feed', () => {
  it('the typed PO survives a reload', async () => {
    const main = fakeMain();
    const drafts = new DexieDrafts('rx-test-po');
    const a = createReceivingStore({ invoke: main.invoke, drafts, feedback: () => {} });
    const po = { ...emptyPo(), supplierName: 'Cardinal', poNumber: 'PO-9', lines: [{ ...emptyPo().lines[0]!, ndc: '0002-1200-30', quantity: '3', schedule: 'CII' as const }] };
    a.getState().setPo(po);
    while (!(await drafts.get(KEYS.po))) await flush();
    drafts.close();
    // A new page: a new store on the same IndexedDB.
    const b = createReceivingStore({ invoke: main.invoke, drafts: new DexieDrafts('rx-test-po'), feedback: () => {} });
    await b.getState().init();
    expect(b.getState().po).toEqual(po);
    expect(poFromDraft(b.getState().po)).toMatchObject({ poNumber: 'PO-9', lines: [{ ndc: '0002-1200-30', quantity: 3, schedule: 'CII' }] });
  });

  it('the screen shown again: what is typed while the saved PO is being read is not replaced by it', async () => {
    const main = fakeMain();
    const s = createReceivingStore({ invoke: main.invoke, drafts: new DexieDrafts('rx-test-remount'), feedback: () => {} });
    await s.getState().init();
    const first = { ...emptyPo(), poNumber: 'PO-1' };
    s.getState().setPo(first);
    // Receiving is left and shown again: init() reads the draft (PO-1) while the person types on.
    const again = s.getState().init();
    const typed = { ...first, poNumber: 'PO-12' };
    s.getState().setPo(typed);
    await again;
    expect(s.getState().po).toEqual(typed);
  });

  it('a keystroke followed at once by a reload is not lost: the PO is mirrored synchronously before IndexedDB has it', async () => {
    const main = fakeMain();
    const storage = new Map<string, string>();
    const mirror = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) };
    const a = createReceivingStore({ invoke: main.invoke, drafts: new DexieDrafts('rx-test-mirror', mirror, new Set([KEYS.po])), feedback: () => {} });
    const po = { ...emptyPo(), poNumber: 'PO-10', lines: [{ ...emptyPo().lines[0]!, ndc: '0002-1200-30', quantity: '3', unitsPerContainer: '100' }] };
    a.getState().setPo(po); // no await: the page goes away now
    // IndexedDB's write is lost with the page (removed here, as an aborted transaction would leave it); the mirror has it.
    const idb = new DexieDrafts('rx-test-mirror');
    while (!(await idb.get(KEYS.po))) await flush();
    await idb.delete(KEYS.po);
    const b = createReceivingStore({ invoke: main.invoke, drafts: new DexieDrafts('rx-test-mirror', mirror, new Set([KEYS.po])), feedback: () => {} });
    await b.getState().init();
    expect(b.getState().po).toEqual(po);
    // Deleting the draft (a session started from it) clears both copies.
    const c = new DexieDrafts('rx-test-mirror', mirror, new Set([KEYS.po]));
    await c.delete(KEYS.po);
    expect(storage.size).toBe(0);
    expect(await c.get(KEYS.po)).toBeNull();
  });

  it('a commit cut off by a reload is sent again on the next start (the main process commits it once)', async () => {
    const main = fakeMain();
    const drafts = new DexieDrafts('rx-test-commit');
    await drafts.put(KEYS.commit, { sessionId: 'S1' });
    const s = createReceivingStore({ invoke: main.invoke, drafts, feedback: () => {} });
    await s.getState().init();
    expect(main.commits).toBe(1);
    expect(s.getState().session?.status).toBe('committed');
    expect(await drafts.get(KEYS.commit)).toBeNull();
  });

  it('every scan that arrives flashes and sounds; the restored feed does not', async () => {
    const main = fakeMain();
    const tones: Tone[] = [];
    const s = createReceivingStore({ invoke: main.invoke, drafts: new DexieDrafts('rx-test-feed'), feedback: (t) => tones.push(t) });
    await s.getState().init();
    const stop = startScanFeed(s.getState().scanFeed());
    main.push({ cursor: 5, events: [ev(4, 'good'), ev(5, 'good')], session: session() });
    await flush();
    expect(tones).toEqual([]);
    expect(s.getState().feed.map((e) => e.id)).toEqual([4, 5]);
    main.push({ cursor: 6, events: [ev(6, 'good')], session: session({ totals: { expected: 2, received: 1, suspect: 0, rejected: 0 } }) });
    await flush();
    main.push({ cursor: 7, events: [ev(7, 'bad')], session: session() });
    await flush();
    expect(tones).toEqual(['good', 'bad']);
    expect(s.getState().flash).toMatchObject({ tone: 'bad', scanId: 7, seq: 2 });
    stop();
    // The snapshot (session, feed, cursor) is in IndexedDB for the next page.
    const snap = await new DexieDrafts('rx-test-feed').get<{ cursor: number; feed: ScanFeedEvent[] }>(KEYS.snapshot);
    expect(snap?.cursor).toBe(7);
    expect(snap?.feed.map((e) => e.id)).toEqual([4, 5, 6, 7]);
  });
});
