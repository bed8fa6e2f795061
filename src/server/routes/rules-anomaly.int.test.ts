import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { serve, testConfig, until, type Json, type Served } from '../../alerting/harness.js';

/**
 * Baseline and silence rules (`vigil: baseline|silence`, docs/anomaly.md) uploaded through POST /api/v1/rules on the
 * real server: checked like Sigma uploads (problems with their line, nothing stored), hot-added (a new rule learns and
 * alerts at once), a changed rule starts again while every other rule keeps its state, and loaded again after a restart.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-anomaly-'));
const token = `anomaly-${process.pid}-${Date.now().toString(36)}`;
let served: Served | undefined;
after(async () => {
  await served?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** the shipped per-address traffic baseline (rules/anomaly/traffic_spike.yml) */
const SHIPPED_SPIKE = '70c4ef5e-313f-4014-b21b-25d6ac6d3063';
const BASE = 'c0b6a3f2-5e41-4d7a-9a8e-2f1d0c9b8a71';
const QUIET = 'd4e2f7a1-8b3c-4e59-a06d-7c1b2a3f4e50';
const SIGMA = 'e8a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b';
const COMBINED = 'f1e2d3c4-b5a6-4978-8a6b-5c4d3e2f1a0b';
/** the shipped SSH brute-force correlation */
const BRUTE = '3f9d6c52-8a1e-4c57-b0d4-6e2a9f41c7a3';

const baseline = (title: string, min: number): string => `title: ${title}
id: ${BASE}
vigil: baseline
query: 'host.name:anom-*'
key: host.name
metric: count
bucket: 1m
warmup: 0
threshold:
  sigma: 0
  factor: 1
  min: ${min}
level: high
`;
const SILENCE = `title: Host went quiet
id: ${QUIET}
vigil: silence
query: 'host.name:anom-*'
key: host.name
min_events: 5
min_silence: 10m
level: medium
`;
const BAD_METRIC = `title: broken baseline
id: 0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d
vigil: baseline
key: host.name
metric: median(network.bytes)
level: low
`;
const NO_ID = `title: no id
vigil: baseline
key: host.name
`;
const SIGMA_RULE = `title: Anomaly test marker
id: ${SIGMA}
logsource:
  product: linux
detection:
  keywords:
    - 'marker-gamma'
  condition: keywords
level: low
`;

function syslogTime(): string {
  const d = new Date();
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
}

async function ingest(s: Served, lines: string[]): Promise<void> {
  const r = await s.api('/api/v1/ingest', { method: 'POST', body: lines.join('\n') + '\n', contentType: 'text/plain' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

async function status(s: Served, id: string): Promise<Json | undefined> {
  return ((await s.api('/api/v1/rules')).body['rules'] as Json[]).find((r) => r['id'] === id);
}

const groups = async (s: Served, id: string): Promise<number> => Number((await status(s, id))?.['groups']);
const uploaded = (): string[] => readdirSync(join(dir, 'rules', 'uploaded')).sort();

test('baseline and silence rules: uploaded, checked, hot-added; a changed one starts again, the others keep their state', { timeout: 120_000 }, async () => {
  served = await serve(testConfig(dir), token);
  let s = served;

  // checked as the loader checks rule files: problems with their line; nothing stored
  const bad = await s.api('/api/v1/rules', { method: 'POST', body: BAD_METRIC, contentType: 'application/yaml' });
  assert.equal(bad.status, 400, JSON.stringify(bad.body));
  const problems = bad.body['problems'] as Json[];
  assert.equal(problems[0]?.['code'], 'VIGIL_ANOMALY_BAD_METRIC', JSON.stringify(problems));
  assert.equal(problems[0]?.['file'], 'upload');
  assert.equal(problems[0]?.['line'], 1);
  const noId = await s.api('/api/v1/rules', { method: 'POST', body: NO_ID, contentType: 'application/yaml' });
  assert.equal(noId.status, 400, JSON.stringify(noId.body));
  assert.equal((noId.body['problems'] as Json[])[0]?.['code'], 'VIGIL_RULE_NO_ID');
  const hunted = await s.api('/api/v1/rules', { method: 'POST', body: { yaml: baseline('x', 5), hunt_from: '-1h' } });
  assert.equal(hunted.status, 400, JSON.stringify(hunted.body));
  // an id another rule has: refused, whichever loader would keep which (the shipped rules stay as they are)
  const takesShipped = await s.api('/api/v1/rules', { method: 'POST', body: SIGMA_RULE.replace(SIGMA, SHIPPED_SPIKE), contentType: 'application/yaml' });
  assert.equal(takesShipped.status, 400, JSON.stringify(takesShipped.body));
  const dup = (takesShipped.body['problems'] as Json[])[0];
  assert.equal(dup?.['code'], 'VIGIL_ANOMALY_DUPLICATE_ID', JSON.stringify(dup));
  assert.match(String(dup?.['file']), /rules\/anomaly\/traffic_spike\.yml$/);
  const takesSigma = await s.api('/api/v1/rules', { method: 'POST', body: baseline('x', 5).replace(BASE, BRUTE), contentType: 'application/yaml' });
  assert.equal(takesSigma.status, 400, JSON.stringify(takesSigma.body));
  assert.equal((takesSigma.body['problems'] as Json[])[0]?.['code'], 'VIGIL_ANOMALY_DUPLICATE_ID');
  assert.equal((await status(s, SHIPPED_SPIKE))?.['kind'], 'anomaly');
  assert.equal((await status(s, BRUTE))?.['kind'], 'correlation');
  assert.deepEqual(uploaded(), []);

  // a shipped baseline rule learns one key from an address
  await ingest(s, [0, 1, 2].map((i) => `${syslogTime()} bastion sshd[${200 + i}]: Failed password for invalid user v${i} from 198.51.100.91 port ${41000 + i} ssh2`));
  await until('shipped baseline key', async () => (await groups(s, SHIPPED_SPIKE)) >= 1);
  const shippedGroups = await groups(s, SHIPPED_SPIKE);

  // hot-added: listed at once, learns and alerts on the events that follow
  const up = await s.api('/api/v1/rules', { method: 'POST', body: baseline('Host burst', 5), contentType: 'application/yaml' });
  assert.equal(up.status, 201, JSON.stringify(up.body));
  assert.deepEqual(up.body['rules'], [BASE]);
  const fresh = await status(s, BASE);
  assert.equal(fresh?.['kind'], 'anomaly');
  assert.equal(fresh?.['type'], 'baseline');
  assert.equal(fresh?.['groups'], 0);
  const silence = await s.api('/api/v1/rules', { method: 'POST', body: SILENCE, contentType: 'text/plain' });
  assert.equal(silence.status, 201, JSON.stringify(silence.body));
  assert.equal((await status(s, QUIET))?.['type'], 'silence');
  assert.deepEqual(uploaded(), [`${BASE}.yml`, `${QUIET}.yml`]);
  // switched off and on again like any rule
  const off = await s.api(`/api/v1/rules/${BASE}/enabled`, { method: 'POST', body: { enabled: false } });
  assert.equal(off.status, 200, JSON.stringify(off.body));
  assert.equal((await status(s, BASE))?.['enabled'], false);
  const on = await s.api(`/api/v1/rules/${BASE}/enabled`, { method: 'POST', body: { enabled: true } });
  assert.equal(on.status, 200, JSON.stringify(on.body));
  assert.equal((await status(s, BASE))?.['enabled'], true);

  await ingest(s, Array.from({ length: 20 }, (_, i) => `${syslogTime()} anom-a app[9]: burst line ${i}`));
  await until('baseline alert', async () => {
    const a = await s.api(`/api/v1/alerts?rule=${BASE}`);
    return ((a.body['alerts'] as Json[] | undefined) ?? []).length > 0;
  });
  assert.equal(await groups(s, BASE), 1);
  await until('silence rule key', async () => (await groups(s, QUIET)) === 1);
  assert.equal(await groups(s, SHIPPED_SPIKE), shippedGroups);

  // another upload (a Sigma rule): every baseline and silence rule keeps its keys
  const sigma = await s.api('/api/v1/rules', { method: 'POST', body: SIGMA_RULE, contentType: 'application/yaml' });
  assert.equal(sigma.status, 201, JSON.stringify(sigma.body));
  assert.equal(await groups(s, BASE), 1);
  assert.equal(await groups(s, QUIET), 1);
  assert.equal(await groups(s, SHIPPED_SPIKE), shippedGroups);

  // the same rule with another title only: its state is kept
  const renamed = await s.api('/api/v1/rules', { method: 'POST', body: baseline('Host burst (renamed)', 5), contentType: 'application/yaml' });
  assert.equal(renamed.status, 201, JSON.stringify(renamed.body));
  assert.equal((await status(s, BASE))?.['title'], 'Host burst (renamed)');
  assert.equal(await groups(s, BASE), 1);

  // a changed definition (threshold): it starts learning again; the others keep theirs
  const changed = await s.api('/api/v1/rules', { method: 'POST', body: baseline('Host burst (renamed)', 500), contentType: 'application/yaml' });
  assert.equal(changed.status, 201, JSON.stringify(changed.body));
  assert.equal(await groups(s, BASE), 0);
  assert.equal(await groups(s, QUIET), 1);
  assert.equal(await groups(s, SHIPPED_SPIKE), shippedGroups);
  await ingest(s, [`${syslogTime()} anom-b app[9]: one line`]);
  await until('changed rule learns', async () => (await groups(s, BASE)) === 1);

  // a file defining an id an earlier upload defined replaces that upload (a silence rule's id here); unchanged, the
  // silence rule keeps its keys (anom-a and anom-b) though it now lives in another file
  assert.equal(await groups(s, QUIET), 2);
  const combined = await s.api('/api/v1/rules', { method: 'POST', body: `${SIGMA_RULE.replace(SIGMA, COMBINED).replace('marker-gamma', 'marker-epsilon')}---\n${SILENCE}`, contentType: 'application/yaml' });
  assert.equal(combined.status, 201, JSON.stringify(combined.body));
  assert.deepEqual(combined.body['rules'], [COMBINED, QUIET]);
  assert.deepEqual(uploaded(), [BASE, COMBINED, SIGMA].map((x) => `${x}.yml`).sort());
  assert.equal(await groups(s, QUIET), 2);
  assert.match(String((await status(s, QUIET))?.['file']), new RegExp(`${COMBINED}\\.yml$`));

  // restart: the uploads are loaded at start
  await s.stop();
  served = await serve(testConfig(dir), token);
  s = served;
  const again = await status(s, BASE);
  assert.equal(again?.['kind'], 'anomaly');
  assert.equal(again?.['title'], 'Host burst (renamed)');
  assert.equal((await status(s, QUIET))?.['type'], 'silence');
  const one = await s.api(`/api/v1/rules/${BASE}`);
  assert.equal(one.status, 200);
  assert.match(String(one.body['yaml']), /min: 500/);
});
