import { useEffect, useRef, useState, type ReactNode } from 'react';
import { call } from '../api';
import { ErrorBox } from '../components/Status';
import { useApi } from '../hooks';
import { byComponent, parseMetrics, type ComponentStats } from '../metrics';
import { fmtTime, show } from '../safe';
import type { TableResult } from '../types';

export interface Health {
  status?: string;
  version?: string;
  uptime_s?: number;
  components?: Record<string, Record<string, unknown>>;
}

const POLL_MS = 5000;

/** GET /health components: state and every number each one reports (drops, queue, connections…). */
export function HealthTable({ health }: { health: Health }): ReactNode {
  const comps = Object.entries(health.components ?? {});
  return (
    <div className="table-scroll">
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">State</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {comps.map(([name, c]) => (
            <tr key={name}>
              <th scope="row">{show(name)}</th>
              <td>
                <span className={`state state-${c['state'] === 'ok' ? 'ok' : 'bad'}`}>{show(c['state'])}</span>
              </td>
              <td className="kv">
                {Object.entries(c)
                  .filter(([k]) => k !== 'state')
                  .map(([k, v]) => (
                    <span key={k} className={/drop|refused|truncated|invalid|fail/.test(k) && Number(v) > 0 ? 'warn' : ''}>
                      {k}={show(v)}{' '}
                    </span>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface Seen {
  at: number;
  received: number;
  changedAt?: number;
}

/** Sources and health: per-component rate, last seen, parse-failure rate, drops with reasons (GET /health, /metrics). */
export function SourcesPage(): ReactNode {
  const health = useApi<Health>('/health', POLL_MS);
  const datasets = useApi<TableResult>(`/search?q=${encodeURIComponent('* | stats count() as events, max(@timestamp) as last_event by event.dataset | sort -events')}&limit=200`, POLL_MS * 3);
  const [stats, setStats] = useState<ComponentStats[]>([]);
  const [rates, setRates] = useState<Record<string, { rate: number; lastSeen?: number }>>({});
  const [err, setErr] = useState<unknown>(undefined);
  const prev = useRef(new Map<string, Seen>());
  useEffect(() => {
    let stop = false;
    const load = (): void => {
      call<string>('/metrics', { text: true })
        .then((text) => {
          if (stop) return;
          const cs = byComponent(parseMetrics(text, (n) => n.startsWith('vigil_component_')));
          const now = Date.now();
          const next: Record<string, { rate: number; lastSeen?: number }> = {};
          for (const c of cs) {
            const p = prev.current.get(c.component);
            const rate = p ? ((c.received - p.received) * 1000) / Math.max(1, now - p.at) : 0;
            const changedAt = p && c.received > p.received ? now : p?.changedAt;
            prev.current.set(c.component, { at: now, received: c.received, ...(changedAt !== undefined ? { changedAt } : {}) });
            next[c.component] = { rate, ...(changedAt !== undefined ? { lastSeen: changedAt } : {}) };
          }
          setStats(cs);
          setRates(next);
          setErr(undefined);
        })
        .catch((e: unknown) => !stop && setErr(e));
    };
    load();
    const t = setInterval(load, POLL_MS);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, []);
  const parser = stats.find((s) => s.kind === 'parser');
  const failures = parser?.errors.filter(([k]) => k.startsWith('parse_failure')).reduce((a, [, n]) => a + n, 0) ?? 0;
  return (
    <section className="page" aria-labelledby="h-sources">
      <div className="page-head">
        <h1 id="h-sources" tabIndex={-1}>
          Sources &amp; health
        </h1>
        <span className="muted live">● refreshes every {POLL_MS / 1000} s</span>
      </div>
      <div className="panel">
        <h2>Components (from /metrics)</h2>
        <ErrorBox error={err} what="Metrics" />
        {parser && (
          <p>
            Parse failures: {failures} of {parser.received} lines ({parser.received > 0 ? ((failures / parser.received) * 100).toFixed(2) : '0.00'} %) — kept with error.message and tags _parse_failure, never dropped.
          </p>
        )}
        <div className="table-scroll">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Component</th>
                <th scope="col">Kind</th>
                <th scope="col">Events received</th>
                <th scope="col">Rate (ev/s)</th>
                <th scope="col">Last seen (this page)</th>
                <th scope="col">Bytes</th>
                <th scope="col">Errors</th>
                <th scope="col">Dropped (reason)</th>
              </tr>
            </thead>
            <tbody>
              {stats.map((c) => {
                const r = rates[c.component];
                return (
                  <tr key={c.component}>
                    <th scope="row">{show(c.component)}</th>
                    <td>{show(c.kind)}</td>
                    <td className="num">{c.received}</td>
                    <td className="num">{(r?.rate ?? 0).toFixed(1)}</td>
                    <td>{r?.lastSeen !== undefined ? fmtTime(r.lastSeen) : '—'}</td>
                    <td className="num">{c.bytes}</td>
                    <td>{c.errors.length === 0 ? '—' : c.errors.map(([k, n]) => `${k}: ${n}`).join(', ')}</td>
                    <td className={c.dropped.some(([, n]) => n > 0) ? 'warn' : ''}>{c.dropped.length === 0 ? '—' : c.dropped.map(([k, n]) => `${k}: ${n}`).join(', ')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
      <div className="panel">
        <h2>Health (GET /health)</h2>
        <ErrorBox error={health.error} what="Health" />
        {health.data && <HealthTable health={health.data} />}
      </div>
      <div className="panel">
        <h2>Datasets: events and last event</h2>
        <ErrorBox error={datasets.error} what="Datasets" />
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Dataset</th>
              <th scope="col">Events</th>
              <th scope="col">Last event</th>
            </tr>
          </thead>
          <tbody>
            {(datasets.data?.rows ?? []).map((r, i) => (
              <tr key={i}>
                <th scope="row">{show(r[0])}</th>
                <td className="num">{show(r[1])}</td>
                <td>{fmtTime(typeof r[2] === 'number' ? r[2] : String(r[2]))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
