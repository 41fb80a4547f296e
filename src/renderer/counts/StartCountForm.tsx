import { useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { SCHEDULES, type Schedule } from '../../shared/domain/schedule';
import { useSession } from '../state/stores';
import type { CountsStore } from './counts-store';
import { scopeFromForm, type ScopeKind } from './start-form';

/** What to count (all CII, a schedule, a shelf, NDCs, what expires in a month, recounts) and whether blind. */
export function StartCountForm({ store }: { store: CountsStore }) {
  const userId = useSession((s) => s.session?.userId ?? '');
  const busy = useStore(store, (s) => s.busy);
  const [kind, setKind] = useState<ScopeKind>('all_cii');
  const [schedule, setSchedule] = useState<Schedule>('CII');
  const [location, setLocation] = useState('');
  const [ndcs, setNdcs] = useState('');
  const [month, setMonth] = useState(() => new Date().toISOString().slice(0, 7));
  const [blind, setBlind] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);

  function go(e: FormEvent) {
    e.preventDefault();
    const r = scopeFromForm({ kind, schedule, location, ndcs, month });
    if (!r.ok) return setProblem(r.problem);
    setProblem(null);
    void store.getState().start(r.scope, blind, userId);
  }

  return (
    <form className="count-start" onSubmit={go} data-testid="count-start">
      <h2>Start a count</h2>
      <label className="field">
        <span className="field-label">What to count</span>
        <select data-testid="count-scope" value={kind} onChange={(e) => setKind(e.target.value as ScopeKind)}>
          <option value="all_cii">All CII</option>
          <option value="schedule">A schedule</option>
          <option value="location">A shelf or location</option>
          <option value="ndcs">A list of NDCs</option>
          <option value="expiring">What expires in a month</option>
          <option value="recount">Lines waiting for a recount</option>
        </select>
      </label>
      {kind === 'schedule' ? (
        <label className="field">
          <span className="field-label">Schedule</span>
          <select data-testid="count-schedule" value={schedule} onChange={(e) => setSchedule(e.target.value as Schedule)}>
            {SCHEDULES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      ) : null}
      {kind === 'location' ? (
        <label className="field">
          <span className="field-label">Shelf or location</span>
          <input data-testid="count-location" value={location} onChange={(e) => setLocation(e.target.value)} />
        </label>
      ) : null}
      {kind === 'ndcs' ? (
        <label className="field">
          <span className="field-label">NDCs (separated by spaces or commas)</span>
          <input data-testid="count-ndcs" value={ndcs} onChange={(e) => setNdcs(e.target.value)} spellCheck={false} />
        </label>
      ) : null}
      {kind === 'expiring' ? (
        <label className="field">
          <span className="field-label">Month</span>
          <input type="month" data-testid="count-month" value={month} onChange={(e) => setMonth(e.target.value)} />
        </label>
      ) : null}
      <div className="field">
        <label className="check">
          <input type="checkbox" data-testid="count-blind" checked={blind} onChange={(e) => setBlind(e.target.checked)} /> Blind count (the counter does not see the expected quantity)
        </label>
      </div>
      {problem ? (
        <p className="banner banner-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="count-begin" disabled={busy}>
          Start counting
        </button>
      </div>
    </form>
  );
}
