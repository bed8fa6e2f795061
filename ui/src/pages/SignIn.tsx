import { useState, type ReactNode } from 'react';
import { ApiError, call, errorText, setToken } from '../api';

/** Sign-in with the admin token. It stays in this tab's sessionStorage and is sent as a bearer header (no cookie). */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }): ReactNode {
  const [token, setT] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <main id="main" className="signin">
      <form
        className="panel"
        aria-labelledby="h-signin"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError('');
          const t = token.trim();
          call('/saved-searches', { token: t })
            .then(() => {
              setToken(t);
              onSignedIn();
            })
            .catch((err: unknown) => setError(err instanceof ApiError && err.status === 401 ? 'That token was not accepted.' : errorText(err)))
            .finally(() => setBusy(false));
        }}
      >
        <h1 id="h-signin" tabIndex={-1}>
          Sign in to Vigil
        </h1>
        <p className="muted">Use the admin token: VIGIL_ADMIN_TOKEN, or the file admin.token in the data directory.</p>
        <label htmlFor="token">Admin token</label>
        <input id="token" name="token" type="password" autoComplete="current-password" value={token} onChange={(e) => setT(e.target.value)} required autoFocus />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {error !== '' && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
