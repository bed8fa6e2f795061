import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NetflowDecoder } from './decoder.js';
import type { FlowRecord } from './types.js';

/** Builds IPFIX / v9 messages field by field, so each feature is exercised on its own. */
class Msg {
  private readonly parts: Buffer[] = [];
  constructor(
    private readonly version: 9 | 10,
    private readonly domain = 1,
    private readonly exportSecs = 1_700_000_000,
    private readonly uptimeMs = 100_000,
  ) {}
  set(id: number, body: Buffer): this {
    const h = Buffer.alloc(4);
    h.writeUInt16BE(id, 0);
    h.writeUInt16BE(body.length + 4, 2);
    this.parts.push(h, body);
    return this;
  }
  bytes(): Buffer {
    const body = Buffer.concat(this.parts);
    if (this.version === 10) {
      const h = Buffer.alloc(16);
      h.writeUInt16BE(10, 0);
      h.writeUInt16BE(16 + body.length, 2);
      h.writeUInt32BE(this.exportSecs, 4);
      h.writeUInt32BE(this.domain, 12);
      return Buffer.concat([h, body]);
    }
    const h = Buffer.alloc(20);
    h.writeUInt16BE(9, 0);
    h.writeUInt16BE(1, 2);
    h.writeUInt32BE(this.uptimeMs, 4);
    h.writeUInt32BE(this.exportSecs, 8);
    h.writeUInt32BE(this.domain, 16);
    return Buffer.concat([h, body]);
  }
}

const u = (n: number, len: number): Buffer => {
  const b = Buffer.alloc(len);
  if (len <= 6) b.writeUIntBE(n, 0, len);
  else b.writeUIntBE(n, len - 6, 6);
  return b;
};
/** template record: id, then [type, length] or [type, length, enterprise] per field */
const tpl = (id: number, fields: number[][]): Buffer =>
  Buffer.concat([u(id, 2), u(fields.length, 2), ...fields.map((f) => Buffer.concat([u(f[0] as number, 2), u(f[1] as number, 2), ...(f[2] !== undefined ? [u(f[2], 4)] : [])]))]);
const ip4 = (s: string): Buffer => Buffer.from(s.split('.').map(Number));

function decode(d: NetflowDecoder, ...msgs: Buffer[]): FlowRecord[] {
  const out: FlowRecord[] = [];
  for (const m of msgs) d.decode(m, '192.0.2.1', 0, out);
  return out;
}

describe('IPFIX decoding features', () => {
  test('variable-length fields (1- and 3-byte prefixes) and enterprise fields are skipped; reduced-size counters read', () => {
    const d = new NetflowDecoder();
    // src addr, an enterprise field of variable length, bytes in 2 bytes (reduced size), a variable-length IANA field, dst port
    const t = tpl(300, [[8, 4], [0x8000 | 1, 65535, 29305], [1, 2], [82, 65535], [11, 2]]);
    const long = Buffer.alloc(300, 0x41);
    const rec1 = Buffer.concat([ip4('10.0.0.1'), Buffer.from([3, 1, 2, 3]), u(1500, 2), Buffer.from([255]), u(long.length, 2), long, u(443, 2)]);
    const rec2 = Buffer.concat([ip4('10.0.0.2'), Buffer.from([0]), u(60, 2), Buffer.from([2, 0x65, 0x30]), u(22, 2)]);
    const out = decode(d, new Msg(10).set(2, t).set(300, Buffer.concat([rec1, rec2])).bytes());
    assert.deepEqual(out.map((r) => [r.srcAddr, r.bytes, r.dstPort]), [['10.0.0.1', 1500, 443], ['10.0.0.2', 60, 22]]);
    assert.equal(d.stats.drops.malformed_record, 0);
  });

  test('a variable-length prefix that runs past the set is a malformed record, not a throw', () => {
    const d = new NetflowDecoder();
    const t = tpl(301, [[8, 4], [82, 65535]]);
    const out = decode(d, new Msg(10).set(2, t).set(301, Buffer.concat([ip4('10.0.0.1'), Buffer.from([200, 1, 2])])).bytes());
    assert.equal(out.length, 0);
    assert.equal(d.stats.drops.malformed_record, 1);
  });

  test('every absolute timestamp form: seconds, milliseconds, micro/nanoseconds (NTP), deltas to the export time', () => {
    const d = new NetflowDecoder();
    const ntp = (ms: number): Buffer => {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(Math.floor(ms / 1000) + 2_208_988_800, 0);
      b.writeUInt32BE(Math.round(((ms % 1000) / 1000) * 2 ** 32), 4);
      return b;
    };
    const base = 1_700_000_000_000;
    const msgs = [
      new Msg(10).set(2, tpl(310, [[150, 4], [151, 4]])).set(310, Buffer.concat([u(base / 1000 - 5, 4), u(base / 1000, 4)])).bytes(),
      new Msg(10).set(2, tpl(311, [[152, 8], [153, 8]])).set(311, Buffer.concat([u(base - 1234, 8), u(base - 4, 8)])).bytes(),
      new Msg(10).set(2, tpl(312, [[154, 8], [155, 8]])).set(312, Buffer.concat([ntp(base - 2500), ntp(base - 250)])).bytes(),
      new Msg(10).set(2, tpl(313, [[156, 8], [157, 8]])).set(313, Buffer.concat([ntp(base - 7), ntp(base - 1)])).bytes(),
      new Msg(10, 1, base / 1000).set(2, tpl(314, [[158, 4], [159, 4]])).set(314, Buffer.concat([u(3_000_000, 4), u(1_000, 4)])).bytes(),
    ];
    const out = decode(d, ...msgs);
    assert.deepEqual(out.map((r) => [(r.startMs as number) - base, (r.endMs as number) - base]), [
      [-5000, 0],
      [-1234, -4],
      [-2500, -250],
      [-7, -1],
      [-3000, -1],
    ]);
  });

  test('IE 22/21 relative to systemInitTimeMilliseconds from options data; the record may carry IE 160 itself', () => {
    const d = new NetflowDecoder();
    const init = 1_700_000_000_000;
    const options = Buffer.concat([u(400, 2), u(2, 2), u(1, 2), u(149, 2), u(4, 2), u(160, 2), u(8, 2)]);
    const out = decode(
      d,
      new Msg(10).set(3, options).set(400, Buffer.concat([u(1, 4), u(init, 8)])).bytes(),
      new Msg(10).set(2, tpl(401, [[22, 4], [21, 4]])).set(401, Buffer.concat([u(5000, 4), u(6000, 4)])).bytes(),
      new Msg(10).set(2, tpl(402, [[160, 8], [22, 4], [21, 4]])).set(402, Buffer.concat([u(init + 1, 8), u(10, 4), u(20, 4)])).bytes(),
    );
    assert.deepEqual(out.map((r) => [r.startMs, r.endMs]), [
      [init + 5000, init + 6000],
      [init + 11, init + 21],
    ]);
  });

  test('template refresh replaces the old layout; withdrawal (field count 0) and withdraw-all remove templates', () => {
    const d = new NetflowDecoder();
    const a = decode(d, new Msg(10).set(2, tpl(500, [[8, 4]])).set(500, ip4('10.1.1.1')).bytes());
    const b = decode(d, new Msg(10).set(2, tpl(500, [[12, 4]])).set(500, ip4('10.2.2.2')).bytes());
    assert.deepEqual([a[0]?.srcAddr, b[0]?.dstAddr, b[0]?.srcAddr], ['10.1.1.1', '10.2.2.2', undefined]);
    decode(d, new Msg(10).set(2, Buffer.concat([tpl(501, [[8, 4]]), tpl(502, [[8, 4]])])).bytes());
    assert.equal(d.templates.size(), 3);
    decode(d, new Msg(10).set(2, Buffer.concat([u(500, 2), u(0, 2)])).bytes());
    assert.equal(d.templates.size(), 2);
    assert.equal(d.stats.templatesWithdrawn, 1);
    // data for the withdrawn template now waits (and would be dropped as no_template)
    decode(d, new Msg(10).set(500, ip4('10.3.3.3')).bytes());
    assert.equal(d.pendingSets(), 1);
    decode(d, new Msg(10).set(2, Buffer.concat([u(2, 2), u(0, 2)])).bytes());
    assert.equal(d.templates.size(), 0);
    d.expire(60_000);
    assert.equal(d.stats.drops.no_template, 1);
  });

  test('templates are per exporter address and per observation domain', () => {
    const d = new NetflowDecoder();
    decode(d, new Msg(10, 1).set(2, tpl(600, [[8, 4]])).bytes());
    const other = decode(d, new Msg(10, 2).set(600, ip4('10.9.9.9')).bytes());
    assert.equal(other.length, 0);
    assert.equal(d.pendingSets(), 1);
    const out: FlowRecord[] = [];
    d.decode(new Msg(10, 1).set(600, ip4('10.9.9.9')).bytes(), '192.0.2.99', 0, out);
    assert.equal(out.length, 0, 'another exporter address does not share the template');
    assert.equal(decode(d, new Msg(10, 1).set(600, ip4('10.9.9.9')).bytes()).length, 1);
  });

  test('sampling: per selector id from options data, else the domain-wide interval; the record is left as exported', () => {
    const d = new NetflowDecoder();
    const opt = Buffer.concat([u(700, 2), u(3, 2), u(1, 2), u(302, 2), u(4, 2), u(309, 2), u(4, 2), u(310, 2), u(4, 2)]);
    const out = decode(
      d,
      new Msg(10).set(3, opt).set(700, Buffer.concat([u(7, 4), u(1, 4), u(100, 4), u(8, 4), u(1, 4), u(1000, 4)])).bytes(),
      new Msg(10).set(2, tpl(701, [[302, 4], [1, 4], [2, 4]])).set(701, Buffer.concat([u(7, 4), u(10, 4), u(1, 4), u(8, 4), u(10, 4), u(1, 4), u(9, 4), u(10, 4), u(1, 4)])).bytes(),
    );
    assert.deepEqual(out.map((r) => [r.samplingInterval, r.bytes, r.packets]), [
      [100, 10, 1],
      [1000, 10, 1],
      [1000, 10, 1],
    ]);
  });
});

describe('NetFlow v9 decoding features', () => {
  test('options template with scope fields (scope types are not IEs) and FLOW_SAMPLER_RANDOM_INTERVAL; uptime-relative times', () => {
    const d = new NetflowDecoder();
    // options template 256: scope System (1) length 4; options: sampler id (48) 1 byte, random interval (50) 4 bytes
    const optTpl = Buffer.concat([u(256, 2), u(4, 2), u(8, 2), u(1, 2), u(4, 2), u(48, 2), u(1, 2), u(50, 2), u(4, 2), u(0, 2)]);
    const optData = Buffer.concat([u(0, 4), u(1, 1), u(512, 4), u(0, 3)]);
    const dataTpl = tpl(257, [[8, 4], [22, 4], [21, 4], [48, 1], [1, 4]]);
    const uptime = 100_000;
    const exportSecs = 1_700_000_000;
    const out = decode(
      d,
      new Msg(9, 5, exportSecs, uptime).set(1, optTpl).set(256, optData).set(0, dataTpl).set(257, Buffer.concat([ip4('10.0.0.5'), u(97_000, 4), u(99_500, 4), u(1, 1), u(640, 4)])).bytes(),
    );
    assert.equal(out.length, 1);
    assert.deepEqual([out[0]?.srcAddr, out[0]?.startMs, out[0]?.endMs, out[0]?.samplingInterval, out[0]?.domainId], ['10.0.0.5', exportSecs * 1000 - 3000, exportSecs * 1000 - 500, 512, 5]);
    assert.equal(d.stats.drops.malformed_template + d.stats.drops.malformed_record, 0);
  });

  test('a set length beyond the message, an unknown version and a short datagram are counted', () => {
    const d = new NetflowDecoder();
    const m = new Msg(9).set(0, tpl(260, [[8, 4]])).bytes();
    m.writeUInt16BE(999, 22);
    decode(d, m, Buffer.from([0, 7, 0, 0, 1, 2]), Buffer.from([0, 9]));
    assert.deepEqual([d.stats.drops.malformed_set, d.stats.drops.unsupported_version, d.stats.drops.short_datagram], [1, 1, 1]);
  });
});
