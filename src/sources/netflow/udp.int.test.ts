import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { DATA, pcapDatagrams, rawDatagrams } from '../../codecs/netflow/testing/captures.js';
import { startNetflowHarness, type NetflowHarness } from './harness.js';

const FLOW = new URL('captures/flow/', DATA);

async function send(datagrams: readonly Uint8Array[], port: number, host = '127.0.0.1'): Promise<void> {
  const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    for (let i = 0; i < datagrams.length; i++) {
      await new Promise<void>((resolve, reject) => s.send(datagrams[i] as Uint8Array, port, host, (err) => (err ? reject(err) : resolve())));
      // a short pause now and then: loopback does not drop, but the receive buffer is finite
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    s.close();
  }
}

const get = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);

describe('netflow source: UDP collector into the pipeline and the store', () => {
  let h: NetflowHarness;
  before(async () => {
    h = await startNetflowHarness();
  });
  after(async () => {
    await h.close();
  });

  test('the softflowd v5 export (153 datagrams) is stored as 4426 flow events with the contract fields', async () => {
    await send(rawDatagrams(new URL('softflowd-v5/raw/', FLOW)), h.port);
    assert.equal(await h.waitStored(4426), 4426);
    const [ev] = await h.events('event.dataset:netflow and destination.port:2222 and source.port:33748', 1);
    assert.ok(ev);
    assert.equal(get(ev, 'event.kind'), 'event');
    assert.deepEqual(get(ev, 'event.category'), ['network']);
    assert.deepEqual(get(ev, 'event.type'), ['connection']);
    assert.equal(get(ev, 'event.start'), '2026-11-26T18:48:32.944Z');
    assert.equal(get(ev, 'event.end'), '2026-11-26T18:48:33.006Z');
    assert.equal(get(ev, '@timestamp'), '2026-11-26T18:48:33.006Z');
    assert.equal(get(ev, 'event.duration'), 62_000_000);
    assert.equal(get(ev, 'source.ip'), '127.0.0.1');
    assert.equal(get(ev, 'network.transport'), 'tcp');
    assert.equal(get(ev, 'network.iana_number'), '6');
    assert.equal(get(ev, 'network.type'), 'ipv4');
    assert.equal(get(ev, 'network.packets'), 12);
    assert.equal(get(ev, 'network.bytes'), 1787);
    assert.equal(get(ev, 'network.direction'), 'internal');
    assert.equal(get(ev, 'observer.ip'), '127.0.0.1');
    assert.equal(get(ev, 'netflow.version'), 5);
    assert.deepEqual(get(ev, 'vigil.flow.tcp_flags'), ['FIN', 'SYN', 'PSH', 'ACK']);
    assert.equal(get(ev, 'vigil.flow.tcp_flags_value'), 0x1b);
    assert.equal(get(ev, 'event.original'), undefined);
    const health = h.source.health();
    assert.equal(health['datagrams'], 153);
    assert.equal(health['records'], 4426);
    assert.deepEqual(health['drops'], {});
    const metrics = await h.telemetry.metrics();
    assert.match(metrics, /vigil_component_received_events_total\{component="netflow",kind="source"\} 4426/);
  });

  test('IPFIX data before its template is held, then decoded when the template arrives; garbage is counted, not thrown', async () => {
    const before = await h.stored();
    const dgrams = rawDatagrams(new URL('softflowd-ipfix-milli/raw/', FLOW));
    // template-bearing first datagram last: every data set has to wait for it
    await send([...dgrams.slice(1), dgrams[0] as Uint8Array, Buffer.from('not a flow export'), Buffer.alloc(3)], h.port);
    const total = await h.waitStored(before + 4426);
    assert.equal(total - before, 4426);
    const health = h.source.health();
    assert.deepEqual(health['drops'], { short_datagram: 1, unsupported_version: 1 });
    assert.equal(health['pending_sets'], 0);
    assert.ok((health['templates'] as number) >= 4);
  });
});

describe('netflow source: IPv6 listener, expiry of data without a template', () => {
  test('on ::1 the pmacct IPFIX export is stored; data whose template never comes is dropped as no_template after the timeout', async () => {
    const h = await startNetflowHarness({ host: '::1', pending_timeout_seconds: 0.2 });
    try {
      const dgrams = (await pcapDatagrams(new URL('pmacct-ipfix/datagrams.pcap', FLOW))).map((d) => d.payload);
      await send(dgrams, h.port, '::1');
      assert.equal(await h.waitStored(4426), 4426);
      const [ev] = await h.events('event.dataset:netflow', 1);
      assert.equal(get(ev, 'observer.ip'), '::1');
      assert.equal(get(ev, 'netflow.version'), 10);
      // a data set for template 999 of a new domain: held, then dropped
      const orphan = Buffer.from(dgrams[dgrams.length - 1] as Uint8Array);
      orphan.writeUInt32BE(4242, 12);
      await send([orphan], h.port, '::1');
      const deadline = Date.now() + 5000;
      while (((h.source.health()['drops'] as Record<string, number>)['no_template'] ?? 0) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(((h.source.health()['drops'] as Record<string, number>)['no_template'] ?? 0) >= 1);
      assert.equal(h.source.health()['pending_sets'], 0);
    } finally {
      await h.close();
    }
  });

  test('a port already in use does not throw: the failure is logged and shown in health', async () => {
    const a = await startNetflowHarness();
    try {
      const b = await startNetflowHarness({ port: a.port });
      try {
        assert.equal(b.source.health()['listening'], '');
        assert.match(String(b.source.health()['error']), /cannot listen on udp 127\.0\.0\.1:\d+/);
        assert.ok(b.logs.some((l) => l.includes('cannot listen')));
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
  });
});
