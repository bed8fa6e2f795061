import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify, csvFields, parseCsv, parseFeed, parsePlain, parseStix, parseStixPattern } from './indicators.js';
import { IntelIndex } from './match-index.js';

describe('indicator formats', () => {
  test('plain: one a line, comments and blanks skipped, kinds recognised, the rest counted', () => {
    const r = parsePlain(['# a blocklist', '', '203.0.113.7', '2001:DB8::1', '198.51.100.0/24', 'Evil.Example.COM.', 'http://Bad.Example.net/x/Y?q=1#frag', 'D41D8CD98F00B204E9800998ECF8427E', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855   some comment', 'not an indicator!', '10.0.0.1/32'].join('\n'));
    assert.deepEqual(
      r.indicators.map((i) => [i.type, i.value, i.hash]),
      [
        ['ip', '203.0.113.7', undefined],
        ['ip', '2001:db8::1', undefined],
        ['cidr', '198.51.100.0/24', undefined],
        ['domain', 'evil.example.com', undefined],
        ['url', 'http://bad.example.net/x/Y?q=1', undefined],
        ['hash', 'd41d8cd98f00b204e9800998ecf8427e', 'md5'],
        ['hash', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'sha256'],
        ['ip', '10.0.0.1', undefined],
      ],
    );
    assert.equal(r.invalid, 1);
  });

  test('CSV: a column by header name or by index; quoting per RFC 4180', () => {
    assert.deepEqual(csvFields('a,"b,c","say ""hi""",'), ['a', 'b,c', 'say "hi"', '']);
    const text = 'first_seen,ip_address,port\n2026-11-01,"192.0.2.10",443\n2026-11-02,192.0.2.11,80\n2026-11-03,oops,1\n';
    const byName = parseCsv(text, 'ip_address');
    assert.deepEqual(byName.indicators.map((i) => i.value), ['192.0.2.10', '192.0.2.11']);
    assert.equal(byName.invalid, 1);
    assert.deepEqual(parseCsv(text, 1).indicators.map((i) => i.value), ['192.0.2.10', '192.0.2.11']);
    assert.throws(() => parseCsv(text, 'nope'), /no column nope/);
  });

  test('STIX 2.1: the simple pattern forms, OR, revoked and expired skipped, anything else unsupported', () => {
    assert.deepEqual(parseStixPattern("[ipv4-addr:value = '198.51.100.3']")?.map((i) => i.value), ['198.51.100.3']);
    assert.deepEqual(parseStixPattern("[ipv4-addr:value = '198.51.100.0/24']")?.map((i) => i.type), ['cidr']);
    assert.deepEqual(parseStixPattern("[domain-name:value = 'c2.example.org'] OR [url:value = 'https://x.example.org/a']")?.map((i) => i.value), ['c2.example.org', 'https://x.example.org/a']);
    assert.deepEqual(parseStixPattern("[file:hashes.'SHA-256' = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855']")?.map((i) => i.hash), ['sha256']);
    assert.deepEqual(parseStixPattern('[file:hashes.MD5 = \'d41d8cd98f00b204e9800998ecf8427e\']')?.map((i) => i.hash), ['md5']);
    for (const p of ["[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '1.2.3.5']", "[ipv4-addr:value != '1.2.3.4']", "[process:name = 'x']", "[file:name = 'a.exe']", "[domain-name:value = 'not a domain']", "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [ipv4-addr:value = '1.2.3.5']", "[url:value MATCHES '^x']"]) {
      assert.equal(parseStixPattern(p), undefined, p);
    }
    const bundle = {
      type: 'bundle',
      id: 'bundle--1',
      objects: [
        { type: 'identity', id: 'identity--1', name: 'feed' },
        { type: 'indicator', id: 'indicator--a', name: 'C2 server', pattern: "[ipv4-addr:value = '203.0.113.50']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' },
        { type: 'indicator', id: 'indicator--b', pattern: "[domain-name:value = 'old.example.com']", pattern_type: 'stix', revoked: true },
        { type: 'indicator', id: 'indicator--c', pattern: "[domain-name:value = 'gone.example.com']", pattern_type: 'stix', valid_until: '2020-01-01T00:00:00Z' },
        { type: 'indicator', id: 'indicator--d', pattern: 'alert tcp any any', pattern_type: 'snort' },
        { type: 'indicator', id: 'indicator--e', pattern: "[process:pid = 4]", pattern_type: 'stix' },
      ],
    };
    const r = parseStix(JSON.stringify(bundle), Date.parse('2026-11-27T00:00:00Z'));
    assert.deepEqual(r.indicators.map((i) => [i.value, i.description, i.ref]), [['203.0.113.50', 'C2 server', 'indicator--a']]);
    assert.equal(r.unsupported, 4);
    assert.throws(() => parseStix('{"type":"bundle"}'), /no objects/);
    assert.equal(parseFeed(JSON.stringify(bundle), 'auto', 0).indicators.length, 1);
  });

  test('hostile text never throws from classify and finishes quickly', () => {
    const t = performance.now();
    for (const s of ['a'.repeat(100_000), `${'a.'.repeat(5000)}com`, `http://${'x'.repeat(5000)}`, '/'.repeat(1000), '::::::', '1.2.3.4/999', '\u0000\uffff']) classify(s);
    parsePlain(`${'a-'.repeat(200_000)}\n`);
    assert.ok(performance.now() - t < 5000);
  });
});

describe('indicator index', () => {
  test('addresses, networks (v4 and v6), parent domains, URLs and hashes; the cap refuses and the caller counts', () => {
    const ix = new IntelIndex(7);
    for (const raw of ['203.0.113.7', '198.51.100.0/24', '2001:db8:1::/48', 'evil.example.com', 'http://bad.example.net/x', 'd41d8cd98f00b204e9800998ecf8427e', '192.0.2.1']) {
      const i = classify(raw);
      assert.ok(i, raw);
      assert.equal(ix.add({ ...i, feed: 'f' }), true);
    }
    assert.equal(ix.add({ type: 'ip', value: '192.0.2.99', feed: 'f' }), false);
    assert.equal(ix.size, 7);
    assert.equal(ix.ip('203.0.113.7')?.value, '203.0.113.7');
    assert.equal(ix.ip('198.51.100.200')?.value, '198.51.100.0/24');
    assert.equal(ix.ip('198.51.101.1'), undefined);
    assert.equal(ix.ip('2001:db8:1:ffff::5')?.value, '2001:db8:1::/48');
    assert.equal(ix.ip('2001:db8:2::5'), undefined);
    assert.equal(ix.domain('EVIL.example.com')?.value, 'evil.example.com');
    assert.equal(ix.domain('a.b.evil.example.com')?.value, 'evil.example.com');
    assert.equal(ix.domain('notevil.example.com'), undefined);
    assert.equal(ix.domain('example.com'), undefined);
    assert.equal(ix.url('HTTP://Bad.Example.net/x'), ix.url('http://bad.example.net/x'));
    assert.ok(ix.url('http://bad.example.net/x'));
    assert.equal(ix.url('http://bad.example.net/X'), undefined);
    assert.ok(ix.hash('D41D8CD98F00B204E9800998ECF8427E'));
    assert.equal(ix.hash('x'.repeat(1000)), undefined);
  });
});
