import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ChannelOutput } from '../../shared/ipc/contract';
import { invoke } from '../api/client';
import { asRxError } from '../state/session-store';
import { FieldError, focusProblemField, invalidProps } from '../ui/FieldError';
import { fieldProblems } from '../ui/field-problems';
import { takeRegistrantRequest } from './open-registrant';

const FIELDS = ['name', 'address', 'deaNumber'] as const;
type Field = (typeof FIELDS)[number];
type Registrant = ChannelOutput<'reports.registrant'>;

/**
 * The DEA registrant the records are kept for (what `rxledger facility set` sets): this is the
 * one place to change it; the Reports screen only shows it. The DEA number's check digit is
 * checked by the workstation; each change is audited with the values before and after.
 */
export function RegistrantPanel({ onSaved }: { onSaved?: () => void }) {
  const [form, setForm] = useState({ name: '', address: '', deaNumber: '' });
  const [current, setCurrent] = useState<Registrant | null>(null);
  const [problem, setProblem] = useState<{ byField: Partial<Record<Field, string>>; other: string | null } | null>(null);
  const [saved, setSaved] = useState(false);
  // Until the stored registrant is read, the fields are read-only: typing into them first would
  // be overwritten when it arrives (CI lost a typed DEA number that way on a busy machine).
  const [loaded, setLoaded] = useState(false);
  const refs = { name: useRef<HTMLInputElement>(null), address: useRef<HTMLInputElement>(null), deaNumber: useRef<HTMLInputElement>(null) };

  useEffect(() => {
    const wanted = takeRegistrantRequest();
    void invoke('reports.registrant', {})
      .then((r) => {
        setCurrent(r);
        setForm({ name: r.name ?? '', address: r.address ?? '', deaNumber: r.dea_number ?? '' });
        // Came from Reports' "Change the registrant": the panel is far down the screen; bring it to the person.
        if (wanted) requestAnimationFrame(() => focusProblemField(refs.name.current));
      })
      .catch((err: unknown) => setProblem({ byField: {}, other: asRxError(err).message }))
      .finally(() => setLoaded(true));
  }, []);

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    setProblem(null);
    try {
      const r = await invoke('reports.setRegistrant', form);
      setCurrent(r);
      setForm({ name: r.name ?? '', address: r.address ?? '', deaNumber: r.dea_number ?? '' });
      setSaved(true);
      onSaved?.();
    } catch (err) {
      const p = fieldProblems(asRxError(err).message, FIELDS);
      setProblem(p);
      if (p.first) focusProblemField(refs[p.first].current);
    }
  }

  const at = (f: Field) => problem?.byField[f] ?? null;
  const input = (f: Field, label: string, placeholder?: string) => (
    <div className="field">
      <label className="field-label" htmlFor={`registrant-${f}`}>
        {label}
      </label>
      <input
        id={`registrant-${f}`}
        ref={refs[f]}
        autoComplete="off"
        value={form[f]}
        placeholder={placeholder}
        readOnly={!loaded}
        onChange={(e) => {
          setForm((x) => ({ ...x, [f]: f === 'deaNumber' ? e.target.value.toUpperCase() : e.target.value }));
          setSaved(false);
        }}
        data-testid={`registrant-${f}`}
        {...invalidProps(`registrant-${f}`, at(f))}
      />
      <FieldError fieldId={`registrant-${f}`} problem={at(f)} testId={`registrant-${f}-problem`} />
    </div>
  );

  return (
    <form onSubmit={(e) => void save(e)} aria-label="DEA registrant" aria-busy={!loaded} data-testid="registrant-panel">
      <h2>DEA registrant</h2>
      {current?.problem ? (
        <p className="banner banner-warning" role="status" data-testid="registrant-panel-problem">
          {current.problem}: DEA records cannot be exported until it is set.
        </p>
      ) : null}
      {input('name', 'Name on the DEA registration')}
      {input('address', 'Registered address')}
      {input('deaNumber', 'DEA registration number (two letters, seven digits; the last is the check digit)', 'AB1234563')}
      {problem?.other ? (
        <p className="field-problem" role="alert" data-testid="registrant-panel-error">
          {problem.other}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={!loaded} data-testid="registrant-save">
        Save registrant
      </button>
      {saved ? (
        <p className="muted" role="status" data-testid="registrant-saved">
          Saved; recorded in the audit trail.
        </p>
      ) : null}
    </form>
  );
}
