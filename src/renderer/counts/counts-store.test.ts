import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { RxError, type Channel, type ChannelInput, type ChannelOutput } from '../../shared/ipc/contract';
import type { CountScanEvent, CountView } from '../../shared/ipc/counts-channels';
import type { Invoke } from '../api/client';
import { startScanFeed } from '../scan/scan-feed';
import { createCountsStore, type CountsStore } from './counts-store';
import { CountDrafts, type CountDraftStore } from './draft-db';
import { emptyDraft } from './draft';

const count: CountView = {
  count_id: 'C-1',
  facility_id: 'MAIN01',
  scope: { kind: 'all_cii' },
  scope_label: 'All CII',
  blind: true,
  items: [
    { ndc: '00002-1200-30', lot: 'A1', schedule: 'CII', name: null, expiry: null, location: null, expected_now: null },
    { ndc: '00002-1200-30', lot: 'B2', schedule: 'CII', name: null, expiry: null, location: null, expected_now: null },
  ],
  created_by: 'tina',
  created_at: '2026-11-05T10:00:00.000Z',
  status: 'open',
  submitted_by: null,
  submitted_at: null,
  tolerance_version: null,
};
const T = '2026-11-05T10:05:00.000Z';
const A1 = '00002-1200-30|A1';
const B2 = '00002-1200-30|B2';
const REVIEW = { count: { ...count, status: 'submitted' }, policy: null, lines: [] } as unknown as ChannelOutput<'counts.review'>;

/** A fake main process for the counts channels; `fail` makes a channel throw. */
function fakeMain(fail: Partial<Record<Channel, RxError>> = {}) {
  const calls: { channel: string; input: unknown }[] = [];
  const scans: CountScanEvent[][] = [];
  const waiters: (() => void)[] = [];
  const invoke = (async <C extends Channel>(channel: C, input: ChannelInput<C>) => {
    calls.push({ channel, input });
    const err = fail[channel];
    if (err) throw err;
    const answer = async (): Promise<unknown> => {
      switch (channel) {
        case 'counts.create':
          return count;
        case 'counts.submit':
          return { count, results: [] };
        case 'counts.review':
          return REVIEW;
        case 'counts.cancel':
          return { ok: true };
        case 'counts.scanTarget':
          return { activeWorkflow: 'counts' };
        case 'counts.waitForScans': {
          while (!scans.length) await new Promise<void>((r) => waiters.push(r));
          const events = scans.shift()!;
          return { cursor: events.at(-1)?.id ?? 0, events, active: true };
        }
        default:
          throw new Error(`unexpected ${channel}`);
      }
    };
    return (await answer()) as ChannelOutput<C>;
  }) as Invoke;
  return {
    invoke,
    calls,
    channels: () => calls.map((c) => c.channel),
    scan(events: CountScanEvent[]) {
      scans.push(events);
      waiters.splice(0).forEach((w) => w());
    },
  };
}

const scanEvent = (id: number, raw: string): CountScanEvent => ({ id, count_id: 'C-1', raw, scanner_id: 'usb-1', source: 'hid-pos', received_at: T, ok: true, ndc: null, lot: null, expiry: null, serial: null, error: null });
const flush = () => new Promise((r) => setTimeout(r, 0));
/** Opening IndexedDB takes more than one turn: wait for the answer as the screen does ("Loading…"). */
const loaded = async (store: CountsStore) => {
  while (!store.getState().loaded) await flush();
};
let dbSeq = 0;
const freshDrafts = () => new CountDrafts(`counts-store-test-${++dbSeq}-${Math.random()}`);

async function started(main = fakeMain(), drafts: CountDraftStore = freshDrafts()) {
  const store = createCountsStore({ invoke: main.invoke, drafts, now: () => T });
  store.getState().load('MAIN01', 'tina');
  await loaded(store);
  await store.getState().start({ kind: 'all_cii' }, true, 'tina');
  return { store, main, drafts };
}

describe('counts store', () => {
  it('starts a count as a draft saved on this computer, which the next screen resumes', async () => {
    const drafts = freshDrafts();
    const { store } = await started(fakeMain(), drafts);
    expect(store.getState()).toMatchObject({ loaded: true, busy: false, error: null, review: null, savedAt: T });
    expect(store.getState().draft).toEqual(emptyDraft(count, 'tina', T));
    store.getState().typeCount(A1, '97');
    await flush();
    const next = createCountsStore({ invoke: fakeMain().invoke, drafts });
    next.getState().load('MAIN01', 'tina');
    await loaded(next);
    expect(next.getState()).toMatchObject({ loaded: true, savedAt: T });
    expect(next.getState().draft?.lines[A1]).toMatchObject({ text: '97', counted: 97 });
    // Another user's screen finds no count of theirs.
    const pat = createCountsStore({ invoke: fakeMain().invoke, drafts });
    pat.getState().load('MAIN01', 'pat');
    await loaded(pat);
    expect(pat.getState()).toMatchObject({ loaded: true, draft: null });
  });

  it('an answer for a user who is no longer on screen is dropped; a draft store that cannot be read is said', async () => {
    const drafts = freshDrafts();
    await drafts.save(emptyDraft(count, 'tina', T));
    const store = createCountsStore({ invoke: fakeMain().invoke, drafts });
    const abandon = store.getState().load('MAIN01', 'tina');
    abandon();
    // The answer comes (a second load shows it is there) but the abandoned one changes nothing.
    const other = createCountsStore({ invoke: fakeMain().invoke, drafts });
    other.getState().load('MAIN01', 'tina');
    await loaded(other);
    expect(other.getState().draft?.countId).toBe('C-1');
    await flush();
    expect(store.getState()).toMatchObject({ loaded: false, draft: null });

    const broken: CountDraftStore = { current: async () => Promise.reject(new Error('IndexedDB is disabled')), save: async () => {}, get: async () => null, discard: async () => {} };
    const b = createCountsStore({ invoke: fakeMain().invoke, drafts: broken });
    b.getState().load('MAIN01', 'tina');
    await loaded(b);
    expect(b.getState().loaded).toBe(true);
    expect(b.getState().error?.message).toBe('The count drafts on this computer cannot be read: IndexedDB is disabled');
  });

  it('a change that cannot be saved is shown on screen and kept in the sheet', async () => {
    const failing: CountDraftStore = { save: async () => Promise.reject(new Error('quota exceeded')), get: async () => null, current: async () => null, discard: async () => {} };
    const { store } = await started(fakeMain(), failing);
    store.getState().typeCount(A1, '12');
    await flush();
    expect(store.getState().draft?.lines[A1]?.counted).toBe(12);
    expect(store.getState().error?.message).toBe('This change could not be saved on this computer: quota exceeded');
  });

  it('Submit names the fields that hold no count and focuses the first; then the lines not counted yet', async () => {
    const { store, main } = await started();
    store.getState().typeCount(A1, 'abc');
    await store.getState().submit();
    expect(store.getState().focusRequest).toEqual({ key: A1, select: false });
    expect(store.getState().error).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/^Not submitted: 00002-1200-30 lot A1: numbers only.*Correct the marked field\.$/) });
    store.getState().typeCount(A1, '97');
    expect(store.getState().error).toBeNull();
    await store.getState().submit();
    expect(store.getState().error?.message).toBe('Not counted yet: 00002-1200-30 lot B2. Enter 0 for what is not on the shelf.');
    expect(main.channels()).not.toContain('counts.submit');
  });

  it('a submitted count shows its review and its draft is gone; a refused submission keeps the draft', async () => {
    const refusing = fakeMain({ 'counts.submit': new RxError('UNAVAILABLE', 'The workstation service is not answering') });
    const kept = await started(refusing);
    kept.store.getState().typeCount(A1, '97');
    kept.store.getState().typeCount(B2, '0');
    await kept.store.getState().submit();
    expect(kept.store.getState()).toMatchObject({ busy: false, review: null, error: { code: 'UNAVAILABLE' } });
    expect(await kept.drafts.get('C-1')).not.toBeNull();

    const { store, main, drafts } = await started();
    store.getState().typeCount(A1, '97');
    expect(store.getState().applyContainers(B2, { full: 1, size: 30, partials: [20] })).toBe(true);
    await store.getState().submit();
    expect(main.calls.find((c) => c.channel === 'counts.submit')?.input).toMatchObject({
      countId: 'C-1',
      lines: [
        { ndc: '00002-1200-30', lot: 'A1', counted: 97, method: 'keypad', containers: null },
        { ndc: '00002-1200-30', lot: 'B2', counted: 50, containers: { full_containers: 1, units_per_container: 30, partial_units: [20] } },
      ],
    });
    expect(store.getState()).toMatchObject({ draft: null, review: REVIEW, error: null, busy: false });
    expect(await drafts.get('C-1')).toBeNull();
    store.getState().closeReview();
    expect(store.getState().review).toBeNull();
  });

  it('a count typed just before a reload is not lost: the draft is mirrored synchronously before IndexedDB has it; a submission clears both copies', async () => {
    const storage = new Map<string, string>();
    const mirror = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) };
    const name = `counts-mirror-${++dbSeq}-${Math.random()}`;
    let tick = 0;
    const now = () => `2026-12-02T10:00:${String(tick++).padStart(2, '0')}.000Z`;
    const main = fakeMain();
    const a = createCountsStore({ invoke: main.invoke, drafts: new CountDrafts(name, mirror), now });
    a.getState().load('MAIN01', 'tina');
    await loaded(a);
    await a.getState().start({ kind: 'all_cii' }, true, 'tina');
    while (!a.getState().savedAt) await flush();
    const before = a.getState().draft!;
    a.getState().typeCount(A1, '97'); // no await: the page goes away now
    // IndexedDB's write is lost with the page (the older draft put back, as an aborted transaction leaves it); the mirror has it.
    const idb = new CountDrafts(name);
    while ((await idb.get('C-1'))?.lines[A1]?.text !== '97') await flush();
    await idb.save(before);
    expect((await idb.get('C-1'))?.lines[A1]?.text).toBe('');
    const b = createCountsStore({ invoke: main.invoke, drafts: new CountDrafts(name, mirror), now });
    b.getState().load('MAIN01', 'tina');
    await loaded(b);
    expect(b.getState().draft?.lines[A1]).toMatchObject({ text: '97', counted: 97 });
    // Without the mirror the same reload would have lost it: IndexedDB alone has the older draft.
    const c = createCountsStore({ invoke: main.invoke, drafts: new CountDrafts(name), now });
    c.getState().load('MAIN01', 'tina');
    await loaded(c);
    expect(c.getState().draft?.lines[A1]?.text).toBe('');
    b.getState().typeCount(B2, '0');
    await b.getState().submit();
    expect(b.getState().review).toEqual(REVIEW);
    expect(storage.size).toBe(0);
    expect(await new CountDrafts(name, mirror).current('MAIN01', 'tina')).toBeNull();
  });

  it('containers that are not whole numbers are refused and the line is left as it was', async () => {
    const { store } = await started();
    expect(store.getState().applyContainers(B2, { full: 1, size: 0, partials: [] })).toBe(false);
    expect(store.getState().error).toMatchObject({ code: 'BAD_INPUT' });
    expect(store.getState().draft?.lines[B2]?.counted).toBeNull();
  });

  it('cancelling a count the workstation already closed still drops its draft; other refusals keep it', async () => {
    const gone = await started(fakeMain({ 'counts.cancel': new RxError('CONFLICT', 'Count C-1 is already submitted') }));
    await gone.store.getState().cancel();
    expect(gone.store.getState()).toMatchObject({ draft: null, error: null });
    expect(await gone.drafts.get('C-1')).toBeNull();

    const offline = await started(fakeMain({ 'counts.cancel': new RxError('UNAVAILABLE', 'not answering') }));
    await offline.store.getState().cancel();
    expect(offline.store.getState().draft?.countId).toBe('C-1');
    expect(offline.store.getState().error?.code).toBe('UNAVAILABLE');
  });

  it('a scan selects its line for the keypad (text selected); a code not in the count is said at the scan field', async () => {
    const { store } = await started();
    await store.getState().applyScan('(01)00300021200305(10)B2');
    expect(store.getState().draft).toMatchObject({ focus: B2, lines: { [B2]: { method: 'scan' } } });
    expect(store.getState().focusRequest).toEqual({ key: B2, select: true });
    expect(store.getState().scanNote).toBeNull();
    await store.getState().applyScan('(01)00300021200305(10)ZZ');
    expect(store.getState().scanNote).toMatch(/lot ZZ is not in this count/);
    // What is typed after a scan keeps the scan as the method.
    store.getState().typeCount(B2, '7');
    expect(store.getState().draft?.lines[B2]).toMatchObject({ counted: 7, method: 'scan' });
  });

  it('USB scans reach the count on screen through its scan feed, each applied as if typed; leaving tells the workstation', async () => {
    const { store, main } = await started();
    const stop = startScanFeed(store.getState().scanFeed('C-1'));
    await flush();
    expect(main.calls.slice(-2)).toEqual([
      { channel: 'counts.scanTarget', input: { countId: 'C-1' } },
      { channel: 'counts.waitForScans', input: { countId: 'C-1', after: null, timeoutMs: 0 } },
    ]);
    main.scan([scanEvent(3, '(01)00300021200305(10)B2')]);
    for (let i = 0; i < 5; i++) await flush();
    expect(store.getState().focusRequest).toEqual({ key: B2, select: true });
    expect(store.getState().scannerNote).toMatch(/^Scanned on usb-1 at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(main.calls.at(-1)).toEqual({ channel: 'counts.waitForScans', input: { countId: 'C-1', after: 3, timeoutMs: 20_000 } });
    stop();
    expect(main.calls.at(-1)).toEqual({ channel: 'counts.scanTarget', input: { countId: null, leaving: 'C-1' } });
  });

  it('a count USB scanners cannot reach says so, and nothing is polled', async () => {
    const main = fakeMain({ 'counts.scanTarget': new RxError('FORBIDDEN', 'Count C-1 was started by pat: only they can scan into it.') });
    const { store } = await started(main);
    startScanFeed(store.getState().scanFeed('C-1'));
    await flush();
    expect(store.getState().scannerNote).toBe('USB scanners cannot reach this count: Count C-1 was started by pat: only they can scan into it.');
    expect(main.channels()).not.toContain('counts.waitForScans');
  });

  it('a new count starts without the notes of the last one', async () => {
    const { store } = await started();
    await store.getState().applyScan('11111-2222-33');
    expect(store.getState().scanNote).not.toBeNull();
    await store.getState().cancel();
    expect(store.getState().scanNote).toBeNull();
    await store.getState().start({ kind: 'all_cii' }, false, 'tina');
    expect(store.getState()).toMatchObject({ scanNote: null, scannerNote: null, focusRequest: null });
    expect(store.getState().draft?.countId).toBe('C-1');
  });
});
