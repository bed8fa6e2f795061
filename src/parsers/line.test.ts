import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RawRecord } from '../core/component.js';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F, PARSE_FAILURE_TAG } from '../schema/fields.js';
import { LineParser } from './line.js';

/** Test clock: 2026-06-15T12:00:00Z, so December lines fall in 2025. */
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const parser = new LineParser(() => NOW);
const LOGHUB = fileURLToPath(new URL('../../../shared/data/loghub/OpenSSH/', import.meta.url));

function parse(message: string, extra: Partial<RawRecord> = {}): EcsEvent {
  return parser.parse({ message, receivedAt: NOW, ...extra });
}

function get(e: EcsEvent, path: string): unknown {
  return getPath(e, path);
}

describe('syslog lines to ECS', () => {
  test('RFC 3164 with PRI, host and tag', () => {
    const line = '<38>Dec 10 06:55:46 LabSZ sshd[24200]: Connection closed by 10.0.0.1 [preauth]';
    const e = parse(line);
    assert.equal(e[F.timestamp], '2025-12-10T06:55:46.000Z');
    assert.equal(e[F.message], 'Connection closed by 10.0.0.1 [preauth]');
    assert.equal(get(e, F.eventOriginal), line);
    assert.equal(get(e, F.hostHostname), 'LabSZ');
    assert.equal(get(e, F.hostName), 'LabSZ');
    assert.equal(get(e, F.processName), 'sshd');
    assert.equal(get(e, F.logSyslogAppname), 'sshd');
    assert.equal(get(e, F.processPid), 24200);
    assert.equal(get(e, F.logSyslogPriority), 38);
    assert.equal(get(e, F.logSyslogFacilityCode), 4);
    assert.equal(get(e, F.logSyslogSeverityCode), 6);
    assert.equal(get(e, F.eventDataset), 'sshd');
    assert.equal(e[F.tags], undefined);
    assert.equal(get(e, F.errorMessage), undefined);
  });

  test('RFC 5424 with structured data, msgid and a BOM', () => {
    const line = '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 77 ID47 [exampleSDID@32473 iut="3"] \uFEFFAn application event';
    const e = parse(line);
    assert.equal(e[F.timestamp], '2003-10-11T22:14:15.003Z');
    assert.equal(e[F.message], 'An application event');
    assert.equal(get(e, F.logSyslogVersion), '1');
    assert.equal(get(e, F.logSyslogMsgid), 'ID47');
    assert.equal(get(e, 'log.syslog.structured_data_raw'), '[exampleSDID@32473 iut="3"]');
    assert.equal(get(e, F.logSyslogFacilityCode), 20);
    assert.equal(get(e, F.logSyslogSeverityCode), 5);
    assert.equal(get(e, F.processPid), 77);
    assert.equal(get(e, F.hostName), 'mymachine.example.com');
    assert.equal(get(e, F.eventDataset), 'syslog');
    // the BOM marks MSG's encoding: it is text in neither the message nor event.original
    assert.equal(get(e, F.eventOriginal), line.replace('\uFEFF', ''));
  });

  test('a BOM the source left out: dropped where it began an RFC 5424 MSG, put back anywhere else', () => {
    const head = '<165>1 2003-10-11T22:14:15.003Z host app 77 ID47 - ';
    const whole = parse(`${head}\uFEFFevent`);
    const left = parse(`${head}event`, { bomAt: head.length });
    assert.deepEqual(left, whole);
    assert.equal(get(left, F.eventOriginal), `${head}event`);
    assert.equal(get(left, F.message), 'event');
    // inside the message, in the header, in a BSD line, in a line of an explicit format: text, kept where it was
    for (const [text, at] of [
      [`${head}ev\uFEFFent`, head.length + 2],
      [`<165>1 2003-10-11T22:14:15.003Z h\uFEFFost app 77 ID47 - event`, 33],
      ['<13>Oct 11 22:14:15 host app: \uFEFFhello', 30],
      ['\uFEFFno header at all', 0],
    ] as const) {
      const cutOut = text.slice(0, at) + text.slice(at + 1);
      assert.equal(text[at], '\uFEFF');
      assert.deepEqual(parse(cutOut, { bomAt: at }), parse(text), text);
      assert.equal(get(parse(cutOut, { bomAt: at }), F.eventOriginal), text.startsWith('<165>1') && at === head.length ? undefined : text);
    }
    const json = '{"a":"\uFEFFb"}';
    assert.deepEqual(parse('{"a":"b"}', { bomAt: 6, format: 'json' }), parse(json, { format: 'json' }));
  });

  test('RFC 5424 NILVALUEs set nothing; a non-numeric procid is not a pid', () => {
    const e = parse('<13>1 - - - - - - minimal');
    assert.equal(e[F.timestamp], undefined, 'no time: the pipeline uses the ingest time');
    assert.equal(e[F.message], 'minimal');
    assert.equal(get(e, F.hostName), undefined);
    assert.equal(get(e, F.processName), undefined);
    assert.equal(get(e, F.logSyslogMsgid), undefined);
    assert.equal(get(e, 'log.syslog.structured_data_raw'), undefined);
    assert.equal(get(e, F.processPid), undefined);
    assert.equal(get(parse('<13>1 - host app worker-3 - - m'), F.processPid), undefined);
  });

  test('RFC 3164 without PRI and without hostname', () => {
    const e = parse('Jun  1 10:00:00 cron[99]: job done');
    assert.equal(e[F.timestamp], '2026-06-01T10:00:00.000Z');
    assert.equal(get(e, F.hostName), undefined);
    assert.equal(get(e, F.processName), 'cron');
    assert.equal(get(e, F.logSyslogPriority), undefined);
    assert.equal(e[F.message], 'job done');
    // cron has a parser: its dataset applies even to messages it does not map
    assert.equal(get(e, F.eventDataset), 'cron');
  });

  test('year-less time: the current year, or the previous one when that would be more than a day ahead', () => {
    assert.equal(parse('Jun 16 11:00:00 h a: m')[F.timestamp], '2026-06-16T11:00:00.000Z');
    assert.equal(parse('Jun 16 12:00:01 h a: m')[F.timestamp], '2025-06-16T12:00:01.000Z');
    assert.equal(parse('Jan  1 00:00:00 h a: m')[F.timestamp], '2026-01-01T00:00:00.000Z');
    const newYear = new LineParser(() => Date.UTC(2027, 0, 1, 0, 5));
    assert.equal(newYear.parse({ message: 'Dec 31 23:59:00 h a: m', receivedAt: 0 })[F.timestamp], '2026-12-31T23:59:00.000Z');
  });

  test('ISO-timestamped line', () => {
    const e = parse('2024-05-01T12:00:00.250+02:00 web01 nginx[77]: GET /index.html 200');
    assert.equal(e[F.timestamp], '2024-05-01T10:00:00.250Z');
    assert.equal(get(e, F.hostName), 'web01');
    assert.equal(get(e, F.processName), 'nginx');
    assert.equal(get(e, F.processPid), 77);
    assert.equal(e[F.message], 'GET /index.html 200');
  });

  test('where the record came from: peer address and file', () => {
    const e = parse('<13>Jun  1 10:00:00 h a: m', { peer: { address: '192.0.2.7', port: 51514 }, file: '/var/log/auth.log' });
    assert.equal(get(e, F.logSourceAddress), '192.0.2.7:51514');
    assert.equal(get(e, F.logFilePath), '/var/log/auth.log');
    assert.equal(get(parse('<13>Jun  1 10:00:00 h a: m'), F.logSourceAddress), undefined);
  });
});

describe('lines that cannot be read are kept', () => {
  for (const line of ['garbage line here', '', '["a JSON array, not an object"]', '<999>too big a priority', 'Foo 10 06:55:46 host app: m']) {
    test(`kept and tagged: ${JSON.stringify(line)}`, () => {
      const e = parse(line, { peer: { address: '192.0.2.1', port: 514 } });
      assert.deepEqual(e[F.tags], [PARSE_FAILURE_TAG]);
      assert.equal(get(e, F.eventOriginal), line);
      assert.equal(e[F.message], line);
      assert.equal(get(e, F.eventDataset), 'generic');
      assert.equal(typeof get(e, F.errorMessage), 'string');
      assert.equal(get(e, F.logSourceAddress), '192.0.2.1:514');
      assert.equal(e[F.timestamp], undefined);
    });
  }
});

describe('overlong lines', () => {
  test('a line beyond 64 KiB is cut to 64 KiB and tagged; the header is still read', () => {
    const head = '<13>Jun  1 10:00:00 host app[1]: ';
    const line = head + 'x'.repeat(70_000);
    const e = parse(line);
    const original = get(e, F.eventOriginal) as string;
    assert.equal(original.length, 65_536);
    assert.equal(original, line.slice(0, 65_536));
    assert.deepEqual(e[F.tags], ['_truncated']);
    assert.equal(get(e, F.hostName), 'host');
    assert.equal((e[F.message] as string).length, 65_536 - head.length);
  });

  test('an overlong line with no header carries both tags', () => {
    const e = parse('y'.repeat(100_000));
    assert.deepEqual([...(e[F.tags] as string[])].sort(), [PARSE_FAILURE_TAG, '_truncated'].sort());
    assert.equal((get(e, F.eventOriginal) as string).length, 65_536);
  });

  test('a line of exactly 64 KiB is not truncated', () => {
    const e = parse('z'.repeat(65_536));
    assert.deepEqual(e[F.tags], [PARSE_FAILURE_TAG]);
    assert.equal((get(e, F.eventOriginal) as string).length, 65_536);
  });
});

describe('sshd authentication messages', () => {
  const sshd = (msg: string): EcsEvent => parse(`Dec 10 06:55:48 LabSZ sshd[24200]: ${msg}`);

  test('failed password', () => {
    const e = sshd('Failed password for root from 5.36.59.76 port 42393 ssh2');
    assert.deepEqual(get(e, F.eventCategory), ['authentication']);
    assert.equal(get(e, F.eventOutcome), 'failure');
    assert.equal(get(e, F.eventAction), 'ssh_login');
    assert.equal(get(e, F.userName), 'root');
    assert.equal(get(e, F.sourceIp), '5.36.59.76');
    assert.equal(get(e, F.sourcePort), 42393);
    assert.equal(get(e, 'user.authentication.method'), 'password');
    assert.equal(get(e, 'user.invalid'), undefined);
    assert.equal(get(e, F.eventDataset), 'sshd');
  });

  test('failed password for an invalid user', () => {
    const e = sshd('Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2');
    assert.equal(get(e, F.eventOutcome), 'failure');
    assert.equal(get(e, F.userName), 'webmaster');
    assert.equal(get(e, 'user.invalid'), true);
    assert.equal(get(e, F.sourceIp), '173.234.31.186');
    assert.equal(get(e, F.sourcePort), 38926);
  });

  test('failed none for an invalid user', () => {
    const e = sshd('Failed none for invalid user admin from 2001:db8::7 port 4022 ssh2');
    assert.equal(get(e, F.eventOutcome), 'failure');
    assert.equal(get(e, 'user.authentication.method'), 'none');
    assert.equal(get(e, F.sourceIp), '2001:db8::7');
  });

  test('accepted password and publickey', () => {
    const p = sshd('Accepted password for fztu from 119.137.62.142 port 49116 ssh2');
    assert.equal(get(p, F.eventOutcome), 'success');
    assert.equal(get(p, F.eventAction), 'ssh_login');
    assert.equal(get(p, F.userName), 'fztu');
    assert.equal(get(p, F.sourcePort), 49116);
    const k = sshd('Accepted publickey for deploy from 10.1.2.3 port 50000 ssh2: RSA SHA256:abcdef');
    assert.equal(get(k, F.eventOutcome), 'success');
    assert.equal(get(k, 'user.authentication.method'), 'publickey');
    assert.equal(get(k, F.sourceIp), '10.1.2.3');
  });

  test('invalid user, with and without a port', () => {
    const a = sshd('Invalid user webmaster from 173.234.31.186');
    assert.equal(get(a, F.eventAction), 'invalid_user');
    assert.equal(get(a, F.eventOutcome), 'failure');
    assert.equal(get(a, F.userName), 'webmaster');
    assert.equal(get(a, F.sourceIp), '173.234.31.186');
    assert.equal(get(a, F.sourcePort), undefined);
    const b = sshd('Invalid user oracle from 192.0.2.9 port 51234');
    assert.equal(get(b, F.sourcePort), 51234);
  });

  test('a user name with spaces is kept whole and the address is the one sshd appended', () => {
    const a = sshd('Invalid user  0101 from 5.188.10.180');
    assert.equal(get(a, F.userName), ' 0101');
    assert.equal(get(a, F.sourceIp), '5.188.10.180');
    const b = sshd('Failed password for invalid user  0101 from 5.188.10.180 port 36279 ssh2');
    assert.equal(get(b, F.eventOutcome), 'failure');
    assert.equal(get(b, F.userName), ' 0101');
    assert.equal(get(b, F.sourcePort), 36279);
    // a user name that imitates the tail of the line does not choose the source address
    const c = sshd('Failed password for invalid user x from 203.0.113.1 port 1 from 198.51.100.2 port 2222 ssh2');
    assert.equal(get(c, F.userName), 'x from 203.0.113.1 port 1');
    assert.equal(get(c, F.sourceIp), '198.51.100.2');
    assert.equal(get(c, F.sourcePort), 2222);
  });

  test('other sshd messages get the sshd dataset but no authentication fields', () => {
    const e = sshd('Server listening on 0.0.0.0 port 22.');
    assert.equal(get(e, F.eventDataset), 'sshd');
    assert.equal(get(e, F.eventCategory), undefined);
    assert.equal(get(e, F.sourceIp), undefined);
  });

  test('the same text from another program is not read as sshd', () => {
    const e = parse('Dec 10 06:55:48 LabSZ login[1]: Failed password for root from 5.36.59.76 port 42393 ssh2');
    assert.equal(get(e, F.eventDataset), 'syslog');
    assert.equal(get(e, F.eventOutcome), undefined);
  });
});

// ---- Loghub OpenSSH_2k conformance (see shared/data/SOURCES.md) ----

describe('Loghub OpenSSH_2k: every line against the reviewed structured parse', () => {
  const log = readFileSync(`${LOGHUB}OpenSSH_2k.log`, 'utf8').split(/\r?\n/);
  if (log[log.length - 1] === '') log.pop();
  // LineId,Date,Day,Time,Component,Pid,Content,EventId,EventTemplate: no field is quoted in this file
  const rows = readFileSync(`${LOGHUB}OpenSSH_2k.log_structured.csv`, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split(','));
  const events = log.map((line) => parse(line));

  test('the files are present and line up', () => {
    assert.equal(log.length, 2000);
    assert.equal(rows.length, 2000);
    assert.ok(rows.every((r, i) => r.length === 9 && r[0] === String(i + 1)));
  });

  test('header: hostname = Component, process.pid = Pid, time = Date/Day/Time, message = Content', () => {
    const months: Record<string, string> = { Dec: '12', Jan: '01' };
    for (let i = 0; i < rows.length; i++) {
      const [, mon, day, time, component, pid, content] = rows[i] as string[];
      const e = events[i] as EcsEvent;
      const where = `line ${i + 1}`;
      assert.equal(e[F.tags], undefined, where);
      assert.equal(get(e, F.hostHostname), component, where);
      assert.equal(get(e, F.processName), 'sshd', where);
      assert.equal(get(e, F.processPid), Number(pid), where);
      assert.equal(e[F.timestamp], `2025-${months[mon as string] ?? '??'}-${(day as string).padStart(2, '0')}T${time as string}.000Z`, where);
      // Loghub's CSV drops trailing blanks of the message; the event keeps the line as sent
      const message = e[F.message] as string;
      assert.equal(message.trimEnd(), content, where);
      assert.ok(message.startsWith(content as string), where);
      assert.equal(get(e, F.eventOriginal), log[i], where);
    }
  });

  /** The variables of a Loghub template (`<*>`) read from a line's Content. */
  function variables(template: string, content: string): string[] | undefined {
    const re = new RegExp(`^${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('<\\*>', '(.*?)')}$`);
    return re.exec(content)?.slice(1);
  }

  test('authentication templates: user, address and port match the template variables', () => {
    const expectations: Record<string, { outcome: string; invalid: boolean; port: boolean }> = {
      'Failed password for <*> from <*> port <*> ssh2': { outcome: 'failure', invalid: false, port: true },
      'Failed password for invalid user <*> from <*> port <*> ssh2': { outcome: 'failure', invalid: true, port: true },
      'Failed none for invalid user <*> from <*> port <*> ssh2': { outcome: 'failure', invalid: true, port: true },
      'Accepted password for <*> from <*> port <*> ssh2': { outcome: 'success', invalid: false, port: true },
      'Invalid user <*> from <*>': { outcome: 'failure', invalid: false, port: false },
    };
    const OTHER_FAILURES = new Set([
      'Connection closed by <*> [preauth]',
      'Did not receive identification string from <*>',
      'Disconnecting: Too many authentication failures for admin [preauth]',
      'Disconnecting: Too many authentication failures for root [preauth]',
      'error: Received disconnect from <*>: <*>: com.jcraft.jsch.JSchException: Auth fail [preauth]',
      'error: Received disconnect from <*>: <*>: No more user authentication methods available. [preauth]',
      'fatal: Write failed: Connection reset by peer [preauth]',
      'input_userauth_request: invalid user <*> [preauth]',
      'message repeated <*> times: [ Failed password for root from <*> port <*>]',
      'PAM <*> more authentication failure; logname= uid=<*> euid=<*> tty=ssh ruser= rhost=<*>',
      'PAM <*> more authentication failures; logname= uid=<*> euid=<*> tty=ssh ruser= rhost=<*>',
      'PAM <*> more authentication failures; logname= uid=<*> euid=<*> tty=ssh ruser= rhost=<*>  user=root',
      'pam_unix(sshd:auth): authentication failure; logname= uid=<*> euid=<*> tty=ssh ruser= rhost=<*>',
      'pam_unix(sshd:auth): authentication failure; logname= uid=<*> euid=<*> tty=ssh ruser= rhost=<*> user=<*>',
      'pam_unix(sshd:auth): check pass; user unknown',
      'Received disconnect from <*>: <*>: Bye Bye [preauth]',
      'Received disconnect from <*>: <*>: Closed due to user request. [preauth]',
    ]);
    const seen: Record<string, number> = {};
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as string[];
      const template = row[8] as string;
      const e = events[i] as EcsEvent;
      const want = expectations[template];
      const where = `line ${i + 1}: ${row[6] ?? ''}`;
      if (!want) {
        // preauth disconnects, PAM failures, repeated failures and the like are failures too (see sshd.test.ts)
        assert.equal(get(e, F.eventOutcome) === 'failure', OTHER_FAILURES.has(template), where);
        continue;
      }
      seen[template] = (seen[template] ?? 0) + 1;
      const v = variables(template, row[6] as string);
      assert.ok(v, where);
      const [user, ip, port] = v;
      assert.deepEqual(get(e, F.eventCategory), ['authentication'], where);
      assert.equal(get(e, F.eventOutcome), want.outcome, where);
      assert.equal(get(e, F.userName), user, where);
      assert.equal(get(e, F.sourceIp), ip, where);
      assert.equal(get(e, F.sourcePort), want.port ? Number(port) : undefined, where);
      if (want.invalid) assert.equal(get(e, 'user.invalid'), true, where);
    }
    // counts from the structured CSV
    assert.deepEqual(seen, {
      'Failed password for <*> from <*> port <*> ssh2': 383,
      'Failed password for invalid user <*> from <*> port <*> ssh2': 135,
      'Failed none for invalid user <*> from <*> port <*> ssh2': 4,
      'Accepted password for <*> from <*> port <*> ssh2': 1,
      'Invalid user <*> from <*>': 113,
    });
  });

  test('the busiest source address is 183.62.140.253', () => {
    const counts = new Map<string, number>();
    for (const e of events) {
      const ip = get(e, F.sourceIp);
      if (typeof ip === 'string') counts.set(ip, (counts.get(ip) ?? 0) + 1);
    }
    const top = [...counts].sort((a, b) => b[1] - a[1])[0];
    assert.equal(top?.[0], '183.62.140.253');
  });
});

describe('what the source knows and relays add', () => {
  test('tags on the record (a source that cut a message) are added to the event', () => {
    const e = new LineParser().parse({ message: '<34>Oct 11 22:14:15 mymachine su: cut here', receivedAt: 0, tags: ['_truncated'] });
    assert.deepEqual(e[F.tags], ['_truncated']);
    assert.equal(getPath(e, F.processName), 'su');
  });

  test('rsyslog relaying an RFC 3164 line as RFC 5424 keeps a space before the text: sshd still reads it', () => {
    const line = '<38>1 2026-11-26T10:00:00+00:00 vm sshd 4242 - -  Failed password for invalid user bob1 from 127.0.0.1 port 40001 ssh2';
    const e = new LineParser().parse({ message: line, receivedAt: 0 });
    assert.equal(e[F.message], 'Failed password for invalid user bob1 from 127.0.0.1 port 40001 ssh2');
    assert.equal(getPath(e, F.userName), 'bob1');
    assert.equal(getPath(e, F.sourceIp), '127.0.0.1');
    assert.equal(getPath(e, F.eventOutcome), 'failure');
  });
});
