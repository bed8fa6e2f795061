import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { call, qs, API } from '../api';
import { BarList, TimeChart } from '../components/Chart';
import { ErrorBox, Loading } from '../components/Status';
import { navigate, useApi, type Route } from '../hooks';
import { queryValue, show } from '../safe';
import { readSse } from '../sse';
import { isTable, type Doc, type SearchResult, type TableResult } from '../types';
import { FieldSidebar } from './FieldSidebar';
import { histogram, type Histogram } from './histogram';
import { QueryBar } from './QueryBar';
import { ResultsTable } from './ResultsTable';
import { SavedSearches } from './SavedSearches';
import { describeRange, TimePicker } from './TimePicker';
import { splitQuery } from './tokens';

const LIMITS = [100, 1000, 10000];
const TAIL_MAX = 2000;

/** Adds `field:value` (or `not field:value`) to the filter part of a query, keeping its stages. */
export function addFilter(q: string, field: string, value: unknown, negate: boolean): string {
  const { filter, stages } = splitQuery(q);
  const v: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  const term = `${negate ? 'not ' : ''}${field}:${v === null || v === undefined ? '*' : queryValue(v)}`;
  const f = filter === '*' ? term : `${filter} and ${term}`;
  return stages === '' ? f : `${f} | ${stages}`;
}

export function SearchPage({ route }: { route: Route }): ReactNode {
  const q = route.params.get('q') ?? '*';
  const from = route.params.get('from') ?? '';
  const to = route.params.get('to') ?? '';
  const limit = Number(route.params.get('limit') ?? '1000');
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const go = useCallback((nq: string, nf = from, nt = to, nl = limit) => navigate('search', { q: nq, from: nf, to: nt, limit: String(nl) }), [from, to, limit]);

  const fields = useApi<{ fields: string[] }>(`/fields${qs({ from, to })}`);
  const [result, setResult] = useState<SearchResult | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(false);
  const [hist, setHist] = useState<Histogram | undefined>(undefined);
  const [tail, setTail] = useState(false);
  const [tailEvents, setTailEvents] = useState<Doc[]>([]);
  const [tailNote, setTailNote] = useState('');
  const started = useRef(0);
  const [tookMs, setTookMs] = useState<number | undefined>(undefined);
  const { filter, stages } = splitQuery(q);

  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setError(undefined);
    started.current = performance.now();
    call<SearchResult>(`/search${qs({ q, from, to, limit })}`, { signal: ctl.signal })
      .then((r) => {
        setResult(r);
        setTookMs(Math.round(performance.now() - started.current));
      })
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) {
          setError(e);
          setResult(undefined);
        }
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
    setHist(undefined);
    if (stages === '') {
      histogram(filter, from, to, ctl.signal)
        .then(setHist)
        .catch(() => setHist(undefined));
    }
    return () => ctl.abort();
  }, [q, from, to, limit, filter, stages]);

  useEffect(() => {
    if (!tail) return undefined;
    const ctl = new AbortController();
    setTailEvents([]);
    setTailNote('waiting for events…');
    readSse(`${API}/stream${qs({ q: filter })}`, ctl.signal, (m) => {
      if (m.event === 'missed') {
        setTailNote('some events were left out: the stream was faster than this page');
        return;
      }
      if (m.event !== 'message') return;
      try {
        const ev = JSON.parse(m.data) as Doc;
        setTailNote('');
        setTailEvents((list) => [ev, ...list].slice(0, TAIL_MAX));
      } catch {
        // a malformed message is skipped
      }
    }).catch((e: unknown) => {
      if (!ctl.signal.aborted) setTailNote(`live tail stopped: ${e instanceof Error ? e.message : String(e)}`);
    });
    return () => ctl.abort();
  }, [tail, filter]);

  const onFilter = useCallback((field: string, value: unknown, negate: boolean) => go(addFilter(q, field, value, negate)), [q, go]);
  const events = tail ? tailEvents : result && !isTable(result) ? result.events : [];

  return (
    <section className="page search-page" aria-labelledby="h-search">
      <h1 id="h-search" tabIndex={-1}>
        Search
      </h1>
      <form
        className="search-controls"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go(draft);
        }}
      >
        <QueryBar value={draft} onChange={setDraft} onRun={(x) => go(x)} fields={fields.data?.fields ?? []} from={from} to={to} />
        <TimePicker from={from} to={to} onChange={(f, t) => go(draft, f, t)} />
        <label>
          <span className="sr-only">Rows</span>
          <select aria-label="Rows" value={limit} onChange={(e) => go(draft, from, to, Number(e.target.value))}>
            {LIMITS.map((l) => (
              <option key={l} value={l}>
                {l} rows
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          Search
        </button>
        <button type="button" aria-pressed={tail} onClick={() => setTail((t) => !t)} title="stream matching events as they arrive">
          {tail ? '■ Stop live tail' : '▶ Live tail'}
        </button>
      </form>
      <SavedSearches q={q} from={from} to={to} onOpen={(s) => go(s.query, s.from ?? '', s.to ?? '')} />
      <ErrorBox error={error} what="Search" />
      <div className="status-line" role="status" aria-live="polite">
        <Loading on={loading} />
        {!loading && result && !isTable(result) && !tail && (
          <span>
            {result.total}
            {result.total_relation === 'gte' ? '+' : ''} events · {describeRange(from, to)} · showing {result.events.length} · server {Math.round(result.took_ms)} ms, page {tookMs} ms
          </span>
        )}
        {!loading && result && isTable(result) && (
          <span>
            {result.rows.length} rows{result.truncated ? ' (truncated)' : ''} · server {Math.round(result.took_ms)} ms
          </span>
        )}
        {tail && <span className="live">● live · {tailEvents.length} events {tailNote}</span>}
      </div>
      {result && isTable(result) && !tail ? (
        <TableView t={result} />
      ) : (
        <div className="search-body">
          <FieldSidebar events={events} filter={filter} from={from} to={to} onFilter={onFilter} />
          <div className="search-main">
            {hist && !tail && (
              <div className="panel">
                <h2 className="small-h">
                  Matching events per {hist.span} <span className="muted">(drag to zoom)</span>
                </h2>
                <TimeChart times={hist.times} series={[{ label: 'events', values: hist.counts }]} bars height={120} label={`Histogram of matching events per ${hist.span}`} onSelect={(a, b) => go(q, new Date(a).toISOString(), new Date(b).toISOString())} />
              </div>
            )}
            {events.length === 0 && !loading ? <p className="muted">No events.</p> : <ResultsTable key={`${q}\u0000${from}\u0000${to}\u0000${String(tail)}`} events={events} onFilter={onFilter} />}
          </div>
        </div>
      )}
    </section>
  );
}

/** A stats/timechart answer: the table, plus a chart (over time for timechart, bars for one metric by groups). */
export function TableView({ t }: { t: TableResult }): ReactNode {
  const ti = t.columns.indexOf('_time');
  const chart = useMemo(() => {
    if (ti >= 0) {
      const times = t.rows.map((r) => (typeof r[ti] === 'number' ? r[ti] : Date.parse(String(r[ti]))));
      const series = t.columns.map((c, i) => ({ c, i })).filter(({ i }) => i !== ti).slice(0, 8).map(({ c, i }) => ({ label: c, values: t.rows.map((r) => (typeof r[i] === 'number' ? r[i] : null)) }));
      return { kind: 'time' as const, times, series };
    }
    const num = t.columns.findIndex((_c, i) => t.rows.length > 0 && t.rows.every((r) => typeof r[i] === 'number'));
    if (num < 0 || t.rows.length === 0) return undefined;
    const keys = t.columns.map((_c, i) => i).filter((i) => i !== num && !t.rows.every((r) => typeof r[i] === 'number'));
    const items: [string, number][] = t.rows.slice(0, 20).map((r) => [keys.map((i) => (typeof r[i] === 'string' ? r[i] : JSON.stringify(r[i]))).join(' · ') || '(all)', Number(r[num])]);
    return { kind: 'bars' as const, items, metric: t.columns[num] ?? '' };
  }, [t, ti]);
  return (
    <div className="table-view">
      {chart?.kind === 'time' && (
        <div className="panel">
          <TimeChart times={chart.times} series={chart.series} label="Chart of the query result over time" />
        </div>
      )}
      {chart?.kind === 'bars' && (
        <div className="panel">
          <h2 className="small-h">{chart.metric}</h2>
          <BarList items={chart.items} label={`Chart of ${chart.metric}`} />
        </div>
      )}
      <div className="table-scroll">
        <table className="data">
          <thead>
            <tr>
              {t.columns.map((c) => (
                <th key={c} scope="col">
                  {show(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.rows.slice(0, 2000).map((r, i) => (
              <tr key={i}>
                {r.map((cell, j) => (
                  <td key={j}>{show(cell)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {t.rows.length > 2000 && <p className="muted">showing the first 2000 of {t.rows.length} rows</p>}
      </div>
    </div>
  );
}
