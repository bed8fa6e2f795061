import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffMs } from './notifier.js';
import { TokenBucket } from './bucket.js';
import { render, renderAlert } from './template.js';
import { bruteForceDoc, triaged } from './test-alerts.js';

test('placeholders take the alert fields and any path of the alert document', () => {
  const a = triaged(bruteForceDoc());
  assert.equal(renderAlert('{{ rule.name }} from {{entities.source_ip}} [{{level}}/{{risk_score}}] {{event.reason}}', a, 'new'), `SSH brute force from one address from 203.0.113.45 [medium/50] ${String((a.doc['event'] as Record<string, unknown>)['reason'])}`);
  assert.equal(renderAlert('{{techniques}} {{nope.nothing}}|', a, 'new'), 'T1110, T1110.001 |');
});

test('values are data: never expanded again, escaped for JSON and single lines', () => {
  const fields = { 'user.name': '{{secret}} "x"\r\nBcc: evil@example.org', secret: 'S3CRET' };
  assert.equal(render('{{user.name}}', fields, {}), '{{secret}} "x"\r\nBcc: evil@example.org');
  assert.equal(render('{"u":"{{user.name}}"}', fields, {}, 'json'), '{"u":"{{secret}} \\"x\\"\\r\\nBcc: evil@example.org"}');
  assert.deepEqual(JSON.parse(render('{"u":"{{user.name}}"}', fields, {}, 'json')), { u: fields['user.name'] });
  assert.equal(render('Subject: {{user.name}}', fields, {}, 'line'), 'Subject: {{secret}} "x" Bcc: evil@example.org');
  // prototype keys are plain data lookups
  assert.equal(render('{{__proto__}}{{constructor}}', {}, {}), '');
});

test('hostile templates and values stay linear and bounded', () => {
  const t0 = Date.now();
  const out = render('{{'.repeat(100_000) + '{{ a'.repeat(50_000), { a: 'x'.repeat(1_000_000) }, {});
  assert.ok(out.length <= 256 * 1024);
  assert.ok(Date.now() - t0 < 1000);
  assert.equal(render('{{a}}', { a: 'y'.repeat(10_000) }, {}).length, 4097);
});

test('backoff doubles from the first delay, is capped and jittered but never early', () => {
  const cfg = { backoff_seconds: 1, max_backoff_seconds: 10 };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffMs(cfg, n, 1)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
  assert.deepEqual([1, 2, 3].map((n) => backoffMs(cfg, n, 0)), [500, 1000, 2000]);
});

test('token bucket: burst at once, then the refill rate', () => {
  const b = new TokenBucket(60, 3, 0);
  assert.deepEqual([0, 0, 0, 0].map((t) => b.take(t)), [true, true, true, false]);
  assert.equal(b.take(500), false);
  assert.equal(b.take(1000), true);
  assert.equal(b.take(1000), false);
  assert.equal(b.take(-5000), false, 'a clock going back adds nothing');
});
