import { useState, type ReactNode } from 'react';
import { call, errorText } from '../api';
import { ErrorBox, Loading, Severity } from '../components/Status';
import { navigate, useApi, type Route } from '../hooks';
import { fmtTime, prettyJson, show, visible } from '../safe';
import type { Problem, RuleStatus } from '../types';

interface RuleDetail extends RuleStatus {
  yaml?: string;
  tests?: boolean;
}

/** Rules: status, hits, last hit, enable/disable, the YAML, tests, hunting, and uploading a new rule. */
export function RulesPage({ route }: { route: Route }): ReactNode {
  const list = useApi<{ rules: RuleStatus[]; problems: Problem[] }>('/rules', 15_000);
  const selected = route.params.get('id') ?? undefined;
  const [filter, setFilter] = useState('');
  const [toggleErr, setToggleErr] = useState<unknown>(undefined);
  const rules = (list.data?.rules ?? []).filter((r) => filter === '' || `${r.title} ${r.id} ${r.tags.join(' ')}`.toLowerCase().includes(filter.toLowerCase()));
  const toggle = (r: RuleStatus): void => {
    setToggleErr(undefined);
    call(`/rules/${encodeURIComponent(r.id)}/enabled`, { method: 'POST', body: { enabled: r.enabled === false } })
      .then(() => list.reload())
      .catch((e: unknown) => setToggleErr(e));
  };
  return (
    <section className="page" aria-labelledby="h-rules">
      <div className="page-head">
        <h1 id="h-rules" tabIndex={-1}>
          Rules
        </h1>
        <Loading on={list.loading && !list.data} />
        <label>
          Filter <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="title, id or tag" />
        </label>
      </div>
      <ErrorBox error={list.error} what="Rules" />
      <ErrorBox error={toggleErr} what="Enabling or disabling a rule" />
      {(list.data?.problems.length ?? 0) > 0 && (
        <details className="panel">
          <summary>{list.data?.problems.length} rule problem(s)</summary>
          <pre className="json">{prettyJson(list.data?.problems)}</pre>
        </details>
      )}
      <div className="rules-layout">
        <div className="table-scroll rules-table">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Level</th>
                <th scope="col">Status</th>
                <th scope="col">Kind</th>
                <th scope="col">Hits</th>
                <th scope="col">Alerts</th>
                <th scope="col">Last hit</th>
                <th scope="col">Enabled</th>
              </tr>
            </thead>
            <tbody>
              {rules.map((r) => (
                <tr key={r.id} className={selected === r.id ? 'selected' : ''}>
                  <td>
                    <button type="button" className="linkish" onClick={() => navigate('rules', { id: r.id })}>
                      {show(r.title)}
                    </button>
                  </td>
                  <td>
                    <Severity level={r.level} />
                  </td>
                  <td>{show(r.status)}</td>
                  <td>{show(r.type)}</td>
                  <td className="num">{r.hits}</td>
                  <td className="num">{r.alerts}</td>
                  <td>{r.last_hit ? fmtTime(r.last_hit) : '—'}</td>
                  <td>
                    <label className="switch">
                      <input type="checkbox" checked={r.enabled !== false} onChange={() => toggle(r)} aria-label={`Rule ${r.title} enabled`} />
                      {r.enabled !== false ? 'on' : 'off'}
                    </label>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="rules-side">
          {selected !== undefined && <RuleDetailPanel id={selected} summary={list.data?.rules.find((r) => r.id === selected)} />}
          <UploadRule onDone={() => list.reload()} />
        </div>
      </div>
    </section>
  );
}

function RuleDetailPanel({ id, summary }: { id: string; summary: RuleStatus | undefined }): ReactNode {
  const d = useApi<RuleDetail>(`/rules/${encodeURIComponent(id)}`);
  const [test, setTest] = useState<unknown>(undefined);
  const [testErr, setTestErr] = useState<unknown>(undefined);
  const [huntFrom, setHuntFrom] = useState('-7d');
  const [hunt, setHunt] = useState<unknown>(undefined);
  const [huntErr, setHuntErr] = useState<unknown>(undefined);
  const rule = d.data ?? summary;
  return (
    <div className="panel" aria-label="Rule details">
      <h2>{show(rule?.title ?? id)}</h2>
      <p className="muted">
        {show(id)} · {show(rule?.file)}
      </p>
      <div className="row-buttons">
        <button
          type="button"
          onClick={() => {
            setTestErr(undefined);
            setTest(undefined);
            call(`/rules/${encodeURIComponent(id)}/test`, { method: 'POST', body: {} })
              .then(setTest)
              .catch((e: unknown) => setTestErr(e));
          }}
        >
          Run its tests
        </button>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setHuntErr(undefined);
            setHunt(undefined);
            call('/hunt', { method: 'POST', body: { rule_id: id, from: huntFrom, limit: 100 } })
              .then(setHunt)
              .catch((err: unknown) => setHuntErr(err));
          }}
        >
          <label>
            Hunt from{' '}
            <select value={huntFrom} onChange={(e) => setHuntFrom(e.target.value)}>
              <option value="-24h">last 24 hours</option>
              <option value="-7d">last 7 days</option>
              <option value="-30d">last 30 days</option>
              <option value="0">all time</option>
            </select>
          </label>
          <button type="submit">Hunt</button>
        </form>
      </div>
      <ErrorBox error={testErr} what="Rule tests" />
      {test !== undefined && <TestResult r={test} />}
      <ErrorBox error={huntErr} what="Hunt" />
      {hunt !== undefined && <pre className="json small">{prettyJson(hunt)}</pre>}
      <h3>YAML</h3>
      <ErrorBox error={d.error} what="Rule YAML" />
      {d.data?.yaml !== undefined && <pre className="yaml">{visible(d.data.yaml)}</pre>}
      {d.data?.tests !== undefined && <p className="muted">{d.data.tests ? 'has a tests file' : 'no tests file'}</p>}
    </div>
  );
}

function TestResult({ r }: { r: unknown }): ReactNode {
  const o = r as { ok?: boolean; untested?: boolean; results?: unknown[] };
  return (
    <div className={`test-result ${o.ok === true ? 'ok' : 'bad'}`} role="status">
      <strong>{o.untested === true ? 'No tests for this rule' : o.ok === true ? 'Tests pass' : 'Tests fail'}</strong>
      <pre className="json small">{prettyJson(o.results ?? r)}</pre>
    </div>
  );
}

function UploadRule({ onDone }: { onDone: () => void }): ReactNode {
  const [yaml, setYaml] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  return (
    <form
      className="panel upload"
      aria-labelledby="h-upload"
      onSubmit={(e) => {
        e.preventDefault();
        setResult(undefined);
        call<{ rules: string[]; problems: Problem[] }>('/rules', { method: 'POST', body: { yaml } })
          .then((r) => {
            setResult({ ok: true, text: `uploaded: ${r.rules.join(', ')}${r.problems.length > 0 ? ` (problems: ${JSON.stringify(r.problems)})` : ''}` });
            onDone();
            const first = r.rules[0];
            if (first !== undefined) navigate('rules', { id: first });
          })
          .catch((err: unknown) => {
            const body = (err as { body?: { problems?: unknown } }).body;
            setResult({ ok: false, text: `${errorText(err)}${body?.problems !== undefined ? `\n${JSON.stringify(body.problems, null, 2)}` : ''}` });
          });
      }}
    >
      <h2 id="h-upload">Upload a rule</h2>
      <label>
        YAML file{' '}
        <input
          type="file"
          accept=".yml,.yaml,text/yaml,application/yaml,text/plain"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void f.text().then(setYaml);
          }}
        />
      </label>
      <label htmlFor="rule-yaml">Rule YAML (Sigma)</label>
      <textarea id="rule-yaml" rows={10} value={yaml} onChange={(e) => setYaml(e.target.value)} spellCheck={false} required />
      <button type="submit" className="primary">
        Upload
      </button>
      {result && (
        <pre className={result.ok ? 'ok' : 'error'} role="status">
          {visible(result.text)}
        </pre>
      )}
    </form>
  );
}
