import { useEffect, useRef, useState, type FormEvent } from 'react';
import { invoke } from '../api/client';
import { asRxError } from '../state/session-store';
import { FieldError, focusProblemField, invalidProps } from '../ui/FieldError';

type Field = 'ediSenders' | 'handlerIds';

const split = (text: string) =>
  text
    .split(/[\n,]/)
    .map((x) => x.trim())
    .filter(Boolean);

/** "ediSenders.2: …" from the workstation's refusal: the list it belongs to, and which entry. */
function fieldOf(message: string, lists: Record<Field, string[]>): { field: Field | null; text: string } {
  const m = /^(ediSenders|handlerIds)\.(\d+): (.*?)(\.)?$/s.exec(message.split('; ')[0] ?? message);
  if (!m) return { field: null, text: message };
  const f = m[1] as Field;
  return { field: f, text: `"${lists[f][Number(m[2])] ?? ''}": ${m[3]}` };
}

/**
 * The trading partners whose EDI files are taken (ISA06 sender IDs) and the handler IDs another
 * system may name, set here rather than with `rxledger ingest --set`. The gate refuses anything
 * else; each change is audited with the lists before and after.
 */
export function PartnersPanel() {
  const [edi, setEdi] = useState('');
  const [handlers, setHandlers] = useState('');
  const [problem, setProblem] = useState<{ field: Field | null; text: string } | null>(null);
  const [saved, setSaved] = useState(false);
  // Read-only until the stored lists arrive, so nothing typed before then is overwritten by them.
  const [loaded, setLoaded] = useState(false);
  const refs = { ediSenders: useRef<HTMLTextAreaElement>(null), handlerIds: useRef<HTMLTextAreaElement>(null) };

  useEffect(() => {
    void invoke('settings.partners', {})
      .then((p) => {
        setEdi(p.ediSenders.join('\n'));
        setHandlers(p.handlerIds.join('\n'));
      })
      .catch((err: unknown) => setProblem({ field: null, text: asRxError(err).message }))
      .finally(() => setLoaded(true));
  }, []);

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    setProblem(null);
    const lists = { ediSenders: split(edi), handlerIds: split(handlers) };
    try {
      const p = await invoke('settings.setPartners', lists);
      setEdi(p.ediSenders.join('\n'));
      setHandlers(p.handlerIds.join('\n'));
      setSaved(true);
    } catch (err) {
      const p = fieldOf(asRxError(err).message, lists);
      setProblem(p);
      if (p.field) focusProblemField(refs[p.field].current);
    }
  }

  const at = (f: Field) => (problem?.field === f ? problem.text : null);
  return (
    <form onSubmit={(e) => void save(e)} aria-label="EDI senders and handler IDs" aria-busy={!loaded} data-testid="partners-panel">
      <h2>EDI senders and handler IDs</h2>
      <div className="field">
        <label className="field-label" htmlFor="partners-edi">
          EDI senders whose files are taken (ISA06 sender ID, one per line; &quot;bare&quot; for files without an envelope)
        </label>
        <textarea id="partners-edi" ref={refs.ediSenders} rows={3} value={edi} readOnly={!loaded} onChange={(e) => setEdi(e.target.value)} data-testid="partners-edi" {...invalidProps('partners-edi', at('ediSenders'))} />
        <FieldError fieldId="partners-edi" problem={at('ediSenders')} testId="partners-edi-problem" />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="partners-handlers">
          Handler IDs another system may name (ERP, wholesaler), one per line — kept as a claim beside the person who imports
        </label>
        <textarea id="partners-handlers" ref={refs.handlerIds} rows={3} value={handlers} readOnly={!loaded} onChange={(e) => setHandlers(e.target.value)} data-testid="partners-handlers" {...invalidProps('partners-handlers', at('handlerIds'))} />
        <FieldError fieldId="partners-handlers" problem={at('handlerIds')} testId="partners-handlers-problem" />
      </div>
      {problem && problem.field === null ? (
        <p className="field-problem" role="alert" data-testid="partners-problem">
          {problem.text}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={!loaded} data-testid="partners-save">
        Save senders and IDs
      </button>
      {saved ? (
        <p className="muted" role="status" data-testid="partners-saved">
          Saved; recorded in the audit trail.
        </p>
      ) : null}
    </form>
  );
}
