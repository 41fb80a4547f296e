import { useRef, useState, type FormEvent } from 'react';
import { invoke } from '../api/client';
import { asRxError } from '../state/session-store';
import { FieldError, focusProblemField, invalidProps } from '../ui/FieldError';
import { describeFileResult, importCatalogFiles, type CatalogJob } from './catalog-upload';

const percent = (done: number, total: number) => (total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0);

/**
 * The drug catalog, loaded here rather than with `rxledger catalog import`: the FDA NDC
 * Directory's product.txt and package.txt (or openFDA files). The same import runs, for the
 * signed-in manager or administrator, audited per file; a file of the wrong kind is refused
 * beside the field and nothing of the choice is imported.
 */
export function CatalogImportPanel() {
  const fileRef = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [job, setJob] = useState<CatalogJob | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [other, setOther] = useState<string | null>(null);

  async function run(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    setOther(null);
    setJob(null);
    if (!files.length) {
      setProblem('Choose product.txt and package.txt (both at once), or an openFDA file.');
      focusProblemField(fileRef.current);
      return;
    }
    setBusy(true);
    try {
      const done = await importCatalogFiles(invoke, files, setJob);
      setJob(done);
      if (done.error) setOther(done.error);
      const refused = done.results.filter((r) => r.error);
      if (refused.length) setProblem(refused.map((r) => `${r.file}: ${r.error}`).join(' '));
    } catch (err) {
      const message = asRxError(err).message;
      const m = /^files: (.*)$/s.exec(message);
      if (m) {
        setProblem(m[1]!);
        setJob(null);
        focusProblemField(fileRef.current);
      } else setOther(message);
    } finally {
      setBusy(false);
    }
  }

  const pct = job ? (job.state === 'done' ? 100 : percent(job.done, job.total)) : 0;
  return (
    <form onSubmit={(e) => void run(e)} aria-label="Drug catalog import" data-testid="catalog-panel">
      <h2>Drug catalog</h2>
      <div className="field">
        <label className="field-label" htmlFor="catalog-files">
          FDA NDC Directory product.txt and package.txt (choose both), or openFDA NDC JSON or CSV
        </label>
        <input
          id="catalog-files"
          ref={fileRef}
          type="file"
          multiple
          accept=".txt,.json,.csv,text/plain,application/json,text/csv"
          // Not disabled while importing: a refusal focuses this field, and a disabled one cannot take it (the button is).
          onChange={(e) => {
            setFiles(Array.from(e.target.files ?? []));
            setProblem(null);
          }}
          data-testid="catalog-files"
          {...invalidProps('catalog-files', problem)}
        />
        <FieldError fieldId="catalog-files" problem={problem} testId="catalog-files-problem" />
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="catalog-import">
        {busy ? 'Importing…' : 'Import the catalog'}
      </button>
      {job && job.state !== 'refused' ? (
        <div data-testid="catalog-progress-wrap">
          <p className="muted" role="status" data-testid="catalog-phase">
            {job.state === 'uploading'
              ? `Sending ${job.current ?? 'the files'} to the workstation: ${pct}%`
              : job.state === 'importing'
                ? `Importing ${job.current ?? ''} (${job.done} of ${job.total} files done)`
                : `Done: ${job.results.length} file${job.results.length === 1 ? '' : 's'}; recorded in the audit trail.`}
          </p>
          <div className="progress" role="progressbar" aria-label="Catalog import progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid="catalog-progress">
            <div className="progress-bar" style={{ width: `${pct}%`, height: 6, background: '#2a6fdb' }} />
          </div>
        </div>
      ) : null}
      {/* After a stop part-way, the files already committed are listed too. */}
      {job && (job.state === 'done' || job.state === 'refused') && job.results.length ? (
        <ul data-testid="catalog-summary">
          {job.results.map((r) => (
            <li key={r.file} data-testid="catalog-file-result" data-refused={r.error ? 'true' : 'false'}>
              {describeFileResult(r)}
              {r.problemCount ? (
                <ul>
                  {r.problems.map((p, i) => (
                    <li key={i} data-testid="catalog-file-problem">
                      {p.where}: {p.ndc ? `${p.ndc}: ` : ''}
                      {p.message}
                      {p.imported ? '' : ' (row skipped)'}
                    </li>
                  ))}
                  {r.problemCount > r.problems.length ? <li>… and {r.problemCount - r.problems.length} more (rxledger catalog imports lists them all)</li> : null}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {other ? (
        <p className="field-problem" role="alert" data-testid="catalog-problem">
          {other}
        </p>
      ) : null}
    </form>
  );
}
