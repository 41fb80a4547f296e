import { useEffect, useState } from 'react';
import { api, ConsoleRequestError, type ConsoleError } from './api';

/** What every console view uses: errors as shown, the refusals that end a session, loading a view. */
export const asError = (e: unknown): ConsoleError => (e instanceof ConsoleRequestError ? { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } : { code: 'INTERNAL', message: String(e) });
export const ENDED = new Set(['NOT_SIGNED_IN', 'SESSION_ENDED']);

export function Banner({ error, testId }: { error: ConsoleError | null; testId: string }) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid={testId} data-code={error.code}>
      <span className="banner-text">{error.message}</span>
    </div>
  );
}

/** A refusal about one field, shown under it (the form's banner shows the others). */
export function FieldError({ error, field, testId }: { error: ConsoleError | null; field: string; testId: string }) {
  if (!error || error.field !== field) return null;
  return (
    <p className="field-problem" id={testId} data-testid={testId} data-code={error.code} role="alert">
      {error.message}
    </p>
  );
}

/** The form's banner: only refusals that name no field of the form. */
export function FormBanner({ error, fields, testId }: { error: ConsoleError | null; fields: string[]; testId: string }) {
  return <Banner error={error && (!error.field || !fields.includes(error.field)) ? error : null} testId={testId} />;
}

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** Loads a view's data; a refusal that ends the session goes up, any other is shown in place. */
export function useView<T>(path: string, onEnded: (e: ConsoleError) => void): { data: T | null; error: ConsoleError | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ConsoleError | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    api<T>('GET', path)
      .then((d) => live && (setData(d), setError(null)))
      .catch((e: unknown) => {
        const err = asError(e);
        if (ENDED.has(err.code)) onEnded(err);
        else if (live) setError(err);
      });
    return () => {
      live = false;
    };
  }, [path, n, onEnded]);
  return { data, error, reload: () => setN((x) => x + 1) };
}
