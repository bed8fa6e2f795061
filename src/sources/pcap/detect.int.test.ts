import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { Pipeline } from '../../core/pipeline.js';
import { Telemetry } from '../../core/telemetry.js';
import { DetectionEngine } from '../../detect/engine.js';
import { loadRuleSet } from '../../detect/ruleset.js';
import { LineParser } from '../../parsers/line.js';
import { parseQuery } from '../../query/parser.js';
import { getPath, type EcsEvent } from '../../schema/event.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import { InternalNetworks } from '../../codecs/flow/direction.js';
import { NetflowDecoder, flowToEcs, type FlowRecord } from '../../codecs/netflow/index.js';
import { capturePackets, udpDatagrams } from '../../codecs/pcap/file.js';
import { writePcap } from '../../codecs/pcap/write.js';
import { testRuleWithEvents } from '../../detect/rule-tests.js';
import { ingestCapture, type CaptureIngestResult } from './ingest.js';

/*
 * The `vigil ingest capture.pcap` path in-process (real store, shipped rules, the detection engine on the stream):
 * the network rules fire on the scan and flood captures and stay quiet on ordinary traffic.
 */

const DATA = new URL('../../../../shared/data/', import.meta.url);
const path = (rel: string): string => fileURLToPath(new URL(rel, DATA));

const RULE = {
  vertical: '25743039-a95d-48d5-bb73-2362f5b3b07a',
  horizontal: 'f68a773f-e796-483a-9209-de78ab95e3da',
  slow: '8a0f3c2e-5b7d-4e19-9c64-2d1b7e0a5f93',
  many: '4d6e2b91-0c3a-4f57-a8e2-7b5c9d1f0e36',
  scanThenAccess: '2b9c7e41-6f0d-4a83-b5e2-9d4a1c8f3e70',
  synFlood: '7e2d9a64-1b5c-4f83-a0e7-6c3f8b1d2e59',
  outbound: '5b8e0d2c-4f7a-4c19-9e36-1a2d7f4b8c05',
} as const;
const SCAN_RULES: string[] = [RULE.vertical, RULE.horizontal, RULE.slow, RULE.many, RULE.scanThenAccess];

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Imported {
  results: CaptureIngestResult[];
  /** alerts as stored */
  alerts: EcsEvent[];
  stored: number;
}

/** What `vigil ingest FILE…` does for capture files, in a fresh data directory. */
async function ingestCaptures(files: readonly string[]): Promise<Imported> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pcap-'));
  dirs.push(dir);
  const store = new SqliteStore({ dir: join(dir, 'store'), sync: 'normal' });
  await store.open();
  try {
    const telemetry = new Telemetry();
    const engine = new DetectionEngine({ rules: loadRuleSet([]), telemetry, dataDir: dir, snapshotEveryMs: 0 });
    const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), transforms: [engine] });
    engine.attach((a) => pipeline.submitEvents(a));
    engine.start();
    const results: CaptureIngestResult[] = [];
    for (const f of files) results.push(await ingestCapture(f, pipeline, ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8']));
    await engine.stop();
    await pipeline.drain();
    const all = { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1000 };
    const alerts = (await store.search({ ...all, filter: parseQuery('event.kind:alert').filter })).events.map((h) => h.event);
    const stored = (await store.search({ ...all, limit: 1, filter: parseQuery('event.dataset:(pcap.flow or pcap.notable)').filter })).total;
    return { results, alerts, stored };
  } finally {
    await store.close();
  }
}

const ruleIds = (alerts: readonly EcsEvent[]): string[] => alerts.map((a) => String(getPath(a, 'rule.id')));
const byRule = (alerts: readonly EcsEvent[], id: string): EcsEvent[] => alerts.filter((a) => getPath(a, 'rule.id') === id);

for (const [rel, scanner] of [
  ['captures/scan/scan-sS.pcap', '127.0.0.1'],
  ['captures/scan/scan-sT.pcap', '127.0.0.1'],
  ['esnet-curated-pcaps/masscan_tcp_0_1000_20190821.pcap', '172.31.15.102'],
] as const) {
  test(`${rel}: one vertical port-scan alert naming ${scanner}; no horizontal scan, no SYN flood`, async () => {
    const r = await ingestCaptures([path(rel)]);
    const vertical = byRule(r.alerts, RULE.vertical);
    assert.equal(vertical.length, 1, JSON.stringify(ruleIds(r.alerts)));
    assert.equal(getPath(vertical[0] as EcsEvent, 'vigil.alert.group.source.ip'), scanner);
    assert.equal(byRule(r.alerts, RULE.horizontal).length, 0);
    assert.equal(byRule(r.alerts, RULE.synFlood).length, 0);
    // the flows and notable events were stored like any other event
    assert.equal(r.stored, (r.results[0] as CaptureIngestResult).summary.events);
  });
}

test('hping3-syn.pcap: the SYN flood alert names 127.0.0.1 port 80; no port-scan alert', async () => {
  const r = await ingestCaptures([path('captures/scan/hping3-syn.pcap')]);
  const flood = byRule(r.alerts, RULE.synFlood);
  assert.equal(flood.length, 1, JSON.stringify(ruleIds(r.alerts)));
  assert.equal(getPath(flood[0] as EcsEvent, 'vigil.alert.group.destination.ip'), '127.0.0.1');
  assert.equal(getPath(flood[0] as EcsEvent, 'vigil.alert.group.destination.port'), '80');
  assert.deepEqual(ruleIds(r.alerts).filter((id) => SCAN_RULES.includes(id)), []);
});

test('all-attacks.pcap (pcapng: brute force, two scans, a flood): port-scan and SYN flood alerts', async () => {
  const r = await ingestCaptures([path('captures/flow/all-attacks.pcap')]);
  const ids = ruleIds(r.alerts);
  assert.ok(ids.includes(RULE.vertical), JSON.stringify(ids));
  assert.ok(ids.includes(RULE.synFlood), JSON.stringify(ids));
  assert.equal(byRule(r.alerts, RULE.horizontal).length, 0);
  // its SSH sessions come before the scans
  assert.equal(byRule(r.alerts, RULE.scanThenAccess).length, 0);
});

for (const rel of ['captures/ssh/ssh-bruteforce.pcap', 'esnet-curated-pcaps/nmap_80_vanilla.pcap', 'esnet-curated-pcaps/nmap_80_w_service_detection.pcap']) {
  test(`${rel}: ordinary traffic (one service port) raises no port-scan, flood or transfer alert`, async () => {
    const r = await ingestCaptures([path(rel)]);
    assert.ok((r.results[0] as CaptureIngestResult).summary.flows > 0);
    const network = ruleIds(r.alerts).filter((id) => [...SCAN_RULES, RULE.synFlood, RULE.outbound].includes(id));
    assert.deepEqual(network, []);
  });
}

const RULES = fileURLToPath(new URL('../../../rules/network/', import.meta.url));

for (const exporter of ['softflowd-v5', 'softflowd-v9', 'softflowd-ipfix-milli']) {
  test(`the same rules on NetFlow: softflowd's ${exporter} export of all-attacks.pcap raises the vertical scan and SYN flood alerts`, async () => {
    const decoder = new NetflowDecoder();
    const records: FlowRecord[] = [];
    for await (const d of udpDatagrams(path(`captures/flow/${exporter}/datagrams.pcap`))) decoder.decode(d.payload, d.src, d.tsUs / 1000, records);
    assert.equal(records.length, 4426);
    const nets = new InternalNetworks(['127.0.0.0/8']);
    const events = records.map((r) => flowToEcs(r, nets)).sort((a, b) => String(a['@timestamp']).localeCompare(String(b['@timestamp'])));
    const fired = (file: string, id: string): EcsEvent[] => testRuleWithEvents(join(RULES, file), id, events).alerts;
    const vertical = fired('port_scan.yml', RULE.vertical);
    assert.ok(vertical.length >= 1);
    assert.equal(getPath(vertical[0] as EcsEvent, 'vigil.alert.group.source.ip'), '127.0.0.1');
    assert.equal(fired('port_scan.yml', RULE.horizontal).length, 0);
    const flood = fired('flood_transfer.yml', RULE.synFlood);
    assert.equal(flood.length, 1);
    assert.equal(getPath(flood[0] as EcsEvent, 'vigil.alert.group.destination.port'), '80');
  });
}

test('scan then access: scan-sT.pcap followed a minute later by the SSH sessions of ssh-bruteforce.pcap (re-timed) raises the scan-then-access alert', async () => {
  const scan = capturePackets(readFileSync(path('captures/scan/scan-sT.pcap'))).packets;
  const ssh = capturePackets(readFileSync(path('captures/ssh/ssh-bruteforce.pcap'))).packets;
  const shift = (scan.at(-1)?.tsUs ?? 0) + 60_000_000 - (ssh[0]?.tsUs ?? 0);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pcap-'));
  dirs.push(dir);
  const file = join(dir, 'scan-then-ssh.pcap');
  writeFileSync(file, writePcap([...scan.map((p) => ({ tsUs: p.tsUs, data: p.data })), ...ssh.map((p) => ({ tsUs: p.tsUs + shift, data: p.data }))], { linkType: 1 }));
  const r = await ingestCaptures([file]);
  const access = byRule(r.alerts, RULE.scanThenAccess);
  assert.equal(access.length, 1, JSON.stringify(ruleIds(r.alerts)));
  assert.equal(getPath(access[0] as EcsEvent, 'vigil.alert.group.source.ip'), '127.0.0.1');
  // the scan capture alone, or the SSH sessions before the scan (all-attacks.pcap), do not raise it
  const alone = await ingestCaptures([path('captures/scan/scan-sT.pcap')]);
  assert.equal(byRule(alone.alerts, RULE.scanThenAccess).length, 0);
});
