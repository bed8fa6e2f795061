import { useState, type ReactNode } from 'react';
import { entitiesOf, entityQuery, groupText, riskOf, statusOf } from '../alerts';
import { call, qs } from '../api';
import { ErrorBox, Loading, Severity } from '../components/Status';
import { href, navigate, useApi } from '../hooks';
import { fmtTime, show } from '../safe';
import { ResultsTable } from '../search/ResultsTable';
import { addFilter } from '../search/SearchPage';
import { summary } from '../search/EventRow';
import type { Alert, AlertList, EventsResult, ResponseAction } from '../types';
import { CLOSE_REASONS, setStatus } from './AlertsPage';

/** One alert: rule, explanation, evidence, the entity's timeline, related alerts, comments, history, response. */
export function AlertPage({ id }: { id: string }): ReactNode {
  const a = useApi<Alert>(`/alerts/${encodeURIComponent(id)}`);
  const alert = a.data;
  const ents = alert ? entitiesOf(alert) : {};
  const pairs = Object.entries(ents).flatMap(([f, vs]) => vs.map((v) => [f, v] as [string, string]));
  const [entity, setEntity] = useState<[string, string] | undefined>(undefined);
  const pick = entity ?? pairs[0];
  const timeline = useApi<EventsResult>(pick ? `/search${qs({ q: entityQuery(pick[0], pick[1]), limit: 500 })}` : undefined);
  const related = useApi<AlertList>(pick ? `/alerts${qs({ entity: pick[1], limit: 100 })}` : undefined);
  const actions = useApi<{ actions: ResponseAction[] }>(`/response/actions${qs({ alert_id: id })}`);
  const [reason, setReason] = useState('true_positive');
  const [comment, setComment] = useState('');
  const [msg, setMsg] = useState('');
  const [actErr, setActErr] = useState<unknown>(undefined);
  if (a.error !== undefined) return <ErrorBox error={a.error} what="Alert" />;
  if (!alert) return <Loading on />;
  const va = alert.vigil?.alert ?? {};
  const relatedList = (related.data?.alerts ?? []).filter((x) => x.id !== alert.id && pick !== undefined && (entitiesOf(x)[pick[0]] ?? []).includes(pick[1])).slice(0, 20);
  const change = (status: string): void => {
    setActErr(undefined);
    setStatus([alert.id], status, status === 'closed' ? reason : undefined, comment)
      .then((t) => {
        setMsg(t);
        setComment('');
        a.reload();
      })
      .catch((e: unknown) => setActErr(e));
  };
  return (
    <section className="page alert-page" aria-labelledby="h-alert">
      <p>
        <a href={href('alerts')}>← Alerts</a>
      </p>
      <div className="page-head">
        <h1 id="h-alert" tabIndex={-1}>
          {show(alert.rule?.name ?? alert.message ?? alert.id)}
        </h1>
        <Severity value={alert.event?.severity} level={va.level} />
        <span className="badge">risk {riskOf(alert)}</span>
        <span className="badge">{show(statusOf(alert))}</span>
      </div>
      <div className="grid">
        <div className="panel">
          <h2>Triage</h2>
          <label>
            Comment <input type="text" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
          </label>
          <div className="row-buttons">
            <button type="button" onClick={() => change('acknowledged')} disabled={statusOf(alert) === 'acknowledged'}>
              Acknowledge
            </button>
            <select aria-label="Close reason" value={reason} onChange={(e) => setReason(e.target.value)}>
              {CLOSE_REASONS.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
            <button type="button" onClick={() => change('closed')} disabled={statusOf(alert) === 'closed'}>
              Close
            </button>
            <button type="button" onClick={() => change('open')} disabled={statusOf(alert) === 'open'}>
              Reopen
            </button>
            <button
              type="button"
              disabled={comment.trim() === ''}
              onClick={() => {
                call(`/alerts/${encodeURIComponent(alert.id)}/comments`, { method: 'POST', body: { text: comment } })
                  .then(() => {
                    setComment('');
                    setMsg('comment added');
                    a.reload();
                  })
                  .catch((e: unknown) => setActErr(e));
              }}
            >
              Add comment
            </button>
          </div>
          {msg !== '' && <p role="status">{msg}</p>}
          <ErrorBox error={actErr} what="Triage" />
        </div>
        <div className="panel">
          <h2>Rule</h2>
          <dl className="kv-list">
            <dt>Name</dt>
            <dd>
              {alert.rule?.id !== undefined ? <a href={href('rules', { id: alert.rule.id })}>{show(alert.rule.name ?? alert.rule.id)}</a> : show(alert.rule?.name)}
            </dd>
            <dt>Description</dt>
            <dd>{show(alert.rule?.description)}</dd>
            <dt>Techniques</dt>
            <dd>{show((alert.tags ?? []).join(', '))}</dd>
            <dt>Group</dt>
            <dd>{show(groupText(alert))}</dd>
            <dt>First / last seen</dt>
            <dd>
              {fmtTime(va.first_seen ?? alert['@timestamp'])} / {fmtTime(va.last_seen ?? alert['@timestamp'])} ({show(va.count ?? 1)}×)
            </dd>
            {va.assets && va.assets.length > 0 && (
              <>
                <dt>Assets</dt>
                <dd>{va.assets.map((x) => `${show(x.name)} (criticality ${show(x.criticality)})`).join(', ')}</dd>
              </>
            )}
          </dl>
        </div>
        <div className="panel wide">
          <h2>Why it matched</h2>
          <ul className="explanation">
            {(va.explanation ?? [show(alert.event?.reason)]).map((x, i) => (
              <li key={i}>{show(x)}</li>
            ))}
          </ul>
        </div>
        <div className="panel wide">
          <h2>Evidence ({va.evidence?.length ?? 0} events)</h2>
          {(va.evidence?.length ?? 0) > 0 ? <ResultsTable events={va.evidence ?? []} onFilter={(f, v, neg) => navigate('search', { q: addFilter('*', f, v, neg) })} /> : <p className="muted">No evidence events attached.</p>}
        </div>
        <div className="panel wide">
          <h2>Entity timeline</h2>
          <div className="row-buttons" role="group" aria-label="Entity">
            {pairs.map(([f, v]) => (
              <button key={`${f}=${v}`} type="button" aria-pressed={pick?.[0] === f && pick[1] === v} onClick={() => setEntity([f, v])}>
                {f}={show(v)}
              </button>
            ))}
          </div>
          {pick && (
            <p>
              <a href={href('search', { q: entityQuery(pick[0], pick[1]) })}>Open this timeline in Search</a>
            </p>
          )}
          <ErrorBox error={timeline.error} what="Timeline" />
          <ul className="timeline">
            {(timeline.data?.events ?? []).slice(0, 200).map((e, i) => (
              <li key={typeof e.id === 'string' ? e.id : i}>
                <span className="time">{fmtTime(e['@timestamp'])}</span> <span className="msg">{show(summary(e))}</span>
              </li>
            ))}
          </ul>
        </div>
        <div className="panel">
          <h2>Related alerts</h2>
          <ErrorBox error={related.error} what="Related alerts" />
          {relatedList.length === 0 ? (
            <p className="muted">None for this entity.</p>
          ) : (
            <ul>
              {relatedList.map((x) => (
                <li key={x.id}>
                  <a href={href(`alerts/${encodeURIComponent(x.id)}`)}>{show(x.rule?.name ?? x.id)}</a> · {fmtTime(x['@timestamp'])} · {show(statusOf(x))}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="panel">
          <h2>Response actions</h2>
          <ErrorBox error={actions.error} what="Response actions" />
          {actions.data && actions.data.actions.length === 0 && <p className="muted">None taken.</p>}
          <ul>
            {(actions.data?.actions ?? []).map((x) => (
              <li key={x.id}>
                {fmtTime(x.at)} · {show(x.action)} {show(x.target)} · {show(x.status)}
                {x.dry_run === true ? ' (dry run)' : ''}
                {x.undone_at !== undefined ? ` · undone ${fmtTime(x.undone_at)}` : ''}
              </li>
            ))}
          </ul>
        </div>
        <div className="panel">
          <h2>Comments</h2>
          {(va.comments ?? []).length === 0 ? <p className="muted">No comments.</p> : null}
          <ul>
            {(va.comments ?? []).map((c, i) => (
              <li key={i}>
                <span className="time">{fmtTime(c.at)}</span> {show(c.who)}: {show(c.text)}
              </li>
            ))}
          </ul>
        </div>
        <div className="panel">
          <h2>History</h2>
          {(va.history ?? []).length === 0 ? <p className="muted">No changes yet.</p> : null}
          <ul>
            {(va.history ?? []).map((h, i) => (
              <li key={i}>
                <span className="time">{fmtTime(h.at)}</span> {show(h.who)} {show(h.action)} {h.from !== undefined ? `${show(h.from)} → ${show(h.to)}` : ''} {h.reason !== undefined ? `(${show(h.reason)})` : ''} {h.comment !== undefined ? `“${show(h.comment)}”` : ''}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
