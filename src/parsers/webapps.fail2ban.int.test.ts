import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { checkSpecialCases, formatTable, runFail2banFile, unexpectedFailures, type FileResult, type SpecialCases } from './testing/fail2ban.js';

/*
 * fail2ban conformance of the web application parsers (admin panels, webmail, CMS, password managers, monitoring
 * front ends). Every annotated line of each FULL file passes the harness's check; the format is given where the
 * lines cannot be told apart from another format's by sniffing (ZoneMinder writes Apache error log lines).
 *
 * PARTLY files pass except for the lines in SPECIAL, where fail2ban counts something that is not an attack or a
 * failure for Vigil; each says why and what Vigil gives instead.
 */

const FULL: readonly { file: string; format?: string }[] = [
  { file: 'vaultwarden' },
  { file: 'sogo-auth' },
  { file: 'bitwarden' },
  { file: 'directadmin' },
  { file: 'drupal-auth' },
  { file: 'froxlor-auth' },
  { file: 'guacamole' },
  { file: 'suhosin' },
  { file: 'webmin-auth' },
  { file: 'zoneminder', format: 'zoneminder' },
  { file: 'monitorix' },
  { file: 'openwebmail' },
  { file: 'gitlab' },
  { file: 'grafana' },
  { file: 'horde' },
  { file: 'tine20' },
  { file: 'proxmox' },
  { file: 'openhab' },
  { file: 'groupoffice' },
  { file: 'nagios' },
  { file: 'centreon' },
  { file: 'phpmyadmin-syslog' },
  { file: 'squirrelmail' },
];

const PARTLY: readonly string[] = ['apache-fakegooglebot', 'apache-pass'];

const SPECIAL: SpecialCases = {
  'apache-fakegooglebot:3': {
    reason:
      'fail2ban matches every request whose agent claims to be Googlebot and leaves the verdict to a reverse-DNS check in the jail (ignorecommand); ' +
      'the line alone is a served request from a crawler address. Vigil keeps it a successful access with the agent, for enrichment or a rule to judge',
    check: (e, c) => {
      assert.equal(getPath(e, F.eventOutcome), 'success');
      assert.equal(getPath(e, F.sourceIp), c.host);
      assert.match(String(getPath(e, F.userAgentOriginal)), /Googlebot/);
    },
  },
  'apache-pass:2': {
    reason:
      'apache-pass is a port-knocking filter: a successful request for the knocking URL lets the address in (the jail allows rather than bans). ' +
      'It is an ordinary successful access, not a failure',
    check: (e, c) => {
      assert.equal(getPath(e, F.eventOutcome), 'success');
      assert.equal(getPath(e, F.sourceIp), c.host);
      assert.equal(getPath(e, F.userName), 'user1');
      assert.equal(getPath(e, F.httpResponseStatusCode), 200);
    },
  },
};

describe('fail2ban conformance: web applications', () => {
  const full: FileResult[] = FULL.map((f) => runFail2banFile(f.file, f.format));
  const partly: FileResult[] = PARTLY.map((f) => runFail2banFile(f));

  test('per-file table', (t) => {
    for (const row of formatTable([...full, ...partly]).split('\n')) t.diagnostic(row);
    t.diagnostic('treated specially:');
    for (const [k, s] of Object.entries(SPECIAL)) t.diagnostic(`  ${k}: ${s.reason}`);
  });

  for (const r of full) {
    test(`${r.file}: every annotated line passes`, () => {
      assert.deepEqual(r.failures, [], formatTable([r]));
      assert.ok(r.matchLines > 0);
      assert.equal(r.matchPassed, r.matchLines);
      assert.equal(r.noMatchPassed, r.noMatchLines);
    });
  }

  for (const r of partly) {
    test(`${r.file}: every annotated line passes (special cases aside)`, () => {
      const unexpected = unexpectedFailures(r, SPECIAL);
      assert.deepEqual(unexpected, [], formatTable([r]));
      assert.ok(r.matchLines > 0);
    });
  }

  test('special cases: each still differs from fail2ban and gives what is asserted instead', () => {
    checkSpecialCases(SPECIAL, partly);
  });
});
