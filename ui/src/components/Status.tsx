import type { ReactNode } from 'react';
import { ApiError, errorText } from '../api';

/** What a panel shows when its endpoint is missing from this server version. */
export function Unavailable({ what }: { what: string }): ReactNode {
  return (
    <div className="panel unavailable" role="status">
      <strong>{what}: not available</strong>
      <p>This Vigil server does not offer this yet (the endpoint answered 501 or 404). The rest of the UI works without it.</p>
    </div>
  );
}

/** An error from the API, or the "not available" panel when the endpoint is missing. */
export function ErrorBox({ error, what }: { error: unknown; what: string }): ReactNode {
  if (error === undefined || error === null) return null;
  if (error instanceof ApiError && error.unavailable) return <Unavailable what={what} />;
  return (
    <div className="panel error" role="alert">
      <strong>{what}: </strong>
      {errorText(error)}
    </div>
  );
}

export function Loading({ on }: { on: boolean }): ReactNode {
  return on ? (
    <span className="loading" role="status" aria-live="polite">
      loading…
    </span>
  ) : null;
}

/** A severity (0–100) or level as a coloured badge (colour plus the word, never colour alone). */
export function Severity({ value, level }: { value?: number | undefined; level?: string | undefined }): ReactNode {
  const v = typeof value === 'number' ? value : undefined;
  const name = level ?? (v === undefined ? 'unknown' : v >= 90 ? 'critical' : v >= 70 ? 'high' : v >= 40 ? 'medium' : v >= 20 ? 'low' : 'informational');
  const cls = ['critical', 'high', 'medium', 'low', 'informational'].includes(name) ? name : 'unknown';
  return (
    <span className={`sev sev-${cls}`}>
      {name}
      {v !== undefined ? ` ${v}` : ''}
    </span>
  );
}
