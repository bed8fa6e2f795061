import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { A } from './auth-common.js';
import { cronParser } from './cron.js';
import { LineParser } from './line.js';
import { assertLinear } from './testing/adversarial.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15));
const parse = (line: string): EcsEvent => parser.parse({ message: line, receivedAt: 0 });

describe('cron', () => {
  test('a job run', () => {
    const e = parse('Jun  1 10:17:01 host CRON[5201]: (root) CMD (   cd / && run-parts --report /etc/cron.hourly)');
    assert.deepEqual(getPath(e, F.eventCategory), ['process']);
    assert.equal(getPath(e, F.eventAction), 'cron_command');
    assert.equal(getPath(e, F.userName), 'root');
    assert.equal(getPath(e, A.processCommandLine), '   cd / && run-parts --report /etc/cron.hourly');
    assert.equal(getPath(e, F.eventDataset), 'cron');
  });

  test('a command holding parentheses is kept whole', () => {
    const e = parse('Jun  1 10:17:01 host crond[77]: (alice) CMD (test -x /x && (echo a) || true)');
    assert.equal(getPath(e, A.processCommandLine), 'test -x /x && (echo a) || true');
  });

  test('other cron verbs and the PAM session line (examples/auth.log)', () => {
    const r = parse('Jun  1 10:17:01 host cron[77]: (alice) RELOAD (crontabs/alice)');
    assert.equal(getPath(r, F.eventAction), 'cron_reload');
    const s = parse('Nov 26 08:02:28 web-01 CRON[5200]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)');
    assert.equal(getPath(s, F.eventAction), 'session_opened');
    assert.equal(getPath(s, F.userName), 'root');
    assert.equal(getPath(s, F.eventDataset), 'cron');
  });

  test('other text is not claimed', () => {
    const e: EcsEvent = {};
    assert.equal(cronParser.parse('(CRON) INFO (pidfile fd = 3)', e), true, 'cron status lines are configuration events');
    const f: EcsEvent = {};
    assert.equal(cronParser.parse('job done', f), false);
    assert.deepEqual(f, {});
  });

  test('64 KiB adversarial messages finish in well under 100 ms each', (t) => {
    const slowest = assertLinear(cronParser, ['(root) CMD (', '(root) ', '(']);
    t.diagnostic(`slowest: ${slowest.toFixed(2)} ms`);
  });
});
