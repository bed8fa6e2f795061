import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSyslogHeader, resolveBsdTime } from './syslog-header.js';

/** Test clock: 2026-06-15T12:00:00Z. */
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);

const RSYSLOG = fileURLToPath(new URL('../../../shared/data/rsyslog-testsuites/', import.meta.url));

function parse(line: string, now = NOW) {
  const h = parseSyslogHeader(line, now);
  assert.ok(h, `a header is recognised in ${JSON.stringify(line)}`);
  return h;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

describe('RFC 5424', () => {
  test('the RFC example with structured data and no message', () => {
    const line =
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]';
    assert.deepEqual(parse(line), {
      pri: 165,
      version: 1,
      ts: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
      hostname: 'mymachine.example.com',
      appname: 'evntslog',
      msgid: 'ID47',
      structuredData: '[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
      message: '',
    });
  });

  test('structured data followed by a message', () => {
    const h = parse('<165>1 2003-10-11T22:14:15.003Z host app 42 ID47 [a@1 x="1"] An application event log entry');
    assert.equal(h.structuredData, '[a@1 x="1"]');
    assert.equal(h.message, 'An application event log entry');
    assert.equal(h.procid, '42');
  });

  test('escaped "]" and "\\"" inside a structured data value do not end the element', () => {
    const h = parse('<34>1 2026-07-23T09:30:45+02:00 host app 123 msg [meta@32473 value="escaped\\]bracket" quote="\\""] payload');
    assert.equal(h.structuredData, '[meta@32473 value="escaped\\]bracket" quote="\\""]');
    assert.equal(h.message, 'payload');
    assert.equal(iso(h.ts), '2026-07-23T07:30:45.000Z');
    assert.equal(h.msgid, 'msg');
  });

  test('NILVALUE fields are left out', () => {
    assert.deepEqual(parse('<13>1 - - - - - - minimal'), { pri: 13, version: 1, message: 'minimal', msgAt: 18 });
    assert.deepEqual(parse('<13>1 - - - - - -'), { pri: 13, version: 1, message: '' });
  });

  test('a UTF-8 BOM at the start of the message is removed, later ones are kept', () => {
    const h = parse("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8");
    assert.equal(h.message, "'su root' failed for lonvick on /dev/pts/8");
    assert.equal(h.appname, 'su');
    assert.equal(h.procid, undefined);
    assert.equal(h.bomAt, 65);
    assert.equal(h.msgAt, 65);
    assert.equal(parse('<34>1 - - - - - - a\uFEFFb').message, 'a\uFEFFb');
    assert.equal(parse('<34>1 - - - - - - a\uFEFFb').bomAt, undefined);
  });

  test('fractional seconds and UTC offsets', () => {
    assert.equal(iso(parse('<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It is time').ts), '2003-08-24T12:14:15.000Z');
    assert.equal(iso(parse('<165>1 2003-08-24T05:14:15.123+05:30 h a - - - m').ts), '2003-08-23T23:44:15.123Z');
    assert.equal(iso(parse('<165>1 1985-04-12T23:20:50.52Z h a - - - m').ts), '1985-04-12T23:20:50.520Z');
    assert.equal(iso(parse('<165>1 2003-08-24T05:14:15Z h a - - - m').ts), '2003-08-24T05:14:15.000Z');
  });

  test('an unreadable timestamp leaves the time unset but keeps the other fields', () => {
    const h = parse('<14>1 yesterday host app 1 - - text');
    assert.equal(h.ts, undefined);
    assert.equal(h.hostname, 'host');
    assert.equal(h.message, 'text');
  });

  test('priority above 191 is not a syslog header', () => {
    assert.equal(parseSyslogHeader('<192>1 2003-10-11T22:14:15.003Z h a - - - m', NOW), undefined);
    assert.equal(parseSyslogHeader('<999>foo', NOW), undefined);
    assert.equal(parse('<191>1 - - - - - - m').pri, 191);
    assert.equal(parse('<0>x').pri, 0);
  });

  test('PRI is one to three ASCII digits between angle brackets, as /^<(\\d{1,3})>/ reads it', () => {
    assert.equal(parse('<013>Oct 11 22:14:15 mymachine su: x').pri, 13);
    // not a PRI: the text is read as it is (a header without PRI, or none)
    for (const line of ['<1000>x', '<0013>x', '<>x', '<13a>x', ' <13>x', '<\u0661\u0663>x', '<13', '<']) {
      assert.equal(parseSyslogHeader(line, NOW)?.pri, undefined, line);
    }
  });
});

describe('RFC 3164', () => {
  test('the RFC example: host and tag', () => {
    assert.deepEqual(parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"), {
      pri: 34,
      ts: Date.UTC(2025, 9, 11, 22, 14, 15),
      hostname: 'mymachine',
      appname: 'su',
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
  });

  test('tag with pid, without PRI', () => {
    assert.deepEqual(parse('Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186'), {
      ts: Date.UTC(2025, 11, 10, 6, 55, 46),
      hostname: 'LabSZ',
      appname: 'sshd',
      procid: '24200',
      message: 'Invalid user webmaster from 173.234.31.186',
    });
  });

  test('without a hostname: the tag follows the timestamp', () => {
    const h = parse('<38>Jun  1 10:00:00 sshd[99]: Connection closed by 10.0.0.1');
    assert.equal(h.hostname, undefined);
    assert.equal(h.appname, 'sshd');
    assert.equal(h.procid, '99');
    assert.equal(h.message, 'Connection closed by 10.0.0.1');
  });

  test('a tag may hold parentheses and dots', () => {
    const h = parse('<38>Mar 27 19:06:53 source_server sshd(pam_unix)[12750]: session opened for user foo by (uid=0)');
    assert.equal(h.appname, 'sshd(pam_unix)');
    assert.equal(h.procid, '12750');
    assert.equal(h.hostname, 'source_server');
  });

  test('a message with no tag is kept whole after the hostname', () => {
    const h = parse('<6>AUG 10 22:18:24 host tag This msg contains 8-bit European chars: äöü');
    assert.equal(h.hostname, 'host');
    assert.equal(h.appname, undefined);
    assert.equal(h.message, 'tag This msg contains 8-bit European chars: äöü');
    assert.equal(iso(h.ts), '2025-08-10T22:18:24.000Z');
  });

  test('fractional seconds and a year after the time', () => {
    assert.equal(iso(parse('Dec 10 06:55:46.123456 host app: m').ts), '2025-12-10T06:55:46.123Z');
    assert.equal(iso(parse('Dec 10 06:55:46 2019 host app: m').ts), '2019-12-10T06:55:46.000Z');
    assert.equal(parse('Dec 10 06:55:46 2019 host app: m').hostname, 'host');
  });

  test('a year between the day and the time, with or without a colon after the time', () => {
    for (const line of ['<38>Mar 7 2008 19:06:53 example tag: testmessage', '<38>Mar 7 2008 19:06:53: example tag: testmessage']) {
      const h = parse(line);
      assert.equal(iso(h.ts), '2008-03-07T19:06:53.000Z', line);
      assert.equal(h.hostname, 'example', line);
      assert.equal(h.appname, 'tag', line);
      assert.equal(h.message, 'testmessage', line);
    }
  });

  test('one space between the PRI and the timestamp', () => {
    const h = parse('<38> Mar  7 19:06:53 example tag: testmessage');
    assert.equal(iso(h.ts), '2026-03-07T19:06:53.000Z');
    assert.equal(h.hostname, 'example');
    assert.equal(h.message, 'testmessage');
  });

  test('a header with nothing after it gives an empty message and no invented host or tag', () => {
    for (const line of ['<14>Aug 30 23:00:05', '<14>Aug 30 23:00:05 ', '<14>2010-08-30T23:00:05Z', '<14>2010-08-30T23:00:05Z ']) {
      const h = parse(line);
      assert.equal(h.hostname, undefined, line);
      assert.equal(h.appname, undefined, line);
      assert.equal(h.message, '', line);
      assert.equal(new Date(h.ts ?? NaN).getUTCDate(), 30, line);
    }
    const hostOnly = parse('<14>Jan  6 2009 15:22:26 localhost ');
    assert.equal(hostOnly.hostname, 'localhost');
    assert.equal(hostOnly.message, '');
    assert.equal(iso(hostOnly.ts), '2009-01-06T15:22:26.000Z');
  });

  test('PRI with no timestamp: host and tag are still read', () => {
    assert.deepEqual(parse('<13>host app[7]: hello'), { pri: 13, hostname: 'host', appname: 'app', procid: '7', message: 'hello' });
    assert.deepEqual(parse('<0>x'), { pri: 0, message: 'x' });
  });

  test('an unknown month name is not a timestamp', () => {
    assert.equal(parseSyslogHeader('Foo 10 06:55:46 host app: m', NOW), undefined);
  });
});

describe('year-less timestamps', () => {
  test('a date up to one day ahead stays in the current year (clock skew), beyond that it is last year', () => {
    const now = Date.UTC(2026, 0, 1, 0, 30, 0);
    assert.equal(resolveBsdTime(11, 31, 23, 59, 59, 0, now), Date.UTC(2025, 11, 31, 23, 59, 59));
    assert.equal(resolveBsdTime(0, 1, 0, 10, 0, 0, now), Date.UTC(2026, 0, 1, 0, 10, 0));
    assert.equal(resolveBsdTime(0, 2, 0, 29, 0, 0, now), Date.UTC(2026, 0, 2, 0, 29, 0));
    assert.equal(resolveBsdTime(0, 2, 0, 31, 0, 0, now), Date.UTC(2025, 0, 2, 0, 31, 0));
    assert.equal(resolveBsdTime(5, 15, 12, 0, 0, 250, now), Date.UTC(2025, 5, 15, 12, 0, 0, 250));
  });

  test('an explicit year is used as given, even in the future', () => {
    const now = Date.UTC(2026, 0, 1);
    assert.equal(resolveBsdTime(11, 31, 0, 0, 0, 0, now, 2030), Date.UTC(2030, 11, 31));
  });

  test('through the header parser: December seen in January is last December', () => {
    const jan = Date.UTC(2027, 0, 3, 8, 0, 0);
    assert.equal(iso(parse('Dec 31 23:59:59 host app: m', jan).ts), '2026-12-31T23:59:59.000Z');
    assert.equal(iso(parse('Jan  3 07:59:59 host app: m', jan).ts), '2027-01-03T07:59:59.000Z');
    assert.equal(iso(parse('Jan  4 07:59:59 host app: m', jan).ts), '2027-01-04T07:59:59.000Z');
    assert.equal(iso(parse('Jan  5 08:00:01 host app: m', jan).ts), '2026-01-05T08:00:01.000Z');
  });

  test('a leap day is resolved to a year that has one when given', () => {
    assert.equal(iso(parse('Feb 29 12:00:00 2024 host app: m').ts), '2024-02-29T12:00:00.000Z');
  });
});

describe('ISO-timestamped lines', () => {
  test('RFC 3339 with offset after PRI', () => {
    const h = parse('<13>2026-07-23T09:30:45.123+02:00 host daemon: timestamp variant');
    assert.equal(iso(h.ts), '2026-07-23T07:30:45.123Z');
    assert.equal(h.hostname, 'host');
    assert.equal(h.appname, 'daemon');
    assert.equal(h.message, 'timestamp variant');
    assert.equal(h.pri, 13);
  });

  test('without PRI, Z and space-separated forms', () => {
    const a = parse('2024-05-01T12:00:00Z web01 nginx[77]: GET / 200');
    assert.equal(iso(a.ts), '2024-05-01T12:00:00.000Z');
    assert.equal(a.hostname, 'web01');
    assert.equal(a.appname, 'nginx');
    assert.equal(a.procid, '77');
    assert.equal(a.message, 'GET / 200');
    const b = parse('2024-05-01 12:00:00.5+0000 web01 nginx: ok');
    assert.equal(iso(b.ts), '2024-05-01T12:00:00.500Z');
    assert.equal(b.hostname, 'web01');
  });

  test('an impossible date leaves the time unset', () => {
    const h = parse('2024-13-45T99:00:00Z host app: m');
    assert.equal(h.ts, undefined);
    assert.equal(h.hostname, 'host');
  });
});

test('lines with no recognisable header are not headers', () => {
  for (const line of ['', 'garbage line here', '{"json": true}', '12:00:00 something', '<abc>x', '<>x', '<1234>x']) {
    assert.equal(parseSyslogHeader(line, NOW), undefined, JSON.stringify(line));
  }
});

// ---- rsyslog parser test vectors (tests/testsuites at b30367b, see shared/data/SOURCES.md) ----

interface Vector {
  file: string;
  raw: string;
  expected: string;
}

/** Decodes the escapes rsyslog's nettester applies to the raw message: \\ \n \r \t and \ooo. */
function decodeRaw(s: string): string {
  return s.replace(/\\(\\|n|r|t|[0-7]{3})/g, (_m, e: string) => {
    if (e === 'n') return '\n';
    if (e === 'r') return '\r';
    if (e === 't') return '\t';
    if (e === '\\') return '\\';
    return String.fromCharCode(parseInt(e, 8));
  });
}

/** Cases in a vector file: '#' lines are comments; each case is a raw line and an expected line. */
function readVectors(suffix: string): Vector[] {
  const dir = `${RSYSLOG}parsertests/`;
  const out: Vector[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(suffix)).sort()) {
    const lines = readFileSync(dir + file, 'utf8').split('\n');
    if (suffix === '.ts3164') {
      out.push({ file, raw: decodeRaw(lines[0] ?? ''), expected: lines[1] ?? '' });
      continue;
    }
    const body = lines.filter((l) => !l.startsWith('#') && l !== '');
    for (let i = 0; i + 1 < body.length; i += 2) out.push({ file, raw: decodeRaw(body[i] as string), expected: (body[i + 1] as string).replace(/\\(.)/g, '$1') });
  }
  return out;
}

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** rsyslog's %timestamp% (RFC 3164 style), in the time zone the sender wrote. */
function rfc3164Stamp(ms: number, raw: string): string {
  const off = /\d{2}:\d{2}:\d{2}(?:\.\d+)?([+-])(\d{2}):(\d{2})/.exec(raw);
  const shift = off ? (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3])) * 60_000 : 0;
  const d = new Date(ms + shift);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${MON[d.getUTCMonth()] ?? '?'} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/**
 * Splits an expected parse1 line. The first five fields hold no comma; programname, syslogtag and msg may (see
 * malformed1), so the split is the first where the tag starts with the program name, as rsyslog derives it.
 */
function splitExpected(line: string): [string, string, string, string, string, string, string] {
  const chunks = line.split(',');
  const head = chunks.slice(0, 5) as [string, string, string, string, string];
  const rest = chunks.slice(5);
  for (let i = 1; i < rest.length; i++) {
    const program = rest.slice(0, i).join(',');
    for (let j = i + 1; j <= rest.length; j++) {
      const tag = rest.slice(i, j).join(',');
      if (tag.startsWith(program)) return [...head, tag, rest.slice(j).join(',')];
    }
  }
  throw new Error(`cannot split expected line ${line}`);
}

/**
 * Where Vigil deliberately reads a line differently from rsyslog: a single word after the timestamp. rsyslog takes it
 * as the hostname; Vigil keeps it as the message, so that a one-word message is never lost into the host field.
 */
const LONE_WORD = new Set(['<14>Aug 30 23:00:05 X4711', '<14>2010-08-30T23:00:05Z X4711']);

describe('rsyslog parse1 vectors', () => {
  const vectors = readVectors('.parse1');

  test('the vector files are present', () => {
    assert.ok(vectors.length >= 25, `found ${vectors.length} vectors`);
  });

  for (const v of vectors) {
    test(`${v.file}: ${v.raw.slice(0, 60)}`, () => {
      // %PRI%,%syslogfacility-text%,%syslogseverity-text%,%timestamp%,%hostname%,%programname%,%syslogtag%,%msg%
      const [pri, , , stamp, hostname, syslogtag, msg] = splitExpected(v.expected);
      const h = parse(v.raw);
      assert.equal(h.pri, Number(pri), 'PRI');
      assert.ok(h.ts !== undefined, 'timestamp read');
      assert.equal(rfc3164Stamp(h.ts, v.raw), stamp, 'timestamp');
      if (LONE_WORD.has(v.raw)) {
        assert.equal(hostname, 'X4711');
        assert.equal(h.hostname, undefined);
        assert.equal(h.message, 'X4711');
        return;
      }
      // ~H: rsyslog fills in the receiver's name when the line has none
      assert.equal(h.hostname, hostname === '~H' ? undefined : hostname, 'hostname');
      const tag = syslogtag ?? '';
      if (h.version !== undefined || tag.endsWith(':') || tag === '') {
        // rsyslog keeps the space after the tag in %msg%; Vigil's message starts at the text
        assert.equal(h.message, msg.replace(/^ /, ''), 'message');
        if (tag.endsWith(':')) assert.equal(h.appname, tag.replace(/(\[[^\]]*\])?:$/, ''), 'tag');
      } else {
        // a tag without a colon is not told apart from the text: the message keeps both
        assert.equal(h.appname, undefined, 'no tag without a colon');
        assert.equal(h.message, tag + msg, 'message');
      }
    });
  }
});

describe('rsyslog ts3164 vectors', () => {
  const vectors = readVectors('.ts3164');
  test('the vector files are present', () => {
    assert.ok(vectors.length >= 8);
  });
  for (const v of vectors) {
    test(`${v.file}: ${v.raw}`, () => {
      const h = parse(v.raw);
      assert.equal(rfc3164Stamp(h.ts ?? NaN, v.raw), v.expected);
      assert.equal(h.hostname, '172.20.245.8');
      assert.equal(h.appname, 'TAG');
      assert.equal(h.message, 'MSG');
    });
  }
});

describe('rsyslog fuzz corpus seeds', () => {
  const dir = `${RSYSLOG}fuzz-corpus-syslog-message/`;
  const seed = (name: string): string => readFileSync(dir + name, 'utf8').replace(/\n$/, '');
  const expected: Record<string, Record<string, unknown>> = {
    'rfc3164-basic': { pri: 34, hostname: 'mymachine', appname: 'su', message: "'su root' failed for lonvick on /dev/pts/8" },
    'rfc3164-no-pri': { hostname: 'host.example', appname: 'app', procid: '123', message: 'legacy message without PRI' },
    'rfc3164-rfc3339': { pri: 13, ts: Date.parse('2026-07-23T07:30:45.123Z'), hostname: 'host', appname: 'daemon', message: 'timestamp variant' },
    'rfc3164-short': { pri: 0, message: 'x' },
    'rfc5424-basic': {
      pri: 165,
      version: 1,
      ts: Date.parse('2003-10-11T22:14:15.003Z'),
      hostname: 'mymachine.example.com',
      appname: 'evntslog',
      msgid: 'ID47',
      structuredData: '[exampleSDID@32473 iut="3" eventSource="Application"]',
      message: 'An application event log entry',
    },
    'rfc5424-escaped-sd': { pri: 34, version: 1, procid: '123', msgid: 'msg', structuredData: '[meta@32473 value="escaped\\]bracket" quote="\\""]', message: 'payload' },
    'rfc5424-nil': { pri: 13, version: 1, message: 'minimal' },
  };

  test('every seed has an expectation here', () => {
    assert.deepEqual(readdirSync(dir).sort(), Object.keys(expected).sort());
  });

  for (const [name, want] of Object.entries(expected)) {
    test(name, () => {
      const h = parse(seed(name)) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(want)) assert.deepEqual(h[k], v, `${name}: ${k}`);
    });
  }
});

describe('FreeBSD syslogd -v/-vv: the priority after the time', () => {
  test('<facility.severity> numbers give the priority; names are skipped', () => {
    const now = Date.UTC(2026, 5, 1);
    const v = parseSyslogHeader('Apr  2 17:51:32 <4.6> pancake sshd[55628]: Invalid user r00t from 192.0.2.100', now);
    assert.equal(v?.hostname, 'pancake');
    assert.equal(v?.appname, 'sshd');
    assert.equal(v?.pri, 4 * 8 + 6);
    assert.equal(v?.message, 'Invalid user r00t from 192.0.2.100');
    const vv = parseSyslogHeader('Mar 19 23:48:18 <auth.info> pancake sshd[55517]: Invalid user r00t from 183.60.159.20', now);
    assert.equal(vv?.hostname, 'pancake');
    assert.equal(vv?.appname, 'sshd');
    assert.equal(vv?.pri, undefined);
  });
});

describe('tag forms without a colon, wrapped tags, Solaris ids, bracketed and zone-named times', () => {
  const now = Date.UTC(2005, 6, 1);
  const p = (line: string) => parseSyslogHeader(line, now);

  test('after a host: `[prog]`, `[prog][pid]`, `prog[pid]`, `prog(module)[pid]`, `prog(pam_module)` without a colon', () => {
    for (const [line, appname, procid] of [
      ['Jun 21 16:47:52 machine [test-demo] F2B: x', 'test-demo', undefined],
      ['Jun 21 16:47:53 machine [test-demo][13709] F2B: x', 'test-demo', '13709'],
      ['Jun 21 16:47:53 machine test-demo[13709] F2B: x', 'test-demo', '13709'],
      ['Jun 21 16:50:02 machine test-demo(pam_unix)[13709] F2B: x', 'test-demo(pam_unix)', '13709'],
      ['Jun 21 16:50:00 machine test-demo(pam_unix) F2B: x', 'test-demo(pam_unix)', undefined],
    ] as const) {
      const h = p(line);
      assert.equal(h?.hostname, 'machine', line);
      assert.equal(h?.appname, appname, line);
      assert.equal(h?.procid, procid, line);
      assert.equal(h?.message, 'F2B: x', line);
    }
  });

  test('a bare word after a host is not a tag, nor is anything after a thread id', () => {
    const h = p('Jun 21 16:50:00 machine something(else) happened');
    assert.equal(h?.appname, undefined);
    assert.equal(h?.message, 'something(else) happened');
    const level = p('Jun 21 16:50:00 machine [ERROR] disk full');
    assert.equal(level?.appname, undefined);
    assert.equal(level?.message, '[ERROR] disk full');
    const mysql = p("2019-09-24 13:16:50 8756 [Warning] Access denied for user 'root'@'192.0.2.3'");
    assert.equal(mysql?.appname, undefined);
    assert.equal(mysql?.message, "[Warning] Access denied for user 'root'@'192.0.2.3'");
  });

  test('a VServer guest daemon logged through the kernel: its own tag', () => {
    const h = p('Jun 21 16:55:01 <auth.info> machine kernel: [  970.699396] @vserver_demo test-demo(pam_unix)[13709] [ID 255 test] F2B: x');
    assert.equal(h?.hostname, 'machine');
    assert.equal(h?.appname, 'test-demo(pam_unix)');
    assert.equal(h?.procid, '13709');
    assert.equal(h?.msgid, '255');
    assert.equal(h?.message, 'F2B: x');
    // without a guest, the kernel line stays the kernel's
    assert.deepEqual([p('Jun 21 16:47:50 machine kernel: [  970.699396] F2B: x')?.appname, p('Jun 21 16:47:50 machine kernel: [  970.699396] F2B: x')?.message], ['kernel', '[  970.699396] F2B: x']);
  });

  test('Solaris message ids: the number as msgid, the rest as the message', () => {
    const h = p('Oct 11 22:14:15 sol sshd[1234]: [ID 800047 auth.info] Failed password for root from 192.0.2.1 port 22 ssh2');
    assert.equal(h?.appname, 'sshd');
    assert.equal(h?.msgid, '800047');
    assert.equal(h?.message, 'Failed password for root from 192.0.2.1 port 22 ssh2');
  });

  test('a BSD time in brackets; UTC and GMT after an ISO time', () => {
    const b = p('[Jun 21 16:56:02] machine test-demo(pam_unix)[13709] F2B: x');
    assert.equal(iso(b?.ts), '2005-06-21T16:56:02.000Z');
    assert.equal(b?.hostname, 'machine');
    for (const zone of ['UTC', 'GMT']) {
      const h = p(`2005-06-21 14:55:10 ${zone} machine test-demo(pam_unix)[13709] F2B: x`);
      assert.equal(iso(h?.ts), '2005-06-21T14:55:10.000Z', zone);
      assert.equal(h?.hostname, 'machine', zone);
      assert.equal(h?.message, 'F2B: x', zone);
    }
  });
});
