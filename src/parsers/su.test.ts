import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { A } from './auth-common.js';
import { LineParser } from './line.js';
import { suParser } from './su.js';
import { assertLinear } from './testing/adversarial.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15));
const parse = (line: string): EcsEvent => parser.parse({ message: line, receivedAt: 0 });

describe('su', () => {
  test("RFC 3164's example line: 'su root' failed for lonvick", () => {
    const e = parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
    assert.deepEqual(getPath(e, F.eventCategory), ['authentication']);
    assert.equal(getPath(e, F.eventOutcome), 'failure');
    assert.equal(getPath(e, F.eventAction), 'su');
    assert.equal(getPath(e, F.userName), 'lonvick');
    assert.equal(getPath(e, A.userEffectiveName), 'root');
    assert.equal(getPath(e, A.processTtyName), 'pts/8');
    assert.equal(getPath(e, F.eventDataset), 'su');
  });

  test('FAILED SU and Successful su (util-linux)', () => {
    const a = parse('Jun  1 10:00:00 host su[4321]: FAILED SU (to root) alice on pts/0');
    assert.equal(getPath(a, F.eventOutcome), 'failure');
    assert.equal(getPath(a, F.userName), 'alice');
    assert.equal(getPath(a, A.userEffectiveName), 'root');
    assert.equal(getPath(a, A.processTtyName), 'pts/0');
    const b = parse('Jun  1 10:00:05 host su[4322]: Successful su for root by alice');
    assert.equal(getPath(b, F.eventOutcome), 'success');
    assert.equal(getPath(b, F.userName), 'alice');
    assert.equal(getPath(b, A.userEffectiveName), 'root');
    const c = parse('Jun  1 10:00:05 host su[4322]: (to root) alice on pts/0');
    assert.equal(getPath(c, F.eventOutcome), 'success');
    const d = parse('Jun  1 10:00:05 host su[4322]: - pts/0 alice:root');
    assert.equal(getPath(d, F.eventOutcome), 'failure');
    assert.equal(getPath(d, F.userName), 'alice');
  });

  test('pam_unix(su:auth) failure: ruser ran su, user= is the account asked for', () => {
    const e = parse('Jun  1 10:00:00 host su[4321]: pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=root');
    assert.equal(getPath(e, F.eventOutcome), 'failure');
    assert.equal(getPath(e, F.eventAction), 'su');
    assert.equal(getPath(e, F.userName), 'alice');
    assert.equal(getPath(e, A.userEffectiveName), 'root');
    assert.equal(getPath(e, F.sourceIp), undefined);
  });

  test('su sessions (loghub Linux_2k) go to the PAM parser under the su dataset', () => {
    const e = parse('Jun 15 04:06:18 combo su(pam_unix)[21416]: session opened for user cyrus by (uid=0)');
    assert.deepEqual(getPath(e, F.eventCategory), ['session']);
    assert.equal(getPath(e, F.userName), 'cyrus');
    assert.equal(getPath(e, F.eventDataset), 'su');
  });

  test('other text is not claimed', () => {
    const e: EcsEvent = {};
    assert.equal(suParser.parse('FAILED SU to root', e), false);
    assert.deepEqual(e, {});
  });

  test('64 KiB adversarial messages finish in well under 100 ms each', (t) => {
    const slowest = assertLinear(suParser, ['FAILED SU (to ', 'Successful su for root by ', "'su ", 'pam_unix(su:auth): authentication failure; logname= uid=0 euid=0 tty= ruser=']);
    t.diagnostic(`slowest: ${slowest.toFixed(2)} ms`);
  });
});
