import { useEffect, useState, type ReactNode } from 'react';
import { countBy, assetsOf, entitiesOf, statusOf } from '../alerts';
import { BarList, TimeChart } from '../components/Chart';
import { ErrorBox } from '../components/Status';
import { navigate, useApi } from '../hooks';
import { show } from '../safe';
import { histogram, spanFor, timeOf } from '../search/histogram';
import type { AlertList } from '../types';
import { HealthTable, type Health } from './SourcesPage';

const POLL_MS = 5000;
const RANGES: [string, string][] = [
  ['-1h', 'last hour'],
  ['-24h', 'last 24 hours'],
  ['-7d', 'last 7 days'],
  ['', 'all time'],
];

/** The first screen: events/s, alerts by severity and status, top alerted assets and addresses, ingest health. */
export function OverviewPage(): ReactNode {
  const [range, setRange] = useState('-24h');
  const [rate, setRate] = useState<{ times: number[]; values: number[]; span: string } | undefined>(undefined);
  const [rateErr, setRateErr] = useState<unknown>(undefined);
  const [tick, setTick] = useState(0);
  const alerts = useApi<AlertList>('/alerts?limit=1000', POLL_MS);
  const health = useApi<Health>('/health', POLL_MS);
  useEffect(() => {
    const t = setInterval(() => setTick((x) => x + 1), POLL_MS);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    const ctl = new AbortController();
    histogram('*', range, '', ctl.signal)
      .then((h) => {
        if (!h) return setRate(undefined);
        const lo = timeOf(range, Date.now()) ?? h.times[0] ?? 0;
        const hi = Date.now();
        const secs = spanFor(lo, hi)[1] / 1000;
        setRate({ times: h.times, values: h.counts.map((c) => Math.round((c / secs) * 100) / 100), span: h.span });
        setRateErr(undefined);
      })
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setRateErr(e);
      });
    return () => ctl.abort();
  }, [range, tick]);

  const list = alerts.data?.alerts ?? [];
  const bySeverity = countBy(list, (a) => [a.vigil?.alert?.level ?? 'unknown']);
  const byStatus = countBy(list, (a) => [statusOf(a)]);
  const topAssets = countBy(list, assetsOf).slice(0, 8);
  const topSources = countBy(list, (a) => entitiesOf(a)['source.ip'] ?? []).slice(0, 8);
  return (
    <section className="page" aria-labelledby="h-overview">
      <div className="page-head">
        <h1 id="h-overview" tabIndex={-1}>
          Overview
        </h1>
        <label>
          Range{' '}
          <select value={range} onChange={(e) => setRange(e.target.value)}>
            {RANGES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <span className="muted live">● refreshes every {POLL_MS / 1000} s</span>
      </div>
      <div className="grid">
        <div className="panel wide">
          <h2>Events per second{rate ? ` (averaged per ${rate.span})` : ''}</h2>
          <ErrorBox error={rateErr} what="Event rate" />
          {rate ? <TimeChart times={rate.times} series={[{ label: 'events/s', values: rate.values }]} height={160} label="Events per second over time" /> : <p className="muted">No events in this range.</p>}
        </div>
        <div className="panel">
          <h2>Alerts by severity</h2>
          <ErrorBox error={alerts.error} what="Alerts" />
          <BarList items={bySeverity} label="Alerts by severity" onPick={() => navigate('alerts')} />
        </div>
        <div className="panel">
          <h2>Alerts by status</h2>
          <BarList items={byStatus} label="Alerts by status" onPick={(s) => navigate('alerts', { status: s })} />
        </div>
        <div className="panel">
          <h2>Top alerted assets</h2>
          {topAssets.length === 0 ? <p className="muted">None.</p> : <BarList items={topAssets} label="Top alerted assets" onPick={(v) => navigate('alerts', { asset: v })} />}
        </div>
        <div className="panel">
          <h2>Top alerted source addresses</h2>
          {topSources.length === 0 ? <p className="muted">None.</p> : <BarList items={topSources} label="Top alerted source addresses" onPick={(v) => navigate('search', { q: `source.ip:"${v}"` })} />}
        </div>
        <div className="panel wide">
          <h2>Ingest health</h2>
          <ErrorBox error={health.error} what="Health" />
          {health.data && <HealthTable health={health.data} />}
          {health.data && <p className="muted">status {show(health.data.status)} · version {show(health.data.version)} · up {show(health.data.uptime_s)} s</p>}
        </div>
      </div>
    </section>
  );
}
