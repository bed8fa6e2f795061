import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { LineParser } from './line.js';
import { NF, netfilterParser, prefixAction, transportName } from './netfilter.js';
import { assertLinear } from './testing/adversarial.js';

// No real packet log lines are in ../shared/data; these follow the kernel's LOG target output format
// (net/netfilter/nf_log_syslog.c) with documentation addresses.
const parser = new LineParser(() => Date.UTC(2026, 5, 15));
const parse = (line: string): EcsEvent => parser.parse({ message: line, receivedAt: 0 });

describe('netfilter', () => {
  test('an iptables LOG line with a prefix and the kernel time stamp', () => {
    const e = parse(
      'Jun 14 10:00:00 gw kernel: [12345.678] iptables-dropped: IN=eth0 OUT= MAC=00:16:3e:aa:bb:cc:00:16:3e:dd:ee:ff:08:00 SRC=192.0.2.1 DST=198.51.100.2 LEN=60 TOS=0x00 PREC=0x00 TTL=49 ID=1234 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0',
    );
    assert.equal(getPath(e, F.eventDataset), 'netfilter');
    assert.deepEqual(getPath(e, F.eventCategory), ['network']);
    assert.deepEqual(getPath(e, F.eventType), ['connection', 'denied']);
    assert.equal(getPath(e, F.eventAction), 'drop');
    assert.equal(getPath(e, F.sourceIp), '192.0.2.1');
    assert.equal(getPath(e, F.sourcePort), 51234);
    assert.equal(getPath(e, F.destinationIp), '198.51.100.2');
    assert.equal(getPath(e, F.destinationPort), 22);
    assert.equal(getPath(e, F.networkTransport), 'tcp');
    assert.equal(getPath(e, F.networkBytes), 60);
    assert.equal(getPath(e, NF.ingressInterface), 'eth0');
    assert.equal(getPath(e, NF.egressInterface), undefined);
    assert.equal(getPath(e, NF.sourceMac), '00-16-3E-DD-EE-FF');
    assert.equal(getPath(e, NF.destinationMac), '00-16-3E-AA-BB-CC');
    assert.deepEqual(getPath(e, NF.tcpFlags), ['SYN']);
    assert.equal(getPath(e, NF.prefix), 'iptables-dropped');
    assert.equal(getPath(e, NF.ttl), 49);
  });

  test('UFW BLOCK, ALLOW, LIMIT BLOCK and AUDIT', () => {
    const body = 'IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.9 DST=192.0.2.10 LEN=40 TOS=0x00 PREC=0x00 TTL=244 ID=54321 PROTO=TCP SPT=41000 DPT=3389 WINDOW=1024 RES=0x00 SYN URGP=0';
    const block = parse(`Jun 14 10:00:00 web kernel: [UFW BLOCK] ${body}`);
    assert.equal(getPath(block, F.eventAction), 'deny');
    assert.deepEqual(getPath(block, F.eventType), ['connection', 'denied']);
    assert.equal(getPath(block, NF.prefix), 'UFW BLOCK');
    assert.equal(getPath(block, F.destinationPort), 3389);
    const allow = parse(`Jun 14 10:00:00 web kernel: [ 4521.003] [UFW ALLOW] ${body}`);
    assert.equal(getPath(allow, F.eventAction), 'allow');
    assert.deepEqual(getPath(allow, F.eventType), ['connection', 'allowed']);
    const limit = parse(`Jun 14 10:00:00 web kernel: [UFW LIMIT BLOCK] ${body}`);
    assert.equal(getPath(limit, F.eventAction), 'deny');
    const audit = parse(`Jun 14 10:00:00 web kernel: [UFW AUDIT] ${body}`);
    assert.equal(getPath(audit, F.eventAction), undefined);
    assert.deepEqual(getPath(audit, F.eventType), ['connection']);
    assert.equal(getPath(audit, F.sourceIp), '203.0.113.9');
  });

  test('an nftables log line (UDP, out interface, no MAC) and IPv6', () => {
    const e = parse('2026-06-14T10:00:00+00:00 fw kernel: nft-reject: IN= OUT=eth1 SRC=10.0.0.5 DST=192.0.2.53 LEN=73 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=UDP SPT=40000 DPT=53 LEN=53');
    assert.equal(getPath(e, F.eventAction), 'deny');
    assert.equal(getPath(e, F.networkTransport), 'udp');
    assert.equal(getPath(e, F.networkBytes), 73);
    assert.equal(getPath(e, NF.egressInterface), 'eth1');
    assert.equal(getPath(e, NF.ingressInterface), undefined);
    assert.equal(getPath(e, NF.tcpFlags), undefined);
    const v6 = parse('Jun 14 10:00:00 fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC=33:33:00:00:00:fb:52:54:00:65:43:21:86:dd SRC=2001:db8::1 DST=ff02::fb LEN=101 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=UDP SPT=5353 DPT=5353 LEN=61');
    assert.equal(getPath(v6, F.sourceIp), '2001:db8::1');
    assert.equal(getPath(v6, F.destinationIp), 'ff02::fb');
    assert.equal(getPath(v6, NF.ttl), 255);
  });

  test('ICMP: type and code kept, the quoted inner packet ignored', () => {
    const e = parse(
      'Jun 14 10:00:00 fw kernel: ACCEPT-icmp IN=eth0 OUT= MAC= SRC=192.0.2.7 DST=192.0.2.8 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=192.0.2.8 DST=192.0.2.7 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=2 PROTO=UDP SPT=9 DPT=9 LEN=36 ] MTU=0',
    );
    assert.equal(getPath(e, F.eventAction), 'allow');
    assert.equal(getPath(e, F.networkTransport), 'icmp');
    assert.equal(getPath(e, F.sourceIp), '192.0.2.7');
    assert.equal(getPath(e, NF.icmpType), 3);
    assert.equal(getPath(e, NF.icmpCode), 3);
    assert.equal(getPath(e, F.sourcePort), undefined);
    assert.equal(getPath(e, NF.sourceMac), undefined);
  });

  test('helpers: prefixes and protocol names', () => {
    assert.equal(prefixAction('[UFW BLOCK]'), 'deny');
    assert.equal(prefixAction('DROP-in:'), 'drop');
    assert.equal(prefixAction('fw-reject'), 'deny');
    assert.equal(prefixAction('accept '), 'allow');
    assert.equal(prefixAction('audit'), undefined);
    assert.equal(transportName('ICMPv6'), 'ipv6-icmp');
    assert.equal(transportName('17'), 'udp');
    assert.equal(transportName('SCTP'), 'sctp');
  });

  test('other kernel messages are not claimed', () => {
    for (const m of ['[    0.000000] Linux version 6.1.0', 'usb 1-1: new high-speed USB device', 'IN=eth0 OUT= SRC=x DST=y', 'IN=eth0 SRC=192.0.2.1 DST=192.0.2.2']) {
      const e: EcsEvent = {};
      assert.equal(netfilterParser.parse(m, e), false, m);
      assert.deepEqual(e, {});
    }
  });

  test('64 KiB adversarial messages finish in well under 100 ms each', (t) => {
    const slowest = assertLinear(netfilterParser, ['IN=eth0 OUT= SRC=192.0.2.1 DST=192.0.2.2 ', '[UFW BLOCK] IN=', '[1.2] x: IN=eth0 OUT= MAC=', 'IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 PROTO=TCP SYN ']);
    t.diagnostic(`slowest: ${slowest.toFixed(2)} ms`);
  });
});
