import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { A } from './auth-common.js';
import { LineParser } from './line.js';
import { sudoParser } from './sudo.js';
import { assertLinear } from './testing/adversarial.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15));
const parse = (line: string): EcsEvent => parser.parse({ message: line, receivedAt: 0 });

describe('sudo', () => {
  test('a command run (examples/auth.log)', () => {
    const e = parse('Nov 26 08:01:38 bastion sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx');
    assert.deepEqual(getPath(e, F.eventCategory), ['process']);
    assert.deepEqual(getPath(e, F.eventType), ['start']);
    assert.equal(getPath(e, F.eventAction), 'sudo');
    assert.equal(getPath(e, F.eventOutcome), 'success');
    assert.equal(getPath(e, F.userName), 'alice');
    assert.equal(getPath(e, A.userEffectiveName), 'root');
    assert.equal(getPath(e, A.processCommandLine), '/usr/bin/systemctl restart nginx');
    assert.equal(getPath(e, A.processExecutable), '/usr/bin/systemctl');
    assert.equal(getPath(e, A.processWorkingDirectory), '/home/alice');
    assert.equal(getPath(e, A.processTtyName), 'pts/0');
    assert.equal(getPath(e, F.eventDataset), 'sudo');
  });

  test('incorrect password attempts and users not in sudoers are failures', () => {
    const a = parse('Jun  1 10:00:00 host sudo:      bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/id');
    assert.equal(getPath(a, F.eventOutcome), 'failure');
    assert.equal(getPath(a, A.repeatCount), 3);
    assert.equal(getPath(a, F.errorMessage), '3 incorrect password attempts');
    assert.deepEqual(getPath(a, F.eventCategory), ['process', 'authentication']);
    const b = parse('Jun  1 10:00:00 host sudo:      eve : user NOT in sudoers ; TTY=pts/2 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh');
    assert.equal(getPath(b, F.eventOutcome), 'failure');
    assert.equal(getPath(b, F.userName), 'eve');
    assert.equal(getPath(b, A.processCommandLine), '/bin/sh');
  });

  test('a command holding " ; " is kept whole', () => {
    const e = parse('Jun  1 10:00:00 host sudo: alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/sh -c echo a ; USER=x');
    assert.equal(getPath(e, A.processCommandLine), '/bin/sh -c echo a ; USER=x');
    assert.equal(getPath(e, A.userEffectiveName), 'root');
  });

  test('sudo PAM lines go to the PAM parser under the sudo dataset', () => {
    const e = parse('Jun  1 10:00:00 host sudo: pam_unix(sudo:auth): authentication failure; logname=bob uid=1001 euid=0 tty=/dev/pts/1 ruser=bob rhost=  user=bob');
    assert.equal(getPath(e, F.eventOutcome), 'failure');
    assert.equal(getPath(e, F.eventDataset), 'sudo');
  });

  test('other text is not claimed', () => {
    const e: EcsEvent = {};
    assert.equal(sudoParser.parse('alice : no fields here', e), false);
    assert.deepEqual(e, {});
  });

  test('64 KiB adversarial messages finish in well under 100 ms each', (t) => {
    const slowest = assertLinear(sudoParser, ['alice : ', 'alice : TTY=pts/0 ; ', '   ']);
    t.diagnostic(`slowest: ${slowest.toFixed(2)} ms`);
  });
});
