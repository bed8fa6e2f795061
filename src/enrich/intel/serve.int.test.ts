import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { serve, testConfig, until, type Json, type Served } from '../../alerting/harness.js';

/** Threat intelligence in a real `vigil serve` (in-process): a feed file, a line over the API, the alert in the queue. */
const dir = mkdtempSync(join(tmpdir(), 'vigil-intel-serve-'));
let served: Served | undefined;
after(async () => {
  await served?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('vigil serve: an event from a listed address is enriched and raises the feed alert; health shows the feed', { timeout: 90_000 }, async () => {
  const feed = join(dir, 'ips.csv');
  writeFileSync(feed, 'ip,comment\n203.0.113.99,"scanner, seen 2026-11"\n');
  served = await serve(testConfig(join(dir, 'data'), { intel: { feeds: [{ name: 'scanners', path: feed, level: 'critical' }] } }), `intel-${process.pid}-${Date.now().toString(36)}`);
  const s = served;
  await until('feed loaded', async () => {
    const h = (await s.api('/api/v1/health')).body;
    return (h['components'] as Json | undefined)?.['intel'] !== undefined && ((h['components'] as Record<string, Json>)['intel']?.['indicators'] as number) === 1;
  });
  const d = new Date();
  const stamp = `${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
  const r = await s.api('/api/v1/ingest', { method: 'POST', body: `${stamp} gw sshd[4242]: Failed password for root from 203.0.113.99 port 61000 ssh2\n`, contentType: 'text/plain' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await until('intel alert stored', async () => {
    const found = await s.api(`/api/v1/search?q=${encodeURIComponent('event.kind:alert and rule.id:intel-scanners')}`);
    return found.status === 200 && (found.body['total'] as number) >= 1;
  });
  const alert = ((await s.api(`/api/v1/search?q=${encodeURIComponent('event.kind:alert and rule.id:intel-scanners')}`)).body['events'] as Json[])[0] ?? {};
  assert.equal((alert['event'] as Json)['severity'], 100);
  const ev = ((await s.api(`/api/v1/search?q=${encodeURIComponent('source.ip:203.0.113.99 and event.kind:event')}`)).body['events'] as Json[])[0] ?? {};
  const enr = ((ev['threat'] as Json)['enrichments'] as Json[])[0] ?? {};
  assert.equal((enr['indicator'] as Json)['ip'], '203.0.113.99');
  assert.equal((enr['matched'] as Json)['field'], 'source.ip');
  const health = (await s.api('/api/v1/health')).body['components'] as Record<string, Json>;
  assert.equal(health['intel']?.['alerts'], 1);
});
