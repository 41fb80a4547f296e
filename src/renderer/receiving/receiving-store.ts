import { createStore } from 'zustand/vanilla';
import { RxError, type ChannelInput, type ChannelOutput } from '../../shared/ipc/contract';
import type { ReceivingSessionView, ScanFeedEvent } from '../../shared/ipc/receiving-channels';
import type { Tone } from '../../shared/receiving/match';
import type { ManualPo } from '../../shared/receiving/types';
import type { Invoke } from '../api/client';
import type { ScanFeed } from '../scan/scan-feed';
import type { DraftStore } from './draft-db';

const FEED_KEEP = 60;
export const KEYS = { po: 'manual-po', snapshot: 'snapshot', commit: 'commit-intent' } as const;

export interface PoLineDraft {
  ndc: string;
  quantity: string;
  lot: string;
  expiry: string;
  /** '' = from the catalog; 'none' = not controlled. */
  schedule: '' | 'none' | 'CII' | 'CIII' | 'CIV' | 'CV';
  unitsPerContainer: string;
}

export interface PoDraft {
  supplierName: string;
  supplierAddress: string;
  supplierDea: string;
  poNumber: string;
  orderKind: '' | '222' | 'CSOS';
  orderNumber: string;
  lines: PoLineDraft[];
}

export const emptyLine = (): PoLineDraft => ({ ndc: '', quantity: '1', lot: '', expiry: '', schedule: '', unitsPerContainer: '' });
export const emptyPo = (): PoDraft => ({ supplierName: '', supplierAddress: '', supplierDea: '', poNumber: '', orderKind: '', orderNumber: '', lines: [emptyLine()] });

/** The typed form to the order the main process checks (it has the last word on every field). */
export function poFromDraft(d: PoDraft): ManualPo {
  const opt = (s: string) => (s.trim() === '' ? null : s.trim());
  return {
    supplier: { name: opt(d.supplierName), address: opt(d.supplierAddress), deaNumber: opt(d.supplierDea)?.toUpperCase() ?? null },
    poNumber: d.poNumber.trim(),
    orderForm: d.orderKind && d.orderNumber.trim() ? { kind: d.orderKind, number: d.orderNumber.trim() } : null,
    lines: d.lines
      .filter((l) => l.ndc.trim() !== '')
      .map((l) => ({
        ndc: l.ndc.trim(),
        quantity: Number(l.quantity),
        lot: opt(l.lot),
        expiry: opt(l.expiry),
        ...(l.schedule === '' ? {} : { schedule: l.schedule === 'none' ? null : l.schedule }),
        unitsPerContainer: l.unitsPerContainer.trim() ? Number(l.unitsPerContainer) : null,
      })),
  };
}

export interface Flash {
  seq: number;
  tone: Tone;
  verdict: string;
  message: string;
  scanId: number;
}

interface Snapshot {
  session: ReceivingSessionView | null;
  feed: ScanFeedEvent[];
  cursor: number | null;
}

export interface ReceivingState {
  ready: boolean;
  /** The scan feed is established: a scan from now on is shown (and flashed) as it arrives. */
  listening: boolean;
  session: ReceivingSessionView | null;
  openSessions: { id: string; poNumber: string | null; supplier: string | null; createdAt: string; received: number; expected: number }[];
  feed: ScanFeedEvent[];
  cursor: number | null;
  flash: Flash | null;
  po: PoDraft;
  error: RxError | null;
  /**
   * Where the last error belongs, so it is shown where the person is looking: beside the Start
   * button, the Commit button, or the line whose units per container were being entered (its id).
   * null: the banner at the top.
   */
  errorAt: 'start' | 'file' | 'commit' | number | null;
  busy: boolean;
  init(): Promise<void>;
  /**
   * The scan feed (long poll on receiving.waitForScans) from the cursor the drafts gave back,
   * for useScanFeed once init() is done: a scan that arrives is added to the feed, flashed and
   * sounded; the first answer (what came before the screen listened) is not.
   */
  scanFeed(): ScanFeed<ChannelOutput<'receiving.waitForScans'>>;
  setPo(po: PoDraft): void;
  /** A shipment file read but not yet opened: its preview, and the file kept in memory to open it. */
  preview: { fileName: string; text: string; data: ChannelOutput<'receiving.preview'> } | null;
  previewFile(fileName: string, text: string): Promise<void>;
  clearPreview(): void;
  startFromFile(fileName: string, text: string): Promise<void>;
  startFromPo(): Promise<void>;
  resume(id: string): Promise<void>;
  leave(): Promise<void>;
  updateHeader(patch: Omit<ChannelInput<'receiving.updateHeader'>, 'sessionId'>): Promise<void>;
  /** The review before commit (receiving.review): what would stop it, what a pharmacist must decide. null: not reviewing. */
  review: ChannelOutput<'receiving.review'> | null;
  openReview(): Promise<void>;
  closeReview(): void;
  /** Commits after the review; `decisions` when lines were set aside (a pharmacist's ID and password, never kept). */
  commit(decisions?: ChannelInput<'receiving.commit'>['decisions']): Promise<void>;
  /** The units per container of a line the catalog gives no size for, read off the package. */
  setLineUnits(lineId: number, unitsPerContainer: number, unit: string): Promise<void>;
  cancel(reason: string): Promise<void>;
  /** Takes back what one scan received, before commit (audited; the scan stays in the log). */
  removeScan(scanId: number, reason: string): Promise<void>;
  /** A unit typed by hand; a refusal names its field ("expiry: …") for the form to show beside it. */
  keyed(input: ChannelInput<'receiving.keyed'>): Promise<{ ok: true } | { ok: false; message: string }>;
  dismissError(): void;
}

export interface ReceivingDeps {
  invoke: Invoke;
  drafts: DraftStore;
  feedback: (tone: Tone) => void;
}

const asRx = (err: unknown) => (err instanceof RxError ? err : new RxError('INTERNAL', err instanceof Error ? err.message : String(err)));

export function createReceivingStore(deps: ReceivingDeps) {
  let flashSeq = 0;

  return createStore<ReceivingState>()((set, get) => {
    const saveSnapshot = () => {
      const { session, feed, cursor } = get();
      void deps.drafts.put(KEYS.snapshot, { session, feed, cursor } satisfies Snapshot).catch(() => {});
    };

    const guard = async (fn: () => Promise<void>, where: ReceivingState['errorAt'] = null) => {
      set({ busy: true, error: null, errorAt: null });
      try {
        await fn();
      } catch (err) {
        set({ error: asRx(err), errorAt: where });
      } finally {
        set({ busy: false });
      }
    };

    const refreshList = async () => {
      const r = await deps.invoke('receiving.list', { includeClosed: false });
      set({
        openSessions: r.sessions.map((s) => ({
          id: s.id,
          poNumber: s.poNumber,
          supplier: s.supplier.name,
          createdAt: s.createdAt,
          received: s.totals.received,
          expected: s.totals.expected,
        })),
      });
      return r.activeId;
    };

    const sendCommit = async (sessionId: string, decisions?: ChannelInput<'receiving.commit'>['decisions']) => {
      // The intent lets a reload re-send a commit whose answer never came. One that carries a
      // pharmacist's password is not kept (no password at rest); re-sent without it, it would be refused.
      if (!decisions) await deps.drafts.put(KEYS.commit, { sessionId, at: new Date().toISOString() });
      try {
        const r = await deps.invoke('receiving.commit', { sessionId, ...(decisions ? { decisions } : {}) });
        set({ session: r.session, review: null });
      } catch (err) {
        // A refusal is an answer: nothing to re-send on reload. Only a lost answer keeps the intent.
        if (err instanceof RxError && err.code !== 'UNAVAILABLE' && err.code !== 'INTERNAL') await deps.drafts.delete(KEYS.commit);
        throw err;
      }
      await deps.drafts.delete(KEYS.commit);
      saveSnapshot();
    };

    return {
      ready: false,
      listening: false,
      session: null,
      openSessions: [],
      feed: [],
      cursor: null,
      flash: null,
      po: emptyPo(),
      error: null,
      errorAt: null,
      busy: false,
      review: null,
      preview: null,

      async init() {
        // The draft first, so a reload shows at once what was on screen.
        const typed = get().po;
        const [po, snap] = await Promise.all([deps.drafts.get<PoDraft>(KEYS.po).catch(() => null), deps.drafts.get<Snapshot>(KEYS.snapshot).catch(() => null)]);
        // Not over what was typed while the draft was being read (the screen shown again: the form is live at once).
        set({ ...(po && get().po === typed ? { po } : {}), ...(snap ? { session: snap.session, feed: snap.feed, cursor: snap.cursor } : {}), ready: true });
        try {
          const activeId = await refreshList();
          const intent = await deps.drafts.get<{ sessionId: string }>(KEYS.commit).catch(() => null);
          if (intent) {
            // A commit was sent and the window went away before the answer: send it again (committed once).
            const s = await deps.invoke('receiving.get', { sessionId: intent.sessionId });
            if (s.status === 'open') await sendCommit(intent.sessionId);
            else await deps.drafts.delete(KEYS.commit);
          }
          const current = get().session;
          if (activeId) set({ session: await deps.invoke('receiving.get', { sessionId: activeId }) });
          else if (current) set({ session: await deps.invoke('receiving.get', { sessionId: current.id }) });
          saveSnapshot();
        } catch (err) {
          set({ error: asRx(err), errorAt: null });
        }
      },

      scanFeed() {
        return {
          cursor: get().cursor,
          wait: (after) => deps.invoke('receiving.waitForScans', { after, timeoutMs: 20_000 }),
          take: (r, after) => {
            const seen = new Set(get().feed.map((e) => e.id));
            const fresh = r.events.filter((e) => !seen.has(e.id));
            const live = after !== null;
            const patch: Partial<ReceivingState> = { cursor: r.cursor, feed: [...get().feed, ...fresh].slice(-FEED_KEEP), listening: true };
            const current = get().session;
            if (r.session && (!current || current.id === r.session.id || r.session.active)) patch.session = r.session;
            if (live && fresh.length) {
              const lastEvent = fresh[fresh.length - 1]!;
              patch.flash = { seq: ++flashSeq, tone: lastEvent.tone, verdict: lastEvent.verdict, message: lastEvent.message, scanId: lastEvent.id };
              if (fresh.length <= 3) for (const e of fresh) deps.feedback(e.tone);
              else deps.feedback(fresh.some((e) => e.tone === 'bad') ? 'bad' : fresh.some((e) => e.tone === 'warn') ? 'warn' : 'good');
            }
            set(patch);
            if (fresh.length || patch.session) saveSnapshot();
          },
        };
      },

      setPo(po) {
        set({ po });
        void deps.drafts.put(KEYS.po, po).catch(() => {});
      },

      previewFile: (fileName, text) =>
        guard(async () => {
          set({ preview: { fileName, text, data: await deps.invoke('receiving.preview', { fileName, text }) } });
        }, 'file'),

      clearPreview: () => set({ preview: null, error: null, errorAt: null }),

      startFromFile: (fileName, text) =>
        guard(async () => {
          const s = await deps.invoke('receiving.start', { from: 'file', fileName, text });
          set({ session: s, preview: null });
          saveSnapshot();
          await refreshList();
        }, 'file'),

      startFromPo: () =>
        guard(async () => {
          const s = await deps.invoke('receiving.start', { from: 'manual', po: poFromDraft(get().po) });
          set({ session: s, po: emptyPo() });
          await deps.drafts.delete(KEYS.po);
          saveSnapshot();
          await refreshList();
        }, 'start'),

      resume: (id) =>
        guard(async () => {
          await deps.invoke('receiving.activate', { sessionId: id });
          set({ session: await deps.invoke('receiving.get', { sessionId: id }) });
          saveSnapshot();
        }),

      leave: () =>
        guard(async () => {
          const s = get().session;
          if (s?.active) await deps.invoke('receiving.activate', { sessionId: null });
          set({ session: null, flash: null });
          saveSnapshot();
          await refreshList();
        }),

      updateHeader: (patch) =>
        guard(async () => {
          const s = get().session;
          if (!s) return;
          // What the review showed no longer holds: it is asked again at the next commit.
          set({ session: await deps.invoke('receiving.updateHeader', { sessionId: s.id, ...patch }), review: null });
          saveSnapshot();
        }),

      openReview: () =>
        guard(async () => {
          const s = get().session;
          if (!s) return;
          set({ review: await deps.invoke('receiving.review', { sessionId: s.id }) });
        }, 'commit'),

      closeReview: () => set({ review: null, error: null, errorAt: null }),

      commit: (decisions) =>
        guard(async () => {
          const s = get().session;
          if (!s) return;
          await sendCommit(s.id, decisions);
          await refreshList();
        }, 'commit'),

      removeScan: (scanId, reason) =>
        guard(async () => {
          const s = get().session;
          if (!s) return;
          await deps.invoke('receiving.removeScan', { sessionId: s.id, scanId, reason });
          set({ session: await deps.invoke('receiving.get', { sessionId: s.id }), review: null });
          saveSnapshot();
        }),

      async keyed(input) {
        try {
          await deps.invoke('receiving.keyed', input);
          return { ok: true as const };
        } catch (err) {
          return { ok: false as const, message: asRx(err).message };
        }
      },

      setLineUnits: (lineId, unitsPerContainer, unit) =>
        guard(async () => {
          const s = get().session;
          if (!s) return;
          set({ session: await deps.invoke('receiving.setLineUnits', { sessionId: s.id, lineId, unitsPerContainer, unit }), review: null });
          saveSnapshot();
        }, lineId),

      cancel: (reason) =>
        guard(async () => {
          const s = get().session;
          if (!s) return;
          set({ session: await deps.invoke('receiving.cancel', { sessionId: s.id, reason }) });
          saveSnapshot();
          await refreshList();
        }),

      dismissError() {
        set({ error: null, errorAt: null });
      },
    };
  });
}

export type ReceivingStore = ReturnType<typeof createReceivingStore>;
