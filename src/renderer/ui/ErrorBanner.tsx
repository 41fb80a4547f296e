import type { RxError } from '../../shared/ipc/contract';

/** The server's own words, shown whole: they already say what to do. */
export function ErrorBanner({ error, testId, onRetry }: { error: RxError | null; testId?: string; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid={testId ?? 'error'} data-code={error.code}>
      <span className="banner-text">{error.message}</span>
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
