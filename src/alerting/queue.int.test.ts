import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { path, serve, testConfig, until, type Json, type Served } from './harness.js';

/*
 * The alert queue through the real server (store, pipeline, detection, queue, HTTP): risk ordering by asset
 * criticality, grouping of repeats, per-entity suppression, building blocks, the entity risk threshold, the triage
 * lifecycle with history, the asset inventory, and state that survives a restart.
 */

const TOKEN = `alerting-test-${process.pid}-${Date.now().toString(36)}`;
const BRUTE_FORCE = '3f9d6c52-8a1e-4c57-b0d4-6e2a9f41c7a3';
const REPEAT = 'a1a1a1a1-0000-4000-8000-000000000001';
const BB = 'a1a1a1a1-0000-4000-8000-000000000002';
const dirs: string[] = [];
const servers: Served[] = [];

after(async () => {
  for (const s of servers) await s.stop().catch(() => {});
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'vigil-alerting-'));
  dirs.push(d);
  return d;
}

type Alert = Json & { id: string };

async function alerts(s: Served, query: string): Promise<{ total: number; alerts: Alert[] }> {
  const r = await s.api(`/api/v1/alerts?${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as unknown as { total: number; alerts: Alert[] };
}

const syslogTime = (d: Date): string => `${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
const failure = (host: string, ip: string, i: number, at: Date): string => `${syslogTime(at)} ${host} sshd[${24200 + i}]: Failed password for invalid user guest${i} from ${ip} port ${40000 + i} ssh2`;

async function ingestLines(s: Served, lines: string[]): Promise<void> {
  const r = await s.api('/api/v1/ingest', { method: 'POST', body: `${lines.join('\n')}\n`, contentType: 'text/plain' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

async function ingestEvents(s: Served, events: Json[]): Promise<void> {
  const r = await s.api('/api/v1/ingest', { method: 'POST', body: `${events.map((e) => JSON.stringify(e)).join('\n')}\n`, contentType: 'application/x-ndjson' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body['accepted'], events.length);
}

test('risk, lifecycle, assets and restart through the HTTP API', async () => {
  const dir = tmp();
  const config = testConfig(dir, {
    assets: {
      inventory: [
        { name: 'db-1', kind: 'host', match: ['db-1'], criticality: 5, owner: 'dba', environment: 'prod' },
        { name: 'lab-7', kind: 'host', match: ['lab-7'], criticality: 1, environment: 'lab' },
      ],
    },
  });
  let s = await serve(config, TOKEN);
  servers.push(s);
  const now = Date.now();
  // the same brute force against a critical database server, then (later) against a lab host
  await ingestLines(s, Array.from({ length: 12 }, (_, i) => failure('db-1', '203.0.113.50', i, new Date(now - 120_000 + i * 1000))));
  await until('the first alert', async () => (await alerts(s, 'rule=' + BRUTE_FORCE)).total === 1);
  await ingestLines(s, Array.from({ length: 12 }, (_, i) => failure('lab-7', '203.0.113.60', i, new Date(now - 60_000 + i * 1000))));
  await until('both alerts', async () => (await alerts(s, 'rule=' + BRUTE_FORCE)).total === 2);

  // other shipped rules may fire on the same lines: every list here is of the one rule
  const bf = `rule=${BRUTE_FORCE}`;
  const byRisk = (await alerts(s, bf)).alerts;
  assert.deepEqual(byRisk.map((a) => path(a, 'vigil.alert.entities.host_name')), [['db-1'], ['lab-7']], 'the critical asset outranks the lab host');
  const [critical, lab] = byRisk as [Alert, Alert];
  assert.ok((path(critical, 'event.risk_score') as number) > (path(lab, 'event.risk_score') as number));
  // medium (50) x criticality 5 (1.5) x experimental (0.9) = 67.5; x criticality 1 (0.5) = 22.5; each times the
  // history factor (1 + 0.1 per earlier alert on the same entities: other shipped rules may alert on these lines too)
  const withHistory = (base: number): number[] => [1, 1.1, 1.2, 1.3, 1.4, 1.5].map((h) => Math.round(base * h));
  assert.ok(withHistory(67.5).includes(path(critical, 'event.risk_score') as number), String(path(critical, 'event.risk_score')));
  assert.ok(withHistory(22.5).includes(path(lab, 'event.risk_score') as number), String(path(lab, 'event.risk_score')));
  assert.deepEqual(path(critical, 'vigil.alert.assets'), [{ name: 'db-1', kind: 'host', criticality: 5, field: 'host.name', value: 'db-1', owner: 'dba', environment: 'prod', tags: [] }]);
  assert.deepEqual(path(critical, 'vigil.alert.entities.source_ip'), ['203.0.113.50']);
  assert.equal(path(critical, 'vigil.alert.count'), 1);
  assert.equal(path(critical, 'vigil.alert.building_block'), false);
  assert.equal(path(critical, 'vigil.alert.status'), 'open');
  assert.equal(path(critical, 'vigil.alert.assignee'), null);
  assert.deepEqual((await alerts(s, `${bf}&sort=time`)).alerts.map((a) => a.id), [lab.id, critical.id], 'newest first by time');
  assert.deepEqual((await alerts(s, `${bf}&asset=db-1`)).alerts.map((a) => a.id), [critical.id]);
  assert.deepEqual((await alerts(s, `${bf}&entity=203.0.113.60`)).alerts.map((a) => a.id), [lab.id]);
  assert.equal((await alerts(s, `${bf}&min_risk=50`)).total, 1);
  // the stored alert document carries its risk and assets and is covered by search
  const stored = await s.api(`/api/v1/search?q=${encodeURIComponent(`event.kind:alert and event.id:"${critical.id}"`)}`);
  assert.equal(path(stored.body, 'total'), 1);
  assert.equal(path((stored.body['events'] as Json[])[0], 'event.risk_score'), path(critical, 'event.risk_score'));
  // events are stamped with the criticality of the assets they involve
  const stamped = await s.api(`/api/v1/search?q=${encodeURIComponent('event.kind:event and host.asset.name:db-1 and host.asset.criticality:5')}&limit=0`);
  assert.equal(stamped.body['total'], 12, JSON.stringify(stamped.body));

  // lifecycle with validation errors
  const st = (id: string, body: unknown, user?: string) => s.api(`/api/v1/alerts/${id}/status`, { method: 'POST', body, ...(user ? { user } : {}) });
  let r = await st(critical.id, { status: 'closed' });
  assert.equal(r.status, 400);
  assert.equal(path(r.body, 'error.code'), 'VIGIL_ERR_BAD_REQUEST');
  assert.match(String(path(r.body, 'error.message')), /^reason: /);
  r = await st(critical.id, { status: 'done' });
  assert.equal(r.status, 400);
  assert.match(String(path(r.body, 'error.message')), /^status: /);
  assert.equal((await st(critical.id, { status: 'open', reason: 'benign' })).status, 400);
  assert.equal((await st(critical.id, { status: 'acknowledged', extra: 1 })).status, 400);
  assert.equal((await st(critical.id, { status: 'acknowledged' }, 'bad user!')).status, 400);
  assert.equal((await st('00000000-0000-0000-0000-000000000000', { status: 'acknowledged' })).status, 404);
  r = await st(critical.id, { status: 'acknowledged', assignee: 'bob' }, 'alice');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(path(r.body, 'vigil.alert.status'), 'acknowledged');
  assert.equal(path(r.body, 'vigil.alert.assignee'), 'bob');
  r = await st(critical.id, { status: 'closed', reason: 'true_positive', comment: 'password reset, address blocked' });
  assert.equal(r.status, 200);
  assert.equal(path(r.body, 'vigil.alert.close_reason'), 'true_positive');
  const c = await s.api(`/api/v1/alerts/${critical.id}/comments`, { method: 'POST', body: { text: 'post-mortem filed' }, user: 'carol' });
  assert.equal(c.status, 201);
  assert.equal(path(c.body, 'who'), 'carol');
  assert.equal((await s.api(`/api/v1/alerts/${critical.id}/comments`, { method: 'POST', body: { text: '' } })).status, 400);
  r = await st(critical.id, { status: 'open' }, 'alice');
  assert.equal(path(r.body, 'vigil.alert.close_reason'), null, 'reopening clears the reason');
  const bulk = await s.api('/api/v1/alerts/status', { method: 'POST', body: { ids: [lab.id, 'no-such-alert'], status: 'closed', reason: 'benign' } });
  assert.deepEqual(bulk.body, { updated: 1, missing: ['no-such-alert'] });
  assert.equal((await s.api('/api/v1/alerts/status', { method: 'POST', body: { ids: [lab.id], status: 'closed' } })).status, 400);
  assert.deepEqual((await alerts(s, `${bf}&status=closed`)).alerts.map((a) => a.id), [lab.id]);

  const historyOf = async (id: string): Promise<Json[]> => {
    const one = await s.api(`/api/v1/alerts/${id}`);
    assert.equal(one.status, 200);
    return path(one.body, 'vigil.alert.history') as Json[];
  };
  const history = (await historyOf(critical.id)).map(({ at, ...h }) => {
    assert.ok(!Number.isNaN(Date.parse(String(at))));
    return h;
  });
  assert.deepEqual(history, [
    { who: 'alice', action: 'acknowledge', from: 'open', to: 'acknowledged' },
    { who: 'alice', action: 'assign', from: null, to: 'bob' },
    { who: 'admin', action: 'close', from: 'acknowledged', to: 'closed', reason: 'true_positive', comment: 'password reset, address blocked' },
    { who: 'carol', action: 'comment', from: null, to: null, comment: 'post-mortem filed' },
    { who: 'alice', action: 'reopen', from: 'closed', to: 'open' },
  ]);

  // assets: GET, PUT one, PUT all with validation errors, DELETE
  let a = await s.api('/api/v1/assets');
  assert.deepEqual((a.body['assets'] as Json[]).map((x) => x['name']), ['db-1', 'lab-7']);
  assert.ok((a.body['internal_networks'] as string[]).includes('10.0.0.0/8'));
  a = await s.api('/api/v1/assets/web-1', { method: 'PUT', body: { kind: 'host', match: ['web-1', '192.0.2.10'], criticality: 4 } });
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.deepEqual(a.body, { name: 'web-1', kind: 'host', match: ['web-1', '192.0.2.10'], criticality: 4, tags: [] });
  a = await s.api('/api/v1/assets', { method: 'PUT', body: { assets: [{ name: 'x', kind: 'host', match: ['x'], criticality: 2 }, { name: 'y', kind: 'network', match: ['10.0.0.0/40'], criticality: 7 }] } });
  assert.equal(a.status, 400);
  assert.match(String(path(a.body, 'error.message')), /assets\.1\.criticality/);
  a = await s.api('/api/v1/assets', { method: 'PUT', body: { assets: [{ name: 'y', kind: 'network', match: ['10.0.0.0/40'], criticality: 3 }] } });
  assert.equal(a.status, 400);
  assert.match(String(path(a.body, 'error.message')), /^assets\.0\.match\.0: /);
  assert.equal((await s.api('/api/v1/assets', { method: 'PUT', body: [] })).status, 400);
  assert.equal((await s.api('/api/v1/assets/web-1', { method: 'PUT', body: { name: 'other', kind: 'host', match: ['x'], criticality: 1 } })).status, 400);
  assert.equal((await s.api('/api/v1/assets', { method: 'GET' })).body['assets'] instanceof Array, true);
  assert.deepEqual(((await s.api('/api/v1/assets')).body['assets'] as Json[]).map((x) => x['name']), ['db-1', 'lab-7', 'web-1'], 'a refused PUT changed nothing');
  assert.equal((await s.api('/api/v1/assets/lab-7', { method: 'DELETE' })).status, 200);
  assert.equal((await s.api('/api/v1/assets/lab-7', { method: 'DELETE' })).status, 404);
  const inventory = ((await s.api('/api/v1/assets')).body['assets'] as Json[]).map((x) => x['name']);
  assert.deepEqual(inventory, ['db-1', 'web-1']);

  // restart: triage state, history and edited assets are kept
  await s.stop();
  servers.pop();
  s = await serve(config, TOKEN);
  servers.push(s);
  assert.deepEqual(((await s.api('/api/v1/assets')).body['assets'] as Json[]).map((x) => x['name']), inventory, 'API edits win over the seed after a restart');
  assert.equal(path((await alerts(s, `${bf}&status=closed`)).alerts[0], 'id'), lab.id);
  assert.equal((await historyOf(critical.id)).length, 5);
  assert.equal(path((await s.api(`/api/v1/alerts/${critical.id}`)).body, 'vigil.alert.comments.1.text'), 'post-mortem filed');
  assert.equal((await alerts(s, bf)).total, 2, 'no alert taken in twice');
});

test('grouping, per-entity suppression, building blocks and the entity risk threshold', async () => {
  const dir = tmp();
  const rules = join(dir, 'rules.yml');
  writeFileSync(
    rules,
    [
      `title: Test repeat\nid: ${REPEAT}\nstatus: stable\nlogsource:\n  product: linux\ndetection:\n  sel:\n    event.action: test_repeat\n  condition: sel\nlevel: high\n`,
      `title: Test building block\nid: ${BB}\nstatus: stable\nlogsource:\n  product: linux\ndetection:\n  sel:\n    event.action: test_bb\n  condition: sel\nlevel: informational\n`,
    ].join('---\n'),
  );
  const s = await serve(testConfig(dir, { rules: { paths: [rules] }, alerting: { risk_threshold: 100 } }), TOKEN);
  servers.push(s);

  // suppression: validation, then one entity silenced
  let r = await s.api('/api/v1/suppressions', { method: 'POST', body: { rule_id: REPEAT, reason: 'rule-wide' } });
  assert.equal(r.status, 400, 'per entity, not per rule');
  assert.match(String(path(r.body, 'error.message')), /^entity: /);
  assert.equal((await s.api('/api/v1/suppressions', { method: 'POST', body: { entity: '198.51.100.66', reason: 'x', duration: '2 days' } })).status, 400);
  assert.equal((await s.api('/api/v1/suppressions', { method: 'POST', body: { entity: '198.51.100.66', reason: 'x', until: '2001-01-01T00:00:00Z' } })).status, 400);
  r = await s.api('/api/v1/suppressions', { method: 'POST', body: { entity: '198.51.100.66', reason: 'scanner we run', duration: '1d' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const supId = String(r.body['id']);

  const ev = (action: string, ip: string, i: number): Json => ({
    '@timestamp': new Date(Date.now() - 5000 + i).toISOString(),
    message: `${action} ${i}`,
    event: { action },
    log: { syslog: { appname: 'test' } },
    source: { ip },
  });
  const batch: Json[] = [];
  for (let i = 0; i < 1000; i++) batch.push(ev('test_repeat', '198.51.100.7', i));
  for (let i = 0; i < 5; i++) batch.push(ev('test_repeat', '198.51.100.66', i), ev('test_repeat', '198.51.100.8', i));
  for (let i = 0; i < 3; i++) batch.push(ev('test_bb', '198.51.100.9', i));
  batch.push(ev('test_bb', '198.51.100.11', 0));
  await ingestEvents(s, batch);
  await until('1000 repeats counted', async () => {
    const list = (await alerts(s, `rule=${REPEAT}&entity=198.51.100.7`)).alerts;
    return path(list[0], 'vigil.alert.count') === 1000;
  });
  const repeat = await alerts(s, `rule=${REPEAT}`);
  assert.deepEqual(
    repeat.alerts.map((a) => [path(a, 'vigil.alert.entities.source_ip'), path(a, 'vigil.alert.count')]),
    [
      [['198.51.100.7'], 1000],
      [['198.51.100.8'], 5],
    ],
    'one grouped alert per entity; the suppressed entity raised nothing',
  );
  const grouped = repeat.alerts[0] as Alert;
  assert.ok(Date.parse(String(path(grouped, 'vigil.alert.last_seen'))) > Date.parse(String(path(grouped, 'vigil.alert.first_seen'))));
  assert.equal((path(grouped, 'vigil.alert.evidence_ids') as string[]).length, 100, 'evidence ids kept are bounded');
  const sup = (await s.api('/api/v1/suppressions')).body['suppressions'] as Json[];
  assert.equal(sup.length, 1);
  assert.equal(sup[0]?.['hits'], 5);
  const metrics = await (await fetch(`${s.running.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(10_000) })).text();
  assert.match(metrics, /^vigil_component_discarded_events_total\{component="alert_queue",kind="transform",reason="suppressed",intentional="true"\} 5$/m, 'a suppression is a counted, intentional drop');
  const storedRepeats = await s.api(`/api/v1/search?q=${encodeURIComponent(`event.kind:alert and rule.id:"${REPEAT}"`)}&limit=0`);
  assert.equal(storedRepeats.body['total'], 2, 'the store keeps one document per grouped alert');

  // building blocks: out of the default queue, in it with building_blocks=true
  assert.equal((await alerts(s, `rule=${BB}`)).total, 0);
  const bbs = await alerts(s, `rule=${BB}&building_blocks=true&entity=198.51.100.9`);
  assert.equal(bbs.total, 1);
  assert.equal(path(bbs.alerts[0], 'vigil.alert.building_block'), true);
  assert.equal(path(bbs.alerts[0], 'vigil.alert.count'), 3);

  // entity risk: 198.51.100.7 and .8 crossed the threshold (100) with their repeats; the suppressed one did not
  const entity = async (ip: string): Promise<number> => (await alerts(s, `rule=vigil-entity-risk&entity=${ip}`)).total;
  await until('entity risk alerts', async () => (await entity('198.51.100.7')) === 1 && (await entity('198.51.100.8')) === 1);
  assert.equal(await entity('198.51.100.66'), 0);
  // the building blocks' risk counts: one alert on top of .9's building blocks crosses, the same on .10 does not
  await ingestEvents(s, [ev('test_repeat', '198.51.100.9', 0), ev('test_repeat', '198.51.100.10', 0)]);
  await until('the alerts on .9 and .10', async () => (await alerts(s, `rule=${REPEAT}`)).total === 4);
  await until('the entity risk alert on .9', async () => (await entity('198.51.100.9')) === 1);
  assert.equal(await entity('198.51.100.10'), 0);
  assert.equal(await entity('198.51.100.11'), 0, 'one building block alone stays below');
  const risk = async (ip: string): Promise<unknown> => path((await alerts(s, `rule=${REPEAT}&entity=${ip}`)).alerts[0], 'event.risk_score');
  assert.ok((await risk('198.51.100.9')) as number > ((await risk('198.51.100.10')) as number), 'history raises the risk');
  const ea = (await alerts(s, 'rule=vigil-entity-risk&entity=198.51.100.9')).alerts[0] as Alert;
  assert.deepEqual(path(ea, 'vigil.alert.group'), { source: { ip: '198.51.100.9' } });
  assert.equal((path(ea, 'vigil.alert.evidence_ids') as string[]).length, 2, 'the building block and the alert that crossed');

  // deleting the suppression lets the entity raise again
  assert.equal((await s.api(`/api/v1/suppressions/${supId}`, { method: 'DELETE' })).status, 200);
  assert.equal((await s.api(`/api/v1/suppressions/${supId}`, { method: 'DELETE' })).status, 404);
  await ingestEvents(s, [ev('test_repeat', '198.51.100.66', 99)]);
  await until('the unsuppressed entity', async () => (await alerts(s, `rule=${REPEAT}&entity=198.51.100.66`)).total === 1);
});
