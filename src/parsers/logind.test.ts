import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { A } from './auth-common.js';
import { LineParser } from './line.js';
import { logindParser } from './logind.js';
import { assertLinear } from './testing/adversarial.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15));
const parse = (line: string): EcsEvent => parser.parse({ message: line, receivedAt: 0 });

describe('systemd-logind', () => {
  test('new session', () => {
    const e = parse('Jun  1 10:00:00 host systemd-logind[812]: New session 42 of user alice.');
    assert.deepEqual(getPath(e, F.eventCategory), ['session']);
    assert.deepEqual(getPath(e, F.eventType), ['start']);
    assert.equal(getPath(e, F.eventAction), 'session_opened');
    assert.equal(getPath(e, F.userName), 'alice');
    assert.equal(getPath(e, A.sessionId), '42');
    assert.equal(getPath(e, F.eventDataset), 'logind');
  });

  test('removed session and logged out', () => {
    const a = parse('Jun  1 10:05:00 host systemd-logind[812]: Removed session 42.');
    assert.deepEqual(getPath(a, F.eventType), ['end']);
    assert.equal(getPath(a, F.eventAction), 'session_removed');
    assert.equal(getPath(a, A.sessionId), '42');
    const b = parse('Jun  1 10:04:59 host systemd-logind[812]: Session c1 logged out. Waiting for processes to exit.');
    assert.equal(getPath(b, F.eventAction), 'session_logged_out');
    assert.equal(getPath(b, A.sessionId), 'c1');
  });

  test('other text is not claimed', () => {
    const e: EcsEvent = {};
    assert.equal(logindParser.parse('Watching system buttons on /dev/input/event0 (Power Button)', e), false);
    assert.deepEqual(e, {});
  });

  test('64 KiB adversarial messages finish in well under 100 ms each', (t) => {
    const slowest = assertLinear(logindParser, ['New session ', 'New session 1 of user ', 'Removed session ']);
    t.diagnostic(`slowest: ${slowest.toFixed(2)} ms`);
  });
});
