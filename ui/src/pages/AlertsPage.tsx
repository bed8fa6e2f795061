import { useMemo, useState, type ReactNode } from 'react';
import { assetsOf, groupText, riskOf, statusOf } from '../alerts';
import { ApiError, call, qs } from '../api';
import { ErrorBox, Loading, Severity } from '../components/Status';
import { href, navigate, useApi, type Route } from '../hooks';
import { fmtTime, show } from '../safe';
import type { Alert, AlertList, RuleStatus } from '../types';

export const CLOSE_REASONS: [string, string][] = [
  ['true_positive', 'true positive'],
  ['false_positive', 'false positive'],
  ['benign', 'benign'],
];

/** Changes the status of alerts: the bulk endpoint, else one call per alert (older servers). */
export async function setStatus(ids: string[], status: string, reason?: string, comment?: string): Promise<string> {
  const extra: Record<string, string> = {};
  if (reason !== undefined) extra['reason'] = reason;
  if (comment !== undefined && comment !== '') extra['comment'] = comment;
  try {
    const r = await call<{ updated: number; missing: string[] }>('/alerts/status', { method: 'POST', body: { ids, status, ...extra } });
    return `${r.updated} alert${r.updated === 1 ? '' : 's'} ${status}${r.missing.length > 0 ? `, ${r.missing.length} not found` : ''}`;
  } catch (e) {
    if (!(e instanceof ApiError && (e.unavailable || e.status === 404))) throw e;
  }
  let n = 0;
  for (const id of ids) {
    await call(`/alerts/${encodeURIComponent(id)}/status`, { method: 'POST', body: { status, ...extra } });
    n++;
  }
  return `${n} alert${n === 1 ? '' : 's'} ${status}`;
}

/** The triage queue: highest risk first, filters, bulk acknowledge and close. */
export function AlertsPage({ route }: { route: Route }): ReactNode {
  const p = route.params;
  const filters = { status: p.get('status') ?? 'open', min_severity: p.get('min_severity') ?? '', rule: p.get('rule') ?? '', asset: p.get('asset') ?? '' };
  const set = (k: string, v: string): void => navigate('alerts', { ...filters, [k]: v });
  const list = useApi<AlertList>(`/alerts${qs({ ...filters, status: filters.status === 'all' ? undefined : filters.status, limit: 1000, sort: 'risk' })}`, 10_000);
  const rules = useApi<{ rules: RuleStatus[] }>('/rules');
  const [sel, setSel] = useState<Set<string>>(() => new Set());
  const [reason, setReason] = useState('true_positive');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [statusError, setStatusError] = useState<unknown>(undefined);
  // the filters are applied here as well, so the page is right even where the server ignores one of them
  const alerts = useMemo(() => {
    const ms = Number(filters.min_severity || 0);
    return (list.data?.alerts ?? [])
      .filter((a) => filters.status === 'all' || statusOf(a) === filters.status)
      .filter((a) => (a.event?.severity ?? 0) >= ms)
      .filter((a) => filters.rule === '' || a.rule?.id === filters.rule)
      .filter((a) => filters.asset === '' || assetsOf(a).includes(filters.asset))
      .sort((a, b) => riskOf(b) - riskOf(a) || String(b['@timestamp']).localeCompare(String(a['@timestamp'])));
  }, [list.data, filters.status, filters.min_severity, filters.rule, filters.asset]);
  const allSelected = alerts.length > 0 && alerts.every((a) => sel.has(a.id));
  const act = (status: string): void => {
    const ids = alerts.filter((a) => sel.has(a.id)).map((a) => a.id);
    if (ids.length === 0) return;
    setStatusError(undefined);
    setStatus(ids, status, status === 'closed' ? reason : undefined)
      .then((t) => {
        setMsg({ ok: true, text: t });
        setSel(new Set());
        list.reload();
      })
      .catch((e: unknown) => {
        setMsg(undefined);
        setStatusError(e);
      });
  };
  return (
    <section className="page" aria-labelledby="h-alerts">
      <div className="page-head">
        <h1 id="h-alerts" tabIndex={-1}>
          Alerts
        </h1>
        <Loading on={list.loading && !list.data} />
      </div>
      <form className="filters" aria-label="Alert filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status{' '}
          <select value={filters.status} onChange={(e) => set('status', e.target.value)}>
            {['open', 'acknowledged', 'closed', 'all'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Min. severity{' '}
          <select value={filters.min_severity} onChange={(e) => set('min_severity', e.target.value)}>
            <option value="">any</option>
            <option value="21">low and above</option>
            <option value="47">medium and above</option>
            <option value="73">high and above</option>
            <option value="99">critical</option>
          </select>
        </label>
        <label>
          Rule{' '}
          <select value={filters.rule} onChange={(e) => set('rule', e.target.value)}>
            <option value="">any</option>
            {(rules.data?.rules ?? [])
              .filter((r) => r.alerts > 0 || r.id === filters.rule)
              .map((r) => (
                <option key={r.id} value={r.id}>
                  {show(r.title)}
                </option>
              ))}
          </select>
        </label>
        <label>
          Asset <input type="text" value={filters.asset} onChange={(e) => set('asset', e.target.value)} placeholder="asset name" />
        </label>
      </form>
      <div className="bulk" role="group" aria-label="Bulk actions on selected alerts">
        <span>{sel.size} selected</span>
        <button type="button" disabled={sel.size === 0} onClick={() => act('acknowledged')}>
          Acknowledge
        </button>
        <label>
          <span className="sr-only">Close reason</span>
          <select aria-label="Close reason" value={reason} onChange={(e) => setReason(e.target.value)}>
            {CLOSE_REASONS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={sel.size === 0} onClick={() => act('closed')}>
          Close
        </button>
        {msg && <span role="status">{msg.text}</span>}
      </div>
      <ErrorBox error={statusError} what="Changing alert status" />
      <ErrorBox error={list.error} what="Alert queue" />
      <div className="table-scroll">
        <table className="data alerts">
          <thead>
            <tr>
              <th scope="col">
                <input type="checkbox" aria-label="Select all alerts" checked={allSelected} onChange={() => setSel(allSelected ? new Set() : new Set(alerts.map((a) => a.id)))} />
              </th>
              <th scope="col">Risk</th>
              <th scope="col">Severity</th>
              <th scope="col">Alert</th>
              <th scope="col">Entities</th>
              <th scope="col">Status</th>
              <th scope="col">Count</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a: Alert) => (
              <tr key={a.id} className={sel.has(a.id) ? 'selected' : ''}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select alert ${show(a.rule?.name ?? a.id)}`}
                    checked={sel.has(a.id)}
                    onChange={() =>
                      setSel((s) => {
                        const n = new Set(s);
                        if (n.has(a.id)) n.delete(a.id);
                        else n.add(a.id);
                        return n;
                      })
                    }
                  />
                </td>
                <td className="num">{riskOf(a)}</td>
                <td>
                  <Severity value={a.event?.severity} level={a.vigil?.alert?.level} />
                </td>
                <td>
                  <a href={href(`alerts/${encodeURIComponent(a.id)}`)}>{show(a.rule?.name ?? a.message ?? a.id)}</a>
                </td>
                <td className="ent">{show(groupText(a))}</td>
                <td>{show(statusOf(a))}</td>
                <td className="num">{show(a.vigil?.alert?.count ?? 1)}</td>
                <td>{fmtTime(a.vigil?.alert?.last_seen ?? a['@timestamp'])}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {alerts.length === 0 && !list.loading && <p className="muted">No alerts match.</p>}
      </div>
      {list.data?.total !== undefined && <p className="muted">{list.data.total} in total on the server</p>}
    </section>
  );
}
