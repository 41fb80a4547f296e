import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { RxError, StockListRow as StockRow } from '../../shared/ipc/contract';
import { formatLocalDateTime } from '../format/time';
import { invoke } from '../api/client';
import { asRxError } from '../state/session-store';
import { ErrorBanner } from '../ui/ErrorBanner';
import { isSearchShortcut } from '../ui/keys';
import { ScheduleBadge } from '../ui/ScheduleBadge';
import { filterStock, indexStock } from './stock-filter';

/** One call fetches the whole stock of a pharmacy; beyond this the server does the search. */
const FETCH_LIMIT = 20_000;
const ROW_HEIGHT = 52;

interface Loaded {
  rows: StockRow[];
  total: number;
}

export function InventoryScreen() {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<RxError | null>(null);
  const [loading, setLoading] = useState(false);
  const [query, setQuery] = useState('');
  const [serverHits, setServerHits] = useState<{ query: string; rows: StockRow[] } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await invoke('stock.list', { limit: FETCH_LIMIT });
      setLoaded({ rows: r.rows, total: r.total });
      setError(null);
    } catch (err) {
      setError(asRxError(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (!isSearchShortcut(e, e.target as HTMLElement | null)) return;
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const truncated = loaded !== null && loaded.total > loaded.rows.length;
  const deferredQuery = useDeferredValue(query);

  // Only when the stock does not fit in one fetch: otherwise filtering here is instant.
  useEffect(() => {
    const q = deferredQuery.trim();
    if (!truncated || q === '') return setServerHits(null);
    const timer = setTimeout(() => {
      invoke('stock.list', { search: q, limit: FETCH_LIMIT })
        .then((r) => setServerHits({ query: q, rows: r.rows }))
        .catch((err: unknown) => setError(asRxError(err)));
    }, 250);
    return () => clearTimeout(timer);
  }, [deferredQuery, truncated]);

  const index = useMemo(() => indexStock(loaded?.rows ?? []), [loaded]);
  const hiddenNdcs = useMemo(() => new Set((loaded?.rows ?? []).filter((r) => r.on_hand === null).map((r) => r.ndc)).size, [loaded]);
  const visible = useMemo(() => {
    if (truncated && serverHits && serverHits.query === deferredQuery.trim()) return serverHits.rows;
    return filterStock(index, deferredQuery);
  }, [index, deferredQuery, truncated, serverHits]);

  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    useFlushSync: false,
  });

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [deferredQuery]);

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
            autoFocus
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
                scrollRef.current?.focus();
              }
            }}
          />
        </label>
        <button type="button" className="btn" data-testid="inventory-refresh" onClick={() => void load()} disabled={loading}>
          {loading ? 'Loading…' : 'Refresh'}
        </button>
      </div>
      <ErrorBanner error={error} testId="stock-error" onRetry={() => void load()} />
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
          : `${visible.length.toLocaleString('en-US')} of ${loaded.total.toLocaleString('en-US')} NDC/lot rows${
              truncated && deferredQuery.trim() === '' ? ` (first ${loaded.rows.length.toLocaleString('en-US')} shown; search to find the rest)` : ''
            }`}
      </p>
      <div className="grid" role="table" aria-label="Stock on hand" aria-rowcount={visible.length + 1}>
        <div className="grid-row grid-head stock-cols" role="row" aria-rowindex={1}>
          <span role="columnheader">NDC</span>
          <span role="columnheader">Drug</span>
          <span role="columnheader">Lot</span>
          <span role="columnheader">Schedule</span>
          <span role="columnheader" className="num">
            On hand
          </span>
          <span role="columnheader">Last movement</span>
        </div>
        <div ref={scrollRef} className="grid-scroll" tabIndex={0} role="rowgroup" aria-label="Stock rows, scroll with arrow keys and Page Up/Down" data-testid="stock-scroll">
          {loaded !== null && visible.length === 0 ? (
            <p className="empty" data-testid="stock-empty">
              {deferredQuery.trim() ? `Nothing in stock matches "${deferredQuery.trim()}".` : 'No stock on hand yet.'}
            </p>
          ) : null}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const r = visible[v.index];
              if (!r) return null;
              return (
                <div
                  key={`${r.facility_id}|${r.ndc}|${r.lot}`}
                  className={`grid-row stock-cols${r.schedule === 'CII' ? ' row-cii' : ''}`}
                  role="row"
                  aria-rowindex={v.index + 2}
                  data-testid="stock-row"
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }}
                >
                  <span role="cell" className="mono" data-testid="stock-ndc" data-value={r.ndc}>
                    {r.ndc}
                  </span>
                  <span role="cell" className="ellipsis" title={r.name ?? undefined} data-testid="stock-name">
                    {r.name ?? <span className="muted">Not in catalog</span>}
                  </span>
                  <span role="cell" className="mono" data-testid="stock-lot" data-value={r.lot}>
                    {r.lot === '' ? <span className="muted">no lot</span> : r.lot}
                  </span>
                  <span role="cell" data-testid="stock-schedule">
                    <ScheduleBadge schedule={r.schedule} />
                  </span>
                  {r.on_hand === null ? (
                    <span role="cell" className="num muted" data-testid="stock-onhand" data-hidden="true" title={r.hidden ?? undefined}>
                      {r.hidden ?? 'hidden'}
                    </span>
                  ) : (
                    <span role="cell" className={`num${r.on_hand < 0 ? ' negative' : ''}`} data-testid="stock-onhand" data-value={r.on_hand}>
                      {r.on_hand.toLocaleString('en-US')}
                    </span>
                  )}
                  <span role="cell" className="muted" title={r.last_event_time}>
                    {formatLocalDateTime(r.last_event_time)}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
