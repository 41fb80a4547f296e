import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { can } from '../../shared/domain/roles';
import type { RxError, StockListRow as StockRow } from '../../shared/ipc/contract';
import { invoke } from '../api/client';
import { containersNote, formatUnits } from '../format/units';
import { asRxError } from '../state/session-store';
import { useSession } from '../state/stores';
import { useTabMemory } from '../state/tab-memory';
import { ErrorBanner } from '../ui/ErrorBanner';
import { isSearchShortcut } from '../ui/keys';
import { ScheduleBadge } from '../ui/ScheduleBadge';
import { InitialInventoryForm } from './InitialInventoryForm';
import { StockCardDialog, type CardKey } from './StockCard';
import { filterInput, filterStock, indexStock, type StockFilters } from './stock-filter';

/** One call fetches the whole stock of a pharmacy; beyond this the server does the search. */
const FETCH_LIMIT = 20_000;
const ROW_HEIGHT = 56;

interface Loaded {
  rows: StockRow[];
  total: number;
}

const DEFAULT_FILTERS: StockFilters = { onHold: false, expiring: false, days: '90' };
const isFilters = (v: unknown): v is StockFilters =>
  typeof v === 'object' && v !== null && typeof (v as StockFilters).onHold === 'boolean' && typeof (v as StockFilters).expiring === 'boolean' && typeof (v as StockFilters).days === 'string';
const isCardKey = (v: unknown): v is CardKey | null => v === null || (typeof v === 'object' && typeof (v as CardKey).ndc === 'string' && typeof (v as CardKey).lot === 'string');
const isMode = (v: unknown): v is 'list' | 'initial' => v === 'list' || v === 'initial';

function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const rowDomId = (i: number) => `stock-row-${i}`;

export function InventoryScreen() {
  const role = useSession((s) => s.session?.role);
  const mayRecord = role ? can(role, 'ledger.append') : false;
  const [mode, setMode] = useTabMemory<'list' | 'initial'>('rxledger.inventory.mode', 'list', isMode);
  const [card, setCard] = useTabMemory<CardKey | null>('rxledger.inventory.card', null, isCardKey);

  if (mode === 'initial' && mayRecord) {
    return (
      <section className="panel" aria-labelledby="initial-title">
        <InitialInventoryForm
          onBack={() => setMode('list')}
          onOpenCard={(k) => {
            setMode('list');
            setCard(k);
          }}
        />
      </section>
    );
  }
  return <StockList mayRecord={mayRecord} onInitial={() => setMode('initial')} card={card} setCard={setCard} />;
}

function StockList({ mayRecord, onInitial, card, setCard }: { mayRecord: boolean; onInitial: () => void; card: CardKey | null; setCard: (k: CardKey | null) => void }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<RxError | null>(null);
  const [loading, setLoading] = useState(false);
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useTabMemory<StockFilters>('rxledger.inventory.filters', DEFAULT_FILTERS, isFilters);
  const [serverHits, setServerHits] = useState<{ query: string; rows: StockRow[] } | null>(null);
  const [active, setActive] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const pendingFocus = useRef<number | null>(null);
  const request = useRef(0);

  const applied = filterInput(filters);
  const appliedKey = applied.ok ? JSON.stringify(applied.input) : null;
  const [lastGood, setLastGood] = useState<string>('{}');
  const effectiveKey = appliedKey ?? lastGood;

  const load = useCallback(async (key: string) => {
    const id = ++request.current;
    setLoading(true);
    try {
      const r = await invoke('stock.list', { ...(JSON.parse(key) as object), limit: FETCH_LIMIT });
      if (id !== request.current) return;
      setLoaded({ rows: r.rows, total: r.total });
      setError(null);
    } catch (err) {
      if (id === request.current) setError(asRxError(err));
    } finally {
      if (id === request.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (appliedKey !== null) setLastGood(appliedKey);
  }, [appliedKey]);

  useEffect(() => {
    void load(effectiveKey);
  }, [load, effectiveKey]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (card) return;
      if (!isSearchShortcut(e, e.target as HTMLElement | null)) return;
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [card]);

  const truncated = loaded !== null && loaded.total > loaded.rows.length;
  const deferredQuery = useDeferredValue(query);

  // Only when the stock does not fit in one fetch: otherwise filtering here is instant.
  useEffect(() => {
    const q = deferredQuery.trim();
    if (!truncated || q === '') return setServerHits(null);
    const timer = setTimeout(() => {
      invoke('stock.list', { ...(JSON.parse(effectiveKey) as object), search: q, limit: FETCH_LIMIT })
        .then((r) => setServerHits({ query: q, rows: r.rows }))
        .catch((err: unknown) => setError(asRxError(err)));
    }, 250);
    return () => clearTimeout(timer);
  }, [deferredQuery, truncated, effectiveKey]);

  const index = useMemo(() => indexStock(loaded?.rows ?? []), [loaded]);
  const hiddenNdcs = useMemo(() => new Set((loaded?.rows ?? []).filter((r) => r.on_hand === null).map((r) => r.ndc)).size, [loaded]);
  const visible = useMemo(() => {
    if (truncated && serverHits && serverHits.query === deferredQuery.trim()) return serverHits.rows;
    return filterStock(index, deferredQuery);
  }, [index, deferredQuery, truncated, serverHits]);
  // Recomputed with each load, so a screen left open past midnight marks what expired.
  const today = useMemo(() => (loaded ? localToday() : localToday()), [loaded]);

  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    useFlushSync: false,
  });

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
    setActive(0);
  }, [deferredQuery, effectiveKey]);

  // Keyboard focus follows the active row once the virtual list has rendered it.
  useEffect(() => {
    const i = pendingFocus.current;
    if (i === null) return;
    const el = document.getElementById(rowDomId(i));
    if (el) {
      el.focus({ preventScroll: true });
      pendingFocus.current = null;
    }
  });

  const focusRow = useCallback(
    (i: number) => {
      if (visible.length === 0) return;
      const n = Math.max(0, Math.min(visible.length - 1, i));
      setActive(n);
      virtualizer.scrollToIndex(n, { align: 'auto' });
      // Rendered already (on screen or in the overscan): focus it now. Otherwise once the
      // virtual list has rendered it after the scroll.
      const el = document.getElementById(rowDomId(n));
      if (el) {
        el.focus({ preventScroll: true });
        pendingFocus.current = null;
      } else pendingFocus.current = n;
    },
    [visible.length, virtualizer],
  );

  const openCard = (r: StockRow, i: number) => {
    setActive(i);
    setCard({ ndc: r.ndc, lot: r.lot });
  };

  function onRowKey(e: ReactKeyboardEvent, i: number) {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 8) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, PageDown: i + page, PageUp: i - page, Home: 0, End: visible.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      if (e.key === 'ArrowUp' && i === 0) return searchRef.current?.focus();
      focusRow(moves[e.key]!);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const r = visible[i];
      if (r) openCard(r, i);
    }
  }

  const filterProblem = applied.ok ? null : applied.problem;
  const filterWords = [filters.onHold ? 'on hold' : null, filters.expiring && applied.ok ? `expiring within ${filters.days.trim()} days (expired included)` : null].filter(Boolean).join(', ');

  return (
    <section className="panel" aria-labelledby="inventory-title">
      <div className="panel-head">
        <h1 id="inventory-title">Inventory</h1>
        <label className="search">
          <span className="sr-only">Search by NDC, lot or drug name</span>
          <input
            ref={searchRef}
            type="search"
            data-testid="inventory-search"
            placeholder="Search NDC, lot or drug   ( / )"
            aria-keyshortcuts="/"
            autoFocus={!card}
            autoComplete="off"
            spellCheck={false}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && query !== '') {
                e.preventDefault();
                setQuery('');
              } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
                e.preventDefault();
                focusRow(active);
              }
            }}
          />
        </label>
        <button type="button" className="btn" data-testid="inventory-refresh" onClick={() => void load(effectiveKey)} disabled={loading}>
          {loading ? 'Loading…' : 'Refresh'}
        </button>
        {mayRecord ? (
          <button type="button" className="btn" data-testid="initial-open" onClick={onInitial}>
            Initial inventory…
          </button>
        ) : null}
      </div>
      <div className="filter-bar" role="group" aria-label="Filters">
        <label className="check">
          <input type="checkbox" data-testid="filter-on-hold" checked={filters.onHold} onChange={(e) => setFilters({ ...filters, onHold: e.target.checked })} />
          On hold only
        </label>
        <label className="check">
          <input type="checkbox" data-testid="filter-expiring" checked={filters.expiring} onChange={(e) => setFilters({ ...filters, expiring: e.target.checked })} />
          Expires within
        </label>
        <label className="days">
          <span className="sr-only">Number of days</span>
          <input
            data-testid="filter-days"
            inputMode="numeric"
            size={5}
            value={filters.days}
            aria-invalid={filterProblem ? true : undefined}
            aria-describedby={filterProblem ? 'filter-days-problem' : undefined}
            onChange={(e) => setFilters({ ...filters, days: e.target.value, expiring: true })}
          />{' '}
          days
        </label>
        {filterProblem ? (
          <span className="field-problem" id="filter-days-problem" role="alert" data-testid="filter-days-problem">
            {filterProblem}
          </span>
        ) : null}
        {filters.onHold || filters.expiring ? (
          <button type="button" className="btn btn-small" data-testid="filter-clear" onClick={() => setFilters({ ...DEFAULT_FILTERS, days: filters.days })}>
            Clear filters
          </button>
        ) : null}
      </div>
      <ErrorBanner error={error} testId="stock-error" onRetry={() => void load(effectiveKey)} />
      {hiddenNdcs > 0 ? (
        <p className="banner banner-info" role="status" data-testid="stock-blind-note">
          On hand of {hiddenNdcs} NDC{hiddenNdcs === 1 ? '' : 's'} is hidden during your blind count. Submit or cancel the count on the Counts screen to see it again.
        </p>
      ) : null}
      <p className="panel-meta" data-testid="inventory-count" aria-live="polite">
        {loaded === null
          ? loading
            ? 'Loading stock…'
            : ''
          : `${visible.length.toLocaleString('en-US')} of ${loaded.total.toLocaleString('en-US')} NDC/lot rows${filterWords ? ` ${filterWords}` : ''}${
              truncated && deferredQuery.trim() === '' ? ` (first ${loaded.rows.length.toLocaleString('en-US')} shown; search to find the rest)` : ''
            } · Enter or click a row for its stock card`}
      </p>
      <div className="grid" role="grid" aria-label="Stock on hand by NDC and lot" aria-rowcount={visible.length + 1}>
        <div className="grid-row grid-head stock-cols" role="row" aria-rowindex={1}>
          <span role="columnheader">NDC</span>
          <span role="columnheader">Drug</span>
          <span role="columnheader">Lot</span>
          <span role="columnheader">Expiry</span>
          <span role="columnheader" className="num">
            On hand
          </span>
          <span role="columnheader">Schedule</span>
          <span role="columnheader">Status</span>
        </div>
        <div ref={scrollRef} className="grid-scroll" role="rowgroup" aria-label="Stock rows: arrow keys move, Enter opens the stock card" data-testid="stock-scroll">
          {loaded !== null && visible.length === 0 ? (
            <p className="empty" data-testid="stock-empty">
              {deferredQuery.trim() ? `Nothing in stock matches "${deferredQuery.trim()}".` : filterWords ? `Nothing ${filterWords}.` : 'No stock on hand yet.'}
            </p>
          ) : null}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const r = visible[v.index];
              if (!r) return null;
              const expired = r.expiry !== null && r.expiry < today;
              const note = r.on_hand === null ? null : containersNote(r.on_hand, r.units_per_container, r.unit);
              return (
                <div
                  key={`${r.facility_id}|${r.ndc}|${r.lot}`}
                  id={rowDomId(v.index)}
                  className={`grid-row stock-cols stock-row${r.schedule === 'CII' ? ' row-cii' : ''}${r.hold_id ? ' row-held' : ''}${v.index === active ? ' row-active' : ''}`}
                  role="row"
                  tabIndex={v.index === active ? 0 : -1}
                  aria-rowindex={v.index + 2}
                  data-testid="stock-row"
                  data-ndc={r.ndc}
                  data-lot={r.lot}
                  data-held={r.hold_id ? 'true' : undefined}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }}
                  onClick={() => openCard(r, v.index)}
                  onKeyDown={(e) => onRowKey(e, v.index)}
                  onFocus={() => setActive(v.index)}
                >
                  <span role="gridcell" className="mono" data-testid="stock-ndc" data-value={r.ndc}>
                    {r.ndc}
                  </span>
                  <span role="gridcell" className="ellipsis" title={r.name ?? undefined} data-testid="stock-name">
                    {r.name ?? <span className="muted">Not in catalog</span>}
                  </span>
                  <span role="gridcell" className="mono" data-testid="stock-lot" data-value={r.lot}>
                    {r.lot === '' ? <span className="muted">no lot</span> : r.lot}
                  </span>
                  <span role="gridcell" className={`mono${expired ? ' negative' : ''}`} data-testid="stock-expiry" data-value={r.expiry ?? ''}>
                    {r.expiry ?? <span className="muted">—</span>}
                    {expired ? <span className="sr-only"> (expired)</span> : null}
                  </span>
                  {r.on_hand === null ? (
                    <span role="gridcell" className="num muted" data-testid="stock-onhand" data-hidden="true" title={r.hidden ?? undefined}>
                      {r.hidden ?? 'hidden'}
                    </span>
                  ) : (
                    <span role="gridcell" className={`num onhand${r.on_hand < 0 ? ' negative' : ''}`} data-testid="stock-onhand" data-value={r.on_hand} data-unit={r.unit ?? ''}>
                      <span className="onhand-units">{formatUnits(r.on_hand, r.unit)}</span>
                      {note ? (
                        <span className="onhand-containers" data-testid="stock-containers">
                          {note}
                        </span>
                      ) : null}
                    </span>
                  )}
                  <span role="gridcell" data-testid="stock-schedule">
                    <ScheduleBadge schedule={r.schedule} />
                  </span>
                  <span role="gridcell" data-testid="stock-status">
                    {r.hold_id ? (
                      <span className="pill pill-held" data-testid="stock-held" title={`Compliance hold ${r.hold_id}: dispensing refused until a pharmacist signs`}>
                        On hold
                      </span>
                    ) : null}
                    {expired ? (
                      <span className="pill pill-expired" data-testid="stock-expired">
                        Expired
                      </span>
                    ) : null}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {card ? (
        <StockCardDialog
          cardKey={card}
          onClose={() => {
            setCard(null);
            pendingFocus.current = active;
          }}
        />
      ) : null}
    </section>
  );
}
