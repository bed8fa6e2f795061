import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getPath } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { LineParser } from './line.js';
import { resetSshdState } from './sshd.js';
import { checkSpecialCases, formatTable, isFailureEvent, runFail2banFile, unexpectedFailures, type SpecialCases } from './testing/fail2ban.js';

/*
 * fail2ban conformance of the authentication parsers (sshd, PAM).
 *
 * fail2ban runs parts of these files in non-default modes (`filterOptions` with mode ddos, extra or aggressive):
 * preauth disconnects, "Did not receive identification string", kex/negotiation failures, timeouts before
 * authentication. Vigil reports all of them as failures in every case: a security team wants to see them, and
 * detection rules decide what to alert on. The `match: false` lines in those blocks that are "no failure in normal
 * mode" carry no host, so they do not contradict this.
 *
 * Lines treated specially are listed in SPECIAL with the reason and what is asserted instead. Every other line of
 * the files must pass the harness's check.
 */

const SPECIAL: SpecialCases = {
  'sshd:252': {
    reason: 'fail2ban counts a success after failures for other users on the same connection; Vigil keeps the login a success',
    check: (e, c) => {
      assert.equal(getPath(e, F.eventOutcome), 'success');
      assert.equal(getPath(e, F.sourceIp), c.host);
    },
  },
  'sshd:262': {
    reason: 'as sshd:252',
    check: (e, c) => {
      assert.equal(getPath(e, F.eventOutcome), 'success');
      assert.equal(getPath(e, F.sourceIp), c.host);
    },
  },
  'sshd-journal:244': {
    reason: 'as sshd:252',
    check: (e, c) => {
      assert.equal(getPath(e, F.eventOutcome), 'success');
      assert.equal(getPath(e, F.sourceIp), c.host);
    },
  },
  'sshd-journal:254': {
    reason: 'as sshd:252',
    check: (e, c) => {
      assert.equal(getPath(e, F.eventOutcome), 'success');
      assert.equal(getPath(e, F.sourceIp), c.host);
    },
  },
};

/*
 * sshd-journal holds journal-style lines, "srv sshd[123]: message", with no timestamp (fail2ban's logtype journal
 * takes the time from the journal); the header reader reads them as host, program and pid without a time.
 */

describe('fail2ban conformance: sshd, sshd-journal, pam-generic', () => {
  resetSshdState();
  const results = [runFail2banFile('sshd'), runFail2banFile('sshd-journal'), runFail2banFile('pam-generic')];

  test('per-file table', (t) => {
    for (const row of formatTable(results).split('\n')) t.diagnostic(row);
    t.diagnostic('treated specially:');
    for (const [k, s] of Object.entries(SPECIAL)) t.diagnostic(`  ${k}: ${s.reason}`);
  });

  for (const r of results) {
    test(`${r.file}: every annotated line passes (special cases aside)`, () => {
      const unexpected = unexpectedFailures(r, SPECIAL);
      assert.deepEqual(unexpected, [], formatTable([r]));
      assert.ok(r.matchLines > 0);
    });
  }

  test('special cases: each still differs from fail2ban and gives what is asserted instead', () => {
    checkSpecialCases(SPECIAL, results);
  });
});

// ---- Loghub Linux_2k: PAM authentication failures ----

const LINUX = fileURLToPath(new URL('../../../shared/data/loghub/Linux/', import.meta.url));

/** One CSV record (fields may be double-quoted with "" for a quote). */
function csvRow(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else v += line[i++];
      }
      out.push(v);
      i++;
    } else {
      let end = line.indexOf(',', i);
      if (end === -1) end = line.length;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

describe('Loghub Linux_2k: every "authentication failure" line is an authentication failure from rhost', () => {
  const log = readFileSync(`${LINUX}Linux_2k.log`, 'utf8').split(/\r?\n/);
  if (log[log.length - 1] === '') log.pop();
  // LineId,Month,Date,Time,Level,Component,PID,Content,EventId,EventTemplate
  const rows = readFileSync(`${LINUX}Linux_2k.log_structured.csv`, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l !== '')
    .map(csvRow);
  const parser = new LineParser(() => Date.UTC(2026, 7, 1));

  test('the files line up', () => {
    assert.equal(log.length, 2000);
    assert.equal(rows.length, 2000);
    assert.ok(rows.every((r, i) => r[0] === String(i + 1)));
  });

  test('authentication failures: outcome, source and user', () => {
    let n = 0;
    let withHost = 0;
    for (let i = 0; i < rows.length; i++) {
      const content = rows[i]?.[7] ?? '';
      if (!content.includes('authentication failure')) continue;
      n++;
      const e = parser.parse({ message: log[i] as string, receivedAt: 0 });
      const where = `line ${i + 1}: ${content}`;
      assert.deepEqual(getPath(e, F.eventCategory), ['authentication'], where);
      assert.equal(getPath(e, F.eventOutcome), 'failure', where);
      assert.ok(isFailureEvent(e), where);
      const rhost = /rhost=(\S*)/.exec(content)?.[1] ?? '';
      if (rhost !== '') {
        withHost++;
        const isIp = /^[\d.]+$/.test(rhost);
        assert.equal(getPath(e, isIp ? F.sourceIp : F.sourceDomain), isIp ? rhost : rhost.toLowerCase(), where);
      } else assert.equal(getPath(e, F.sourceIp), undefined, where);
      const user = /\buser=(\S+)/.exec(content)?.[1];
      assert.equal(getPath(e, F.userName), user, where);
    }
    assert.equal(n, 490);
    assert.equal(withHost, 489);
  });

  test('check pass; user unknown is a failure; su sessions are sessions of the right user', () => {
    for (let i = 0; i < rows.length; i++) {
      const [, , , , , component, , content] = rows[i] as string[];
      const e = parser.parse({ message: log[i] as string, receivedAt: 0 });
      const where = `line ${i + 1}`;
      if (content === 'check pass; user unknown') assert.equal(getPath(e, F.eventOutcome), 'failure', where);
      const s = /^session (opened|closed) for user (\S+)/.exec(content ?? '');
      if (s && component?.endsWith('(pam_unix)')) {
        assert.deepEqual(getPath(e, F.eventCategory), ['session'], where);
        assert.equal(getPath(e, F.userName), s[2], where);
        assert.deepEqual(getPath(e, F.eventType), [s[1] === 'opened' ? 'start' : 'end'], where);
      }
    }
  });
});
