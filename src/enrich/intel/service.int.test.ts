import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pipeline } from '../../core/pipeline.js';
import { Telemetry } from '../../core/telemetry.js';
import { LineParser } from '../../parsers/line.js';
import { parseQuery } from '../../query/parser.js';
import { getPath, type EcsEvent } from '../../schema/event.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import { IntelConfigSchema } from './config.js';
import { IntelService } from './service.js';

/**
 * Threat intelligence end to end in one process: a real feed file, a real HTTP feed server on 127.0.0.1 (answering
 * ETag revalidation, then a changed list), the real line parser, pipeline and SQLite store. Events that contain an
 * indicator are stored with `threat.enrichments` and raise one alert per match with the feed's rule id; indicators
 * new at a refresh are hunted for in what was stored before.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-intel-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ts = (offsetS: number): string => {
  const d = new Date(Date.now() + offsetS * 1000);
  return `${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
};
const sshFail = (ip: string, i: number): string => `${ts(-1)} bastion sshd[${200 + i}]: Failed password for invalid user x${i} from ${ip} port ${50000 + i} ssh2`;

test('file and HTTP feeds: enrichment, an alert per match, refresh with ETag, new indicators hunted back in stored events', { timeout: 60_000 }, async () => {
  const feedFile = join(dir, 'blocklist.txt');
  writeFileSync(feedFile, '# local blocklist\n203.0.113.66\n198.51.100.0/24\n');
  let body = JSON.stringify({ type: 'bundle', id: 'bundle--1', objects: [{ type: 'indicator', id: 'indicator--1', name: 'Known scanner', pattern: "[ipv4-addr:value = '192.0.2.10']", pattern_type: 'stix' }] });
  const requests: { etag?: string }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const etag = `"${body.length}"`;
    requests.push({ ...(typeof req.headers['if-none-match'] === 'string' ? { etag: req.headers['if-none-match'] } : {}) });
    if (req.headers.authorization !== 'Bearer feed-key') {
      res.writeHead(401).end();
      return;
    }
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.json`;

  const store = new SqliteStore({ dir: join(dir, 'store'), sync: 'normal' });
  await store.open();
  const telemetry = new Telemetry();
  const logs: string[] = [];
  const config = IntelConfigSchema.parse({
    feeds: [
      { name: 'local', path: feedFile, level: 'medium' },
      { name: 'partner', url, headers: { authorization: 'Bearer feed-key' }, rule_id: 'partner-stix', refresh_minutes: 60 },
    ],
  });
  const intel = new IntelService(config, { store, telemetry, log: (m) => logs.push(m) });
  const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), transforms: [intel] });
  const alerts: EcsEvent[] = [];
  intel.attach((docs) => {
    alerts.push(...docs);
    return pipeline.submitEvents(docs);
  });
  try {
    // before the partner lists 192.0.2.99, it is seen and stored
    await pipeline.submitRecords([{ message: sshFail('192.0.2.99', 0), receivedAt: Date.now() }]);
    await intel.start();
    assert.deepEqual(
      (intel.health()['feeds'] as { name: string; indicators: number }[]).map((f) => [f.name, f.indicators]),
      [
        ['local', 2],
        ['partner', 1],
      ],
    );
    assert.equal(alerts.length, 0, 'nothing stored matched at load');

    // live events: an address, an address in a listed network, the STIX address, and one on no list
    await pipeline.submitRecords(['203.0.113.66', '198.51.100.23', '192.0.2.10', '192.0.2.200'].map((ip, i) => ({ message: sshFail(ip, i + 1), receivedAt: Date.now() })));
    await intel.flush();
    assert.deepEqual(alerts.map((a) => [getPath(a, 'rule.id'), getPath(a, 'event.severity'), getPath(a, 'vigil.alert.group.source.ip')]).sort(), [
      ['intel-local', 50, '198.51.100.23'],
      ['intel-local', 50, '203.0.113.66'],
      ['partner-stix', 75, '192.0.2.10'],
    ]);
    const stored = await store.search({ filter: parseQuery('source.ip:192.0.2.10 and event.kind:event').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 });
    const e = stored.events[0]?.event;
    assert.ok(e);
    const enr = getPath(e, 'threat.enrichments') as EcsEvent[];
    assert.equal(enr.length, 1);
    assert.equal(getPath(enr[0] ?? {}, 'indicator.ip'), '192.0.2.10');
    assert.equal(getPath(enr[0] ?? {}, 'indicator.type'), 'ipv4-addr');
    assert.equal(getPath(enr[0] ?? {}, 'indicator.description'), 'Known scanner');
    assert.equal(getPath(enr[0] ?? {}, 'matched.field'), 'source.ip');
    assert.equal(getPath(enr[0] ?? {}, 'matched.atomic'), '192.0.2.10');
    const clean = await store.search({ filter: parseQuery('source.ip:192.0.2.200').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 });
    assert.equal(getPath(clean.events[0]?.event ?? {}, 'threat'), undefined);

    // refresh with nothing changed: the server answers 304 to the ETag, nothing is hunted
    const same = await intel.refresh('partner');
    assert.deepEqual(same, { ok: true, added: 0 });
    assert.equal(requests.at(-1)?.etag, `"${body.length}"`);

    // the partner now lists 192.0.2.99 too: the event stored before is found and alerted on
    body = JSON.stringify({ type: 'bundle', id: 'bundle--2', objects: [
      { type: 'indicator', id: 'indicator--1', pattern: "[ipv4-addr:value = '192.0.2.10']", pattern_type: 'stix' },
      { type: 'indicator', id: 'indicator--2', name: 'Brute forcer', pattern: "[ipv4-addr:value = '192.0.2.99']", pattern_type: 'stix' },
    ] });
    const before = alerts.length;
    const r = await intel.refresh('partner');
    assert.deepEqual(r, { ok: true, added: 1 });
    await intel.flush();
    const hunted = alerts.slice(before);
    assert.equal(hunted.length, 1, JSON.stringify(hunted.map((a) => getPath(a, 'message'))));
    assert.equal(getPath(hunted[0] ?? {}, 'rule.id'), 'partner-stix');
    assert.equal(getPath(hunted[0] ?? {}, 'vigil.alert.group.source.ip'), '192.0.2.99');
    assert.match(String((getPath(hunted[0] ?? {}, 'vigil.alert.explanation') as string[])[0]), /stored before feed partner listed it/);

    // a feed that fails keeps its indicators and reports the error
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const failed = await intel.refresh('partner');
    assert.equal(failed.ok, false);
    const health = intel.health();
    assert.equal(health['indicators'], 4);
    assert.match(String((health['feeds'] as { error?: string }[])[1]?.error), /fetch failed|ECONNREFUSED/);
    await pipeline.submitRecords([{ message: sshFail('192.0.2.99', 9), receivedAt: Date.now() }]);
    await intel.flush();
    assert.equal(getPath(alerts.at(-1) ?? {}, 'vigil.alert.group.source.ip'), '192.0.2.99');
    await sleep(10);
  } finally {
    await intel.stop();
    await pipeline.drain();
    await store.close();
    server.closeAllConnections();
    server.close();
  }
});

test('the index cap: indicators beyond max_indicators are left out and counted', async () => {
  const file = join(dir, 'many.txt');
  writeFileSync(file, Array.from({ length: 50 }, (_, i) => `10.9.${i >> 8}.${i & 255}`).join('\n'));
  const intel = new IntelService(IntelConfigSchema.parse({ feeds: [{ name: 'many', path: file }], max_indicators: 20, hunt_back_hours: 0 }));
  await intel.start();
  try {
    assert.equal(intel.health()['indicators'], 20);
    assert.equal(intel.stats.indicators_dropped, 30);
  } finally {
    await intel.stop();
  }
});
