import { useState, type ReactNode } from 'react';
import { call, errorText } from '../api';
import { useApi } from '../hooks';
import { show } from '../safe';
import type { SavedSearch } from '../types';

/** Saved searches (GET/POST /saved-searches): open one, or save the current query and time range under a name. */
export function SavedSearches({ q, from, to, onOpen }: { q: string; from: string; to: string; onOpen: (s: SavedSearch) => void }): ReactNode {
  const list = useApi<{ saved_searches: SavedSearch[] }>('/saved-searches');
  const [name, setName] = useState('');
  const [msg, setMsg] = useState('');
  const saved = list.data?.saved_searches ?? [];
  return (
    <div className="saved">
      <label>
        Saved searches{' '}
        <select
          value=""
          onChange={(e) => {
            const s = saved.find((x) => x.id === e.target.value);
            if (s) onOpen(s);
          }}
          disabled={saved.length === 0}
        >
          <option value="">{saved.length === 0 ? '(none yet)' : `open one of ${saved.length}…`}</option>
          {saved.map((s) => (
            <option key={s.id} value={s.id}>
              {show(s.name)}
            </option>
          ))}
        </select>
      </label>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const body: Record<string, string> = { name: name.trim(), query: q };
          if (from !== '') body['from'] = from;
          if (to !== '') body['to'] = to;
          call('/saved-searches', { method: 'POST', body })
            .then(() => {
              setMsg(`saved as “${name.trim()}”`);
              setName('');
              list.reload();
            })
            .catch((err: unknown) => setMsg(errorText(err)));
        }}
      >
        <label>
          <span className="sr-only">Name for this search</span>
          <input type="text" placeholder="name this search" aria-label="Name for this search" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
        </label>
        <button type="submit">Save search</button>
        {msg !== '' && <span role="status">{show(msg)}</span>}
      </form>
    </div>
  );
}
