import { createStore } from 'zustand/vanilla';
import type { CountScope } from '../../shared/counts';
import { decodeScan } from '../../shared/identifiers';
import { RxError, type ChannelOutput } from '../../shared/ipc/contract';
import type { Invoke } from '../api/client';
import { formatLocalDateTime } from '../format/time';
import type { ScanFeed } from '../scan/scan-feed';
import { asRxError } from '../state/session-store';
import type { Containers } from './containers-form';
import type { CountDraftStore } from './draft-db';
import { emptyDraft, lineForScan, linesToSubmit, markScanned, setContainers, setCounted, type CountDraft } from './draft';

export type Review = ChannelOutput<'counts.review'>;
export type CountScanAnswer = ChannelOutput<'counts.waitForScans'>;

export interface CountsState {
  /** The user's current draft has been looked for (found or not). */
  loaded: boolean;
  /** The count being entered; kept in IndexedDB after every change. */
  draft: CountDraft | null;
  /** When the draft was last saved on this computer. */
  savedAt: string | null;
  /** The review of the count just submitted. */
  review: Review | null;
  error: RxError | null;
  busy: boolean;
  /** Why the last scan (typed, wedge or USB) selected no line. */
  scanNote: string | null;
  /** The last scan from a USB scanner, or why they cannot reach this count. */
  scannerNote: string | null;
  /** The line whose field should take the focus (`select`: its text selected, to type over). A new object each time. */
  focusRequest: { key: string; select: boolean } | null;

  /** Looks for the user's current draft; returns the function that abandons the answer (the user changed, the screen left). */
  load(facilityId: string, userId: string): () => void;
  start(scope: CountScope, blind: boolean, userId: string): Promise<void>;
  /** The units field of a line as typed. */
  typeCount(key: string, text: string): void;
  /** Counted by containers; false (and the error shown) when refused. */
  applyContainers(key: string, c: Containers): boolean;
  /** A scan, typed in the scan field or from a scanner: selects its line for the keypad. */
  applyScan(raw: string): Promise<void>;
  submit(): Promise<void>;
  cancel(): Promise<void>;
  /** "New count" after a review. */
  closeReview(): void;
  /** The scan feed of the count on screen, for useScanFeed: each scan is applied as if typed in the scan field. */
  scanFeed(countId: string): ScanFeed<CountScanAnswer>;
}

export interface CountsDeps {
  invoke: Invoke;
  drafts: CountDraftStore;
  now?: () => string;
}

/**
 * The Counts screen's state and what can be done with it, as the receiving store is for
 * Receiving. One store per time the screen is shown: what must outlive it (the draft, and which
 * count the user was working on) is in IndexedDB, so it is resumed when the screen comes back.
 */
export function createCountsStore(deps: CountsDeps) {
  const now = deps.now ?? (() => new Date().toISOString());

  return createStore<CountsState>()((set, get) => {
    /** Every change goes to IndexedDB before anything else happens. */
    const update = async (next: CountDraft) => {
      set({ draft: next });
      try {
        await deps.drafts.save(next);
        set({ savedAt: next.updatedAt });
      } catch (err) {
        set({ error: new RxError('INTERNAL', `This change could not be saved on this computer: ${(err as Error).message}`) });
      }
    };

    /** The count on screen is finished with (submitted, cancelled): its notes go with it. */
    const noCount = { draft: null, scanNote: null, scannerNote: null, focusRequest: null } as const;

    return {
      loaded: false,
      draft: null,
      savedAt: null,
      review: null,
      error: null,
      busy: false,
      scanNote: null,
      scannerNote: null,
      focusRequest: null,

      load(facilityId, userId) {
        let live = true;
        deps.drafts
          .current(facilityId, userId)
          .then((d) => {
            if (!live) return;
            set({ draft: d, savedAt: d?.updatedAt ?? null, loaded: true });
          })
          .catch((err: unknown) => {
            set({ error: new RxError('INTERNAL', `The count drafts on this computer cannot be read: ${(err as Error).message}`), loaded: true });
          });
        return () => {
          live = false;
        };
      },

      async start(scope, blind, userId) {
        set({ busy: true });
        try {
          const c = await deps.invoke('counts.create', { scope, blind });
          set({ review: null, scanNote: null, scannerNote: null, focusRequest: null });
          await update(emptyDraft(c, userId, now()));
          set({ error: null });
        } catch (err) {
          set({ error: asRxError(err) });
        } finally {
          set({ busy: false });
        }
      },

      typeCount(key, text) {
        const d = get().draft;
        const line = d?.lines[key];
        if (!d || !line) return;
        const r = setCounted(d, key, text, line.method, now());
        set({ error: null });
        void update(r.draft);
      },

      applyContainers(key, c) {
        const d = get().draft;
        if (!d) return false;
        const r = setContainers(d, key, c, now());
        set({ error: r.ok ? null : new RxError('BAD_INPUT', r.error) });
        if (r.ok) void update(r.draft);
        return r.ok;
      },

      async applyScan(raw) {
        const d = get().draft;
        if (!d) return;
        const known = new Set(d.items.map((i) => i.ndc));
        const hit = lineForScan(d, decodeScan(raw, { isKnownNdc: (n) => known.has(n) }));
        if (!hit.ok) {
          set({ scanNote: hit.error });
          return;
        }
        set({ scanNote: null });
        await update(markScanned(d, hit.key, now()));
        set({ focusRequest: { key: hit.key, select: true } });
      },

      async submit() {
        const draft = get().draft;
        if (!draft) return;
        const out = linesToSubmit(draft);
        if (!out.ok && out.invalid?.length) {
          set({
            focusRequest: { key: out.invalid[0]!.key, select: false },
            error: new RxError('BAD_INPUT', `Not submitted: ${out.invalid.map((x) => `${x.name}: ${x.problem}`).join('; ')}. Correct the marked field${out.invalid.length === 1 ? '' : 's'}.`),
          });
          return;
        }
        // The first line still to count is brought into view and focused: the message is at the top.
        if (!out.ok)
          return set({
            focusRequest: out.missingKeys[0] ? { key: out.missingKeys[0], select: false } : get().focusRequest,
            error: new RxError('BAD_INPUT', `Not counted yet: ${out.missing.join(', ')}. Enter 0 for what is not on the shelf.`),
          });
        set({ busy: true });
        try {
          await deps.invoke('counts.submit', { countId: draft.countId, lines: out.lines });
          await deps.drafts.discard(draft.countId);
          const review = await deps.invoke('counts.review', { countId: draft.countId });
          set({ ...noCount, review, error: null });
        } catch (err) {
          // The draft stays: nothing is lost, try again when the problem is fixed.
          set({ error: asRxError(err) });
        } finally {
          set({ busy: false });
        }
      },

      async cancel() {
        const draft = get().draft;
        if (!draft) return;
        try {
          await deps.invoke('counts.cancel', { countId: draft.countId }).catch((err: unknown) => {
            if (asRxError(err).code !== 'CONFLICT' && asRxError(err).code !== 'NOT_FOUND') throw err;
          });
          await deps.drafts.discard(draft.countId);
          set(noCount);
        } catch (err) {
          set({ error: asRxError(err) });
        }
      },

      closeReview() {
        set({ review: null });
      },

      scanFeed(countId) {
        return {
          // Scanners on USB (HID POS) and the test hook: the scan router hands their scans to this count while it is on screen.
          open: () => deps.invoke('counts.scanTarget', { countId }),
          openFailed: (err) => set({ scannerNote: `USB scanners cannot reach this count: ${err.message}` }),
          wait: (after) => deps.invoke('counts.waitForScans', { countId, after, timeoutMs: after === null ? 0 : 20_000 }),
          take: async (answer) => {
            for (const e of answer.events) {
              set({ scannerNote: `Scanned on ${e.scanner_id} at ${formatLocalDateTime(e.received_at)}` });
              await get().applyScan(e.raw);
            }
          },
          close: () => void deps.invoke('counts.scanTarget', { countId: null, leaving: countId }).catch(() => {}),
        };
      },
    };
  });
}

export type CountsStore = ReturnType<typeof createCountsStore>;
