import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { LineParser } from './line.js';
import { DAEMONS_FORMATS } from './registry-daemons.js';
import { resetSlapdConnections } from './slapd.js';
import { FAIL2BAN_LOGS, formatTable, readFail2banLog, runFail2banFile, type Fail2banCase, type FileResult } from './testing/fail2ban.js';

/*
 * fail2ban conformance of the mail, chat, VoIP, VPN, directory and other daemon parsers. Every file is read without
 * an explicit format: syslog lines are routed by program name (or, where the header reader finds none, by the parsers
 * tried for every program), and the daemons' own log files by their line formats' sniffing.
 */

/** Files where every annotated line passes. */
const FULL: readonly string[] = [
  'assp',
  'kerio',
  'oracleims',
  'domino-smtp',
  'ejabberd-auth',
  'slapd',
  'znc-adminlog',
  'counter-strike',
  'murmur',
  'monit',
  'softethervpn',
  'routeros-auth',
  'screensharingd',
  'stunnel',
  '3proxy',
];

interface Special {
  reason: string;
  /** what the line must give instead */
  check(e: EcsEvent, c: Fail2banCase): void;
}

/** Files that pass except for the lines listed here, with the reason and what Vigil gives instead. */
const PARTIAL: Record<string, Record<number, Special>> = {
  freeswitch: {
    4: {
      reason:
        'a SIP digest challenge is the normal first step of every SIP login; fail2ban counts it in its ddos and extra (default) modes to catch floods, not in its normal mode. Vigil keeps it an authentication event with outcome unknown (rules can count them per source)',
      check: (e, c) => {
        assert.equal(getPath(e, F.eventAction), 'sip_auth_challenge');
        assert.equal(getPath(e, F.eventOutcome), 'unknown');
        assert.equal(getPath(e, F.sourceIp), c.host);
      },
    },
  },
};

describe('fail2ban conformance: daemon parsers', () => {
  resetSlapdConnections();
  const full: FileResult[] = FULL.map((f) => runFail2banFile(f));
  const partial: FileResult[] = Object.keys(PARTIAL).map((f) => runFail2banFile(f));

  test('per-file table', (t) => {
    for (const row of formatTable([...full, ...partial]).split('\n')) t.diagnostic(row);
    t.diagnostic('treated specially:');
    for (const [file, lines] of Object.entries(PARTIAL)) for (const [line, s] of Object.entries(lines)) t.diagnostic(`  ${file}:${line}: ${s.reason}`);
  });

  for (const r of full) {
    test(`${r.file}: every annotated line passes`, () => {
      assert.deepEqual(r.failures, [], formatTable([r]));
      assert.equal(r.matchPassed, r.matchLines);
      assert.equal(r.noMatchPassed, r.noMatchLines);
      assert.ok(r.matchLines > 0);
    });
  }

  for (const r of partial) {
    test(`${r.file}: every annotated line passes except the listed ones, which give what is asserted instead`, () => {
      const special = PARTIAL[r.file] ?? {};
      assert.deepEqual(
        r.failures.filter((f) => special[f.line] === undefined),
        [],
        formatTable([r]),
      );
      const parser = new LineParser(() => Date.UTC(2005, 7, 14, 10));
      const cases = readFail2banLog(r.file);
      for (const [line, s] of Object.entries(special)) {
        const c = cases.find((x) => x.line === Number(line));
        assert.ok(c, `${r.file}:${line} exists`);
        assert.ok(
          r.failures.some((f) => f.line === c.line),
          `${r.file}:${line} is listed but passes: remove it from PARTIAL`,
        );
        s.check(parser.parse({ message: c.text, receivedAt: 0 }), c);
      }
    });
  }
});

/** Which sample files each daemon line format may claim lines of. */
const OWNS: Record<string, readonly string[]> = {
  assp: ['assp'],
  kerio: ['kerio'],
  'domino-console': ['domino-smtp'],
  '3proxy': ['3proxy'],
  'freeswitch-log': ['freeswitch'],
  'monit-log': ['monit'],
  'murmur-log': ['murmur'],
  'ejabberd-log': ['ejabberd-auth'],
  oracleims: ['oracleims'],
  'znc-log': ['znc-adminlog'],
  'counter-strike': ['counter-strike'],
  'stunnel-log': ['stunnel'],
};

test('the daemon line formats claim no line of any other fail2ban sample file', () => {
  const files = readdirSync(FAIL2BAN_LOGS).filter((f) => statSync(new URL(f, FAIL2BAN_LOGS)).isFile());
  assert.ok(files.length > 60);
  const stolen: string[] = [];
  let claimed = 0;
  for (const file of files) {
    for (const c of readFail2banLog(file)) {
      for (const f of DAEMONS_FORMATS) {
        if (!f.sniff(c.text) || !f.parse(c.text, {})) continue;
        if (OWNS[f.name]?.includes(file) === true) claimed++;
        else stolen.push(`${f.name} took ${file}:${c.line}`);
      }
    }
  }
  assert.deepEqual(stolen, []);
  assert.ok(claimed > 40);
});
