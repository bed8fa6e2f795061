import { useMemo, useState, type ReactNode } from 'react';
import { call, errorText, qs } from '../api';
import { BarList } from '../components/Chart';
import { flatten, show } from '../safe';
import type { Doc, TableResult } from '../types';

/** How many loaded events the sidebar reads to count fields (enough to be representative, bounded in work). */
const SAMPLE = 2000;

/** Fields present in the loaded events, with their most common values; a value adds itself as a filter. */
export function FieldSidebar({ events, filter, from, to, onFilter }: { events: Doc[]; filter: string; from: string; to: string; onFilter: (field: string, value: unknown, negate: boolean) => void }): ReactNode {
  const [openField, setOpenField] = useState<string | undefined>(undefined);
  const [wide, setWide] = useState<{ field: string; rows: [string, number][] } | { field: string; error: string } | undefined>(undefined);
  const stats = useMemo(() => {
    const m = new Map<string, Map<string, number>>();
    for (const e of events.slice(0, SAMPLE)) {
      for (const [k, v] of flatten(e)) {
        if (k === 'id') continue;
        let vals = m.get(k);
        if (!vals) m.set(k, (vals = new Map<string, number>()));
        const key = typeof v === 'string' ? v : JSON.stringify(v);
        if (vals.size < 500 || vals.has(key)) vals.set(key, (vals.get(key) ?? 0) + 1);
      }
    }
    return [...m.entries()]
      .map(([field, vals]) => ({ field, count: [...vals.values()].reduce((a, b) => a + b, 0), top: [...vals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5) }))
      .sort((a, b) => b.count - a.count || a.field.localeCompare(b.field));
  }, [events]);
  const n = Math.min(events.length, SAMPLE);

  const loadWide = (field: string): void => {
    call<TableResult>(`/search${qs({ q: `${filter} and ${field}:* | top 10 ${field}`, from, to })}`)
      .then((r) => setWide({ field, rows: r.rows.map((row) => [typeof row[0] === 'string' ? row[0] : JSON.stringify(row[0]), Number(row[1])]) }))
      .catch((e: unknown) => setWide({ field, error: errorText(e) }));
  };

  return (
    <nav className="sidebar" aria-label="Fields">
      <h2>Fields</h2>
      <p className="muted">in {n} loaded event{n === 1 ? '' : 's'}</p>
      <ul className="fieldlist">
        {stats.map((s) => (
          <li key={s.field}>
            <button type="button" className="field-btn" aria-expanded={openField === s.field} onClick={() => setOpenField(openField === s.field ? undefined : s.field)}>
              <span className="fname">{s.field}</span> <span className="fcount">{s.count}</span>
            </button>
            {openField === s.field && (
              <div className="field-values">
                <BarList
                  label={`Top values of ${s.field} in the loaded events`}
                  items={s.top}
                  onPick={(v) => {
                    let parsed: unknown = v;
                    try {
                      parsed = s.top.length > 0 && !/^[[{"]/.test(v) ? v : (JSON.parse(v) as unknown);
                    } catch {
                      parsed = v;
                    }
                    onFilter(s.field, parsed, false);
                  }}
                />
                <button type="button" className="small" onClick={() => loadWide(s.field)}>
                  Top 10 over the whole range
                </button>
                {wide?.field === s.field && ('error' in wide ? <p className="error">{show(wide.error)}</p> : <BarList label={`Top values of ${s.field}`} items={wide.rows} onPick={(v) => onFilter(s.field, v, false)} />)}
              </div>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
