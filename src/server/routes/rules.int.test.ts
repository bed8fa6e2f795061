import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { serve, testConfig, until, type Json, type Served } from '../../alerting/harness.js';

/**
 * Rules management through the real HTTP server (`startServer`: store, pipeline, detection engine, API): upload with
 * problems reported by line, hot-add without losing other rules' correlation windows, replace by id, switch off,
 * hunt by rule id and inline YAML, and the uploaded rule loaded again after a restart.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-api-'));
const token = `rules-${process.pid}-${Date.now().toString(36)}`;
let served: Served | undefined;
after(async () => {
  await served?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const BRUTE = '3f9d6c52-8a1e-4c57-b0d4-6e2a9f41c7a3';
const UPLOADED = '6a1c2f0e-1d7b-4f5e-9d5c-0b7e3a1f2c41';
const RULE = (title: string, word: string): string => `title: ${title}
id: ${UPLOADED}
status: experimental
logsource:
  product: linux
detection:
  keywords:
    - '${word}'
  condition: keywords
level: high
`;
const BAD = `title: bad
id: 9b1f3e4d-0c2a-4e6f-8a7b-1c3d5e7f9a0b
logsource:
  product: linux
detection:
  selection:
    message|nosuchmodifier: x
  condition: selection
level: low
`;

function now(offsetS = 0): string {
  const d = new Date(Date.now() + offsetS * 1000);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${mon} ${day} ${d.toISOString().slice(11, 19)}`;
}

async function ingest(s: Served, lines: string[]): Promise<void> {
  const r = await s.api('/api/v1/ingest', { method: 'POST', body: lines.join('\n') + '\n', contentType: 'text/plain' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

function rule(list: Json, id: string): Json | undefined {
  return (list['rules'] as Json[]).find((r) => r['id'] === id);
}

test('upload, replace, switch off and hunt through the API; the upload survives a restart', { timeout: 120_000 }, async () => {
  const config = testConfig(dir);
  served = await serve(config, token);
  let s = served;

  // a shipped rule with its file text and tests
  const shipped = await s.api(`/api/v1/rules/${BRUTE}`);
  assert.equal(shipped.status, 200);
  assert.match(String(shipped.body['yaml']), new RegExp(`id: ${BRUTE}`));
  assert.equal(shipped.body['tests'], true);
  assert.equal(shipped.body['enabled'], true);
  assert.equal((await s.api('/api/v1/rules/no-such-rule')).status, 404);

  // correlation state of the brute-force rule before any upload: 3 failures from one address
  const fail = (i: number): string => `${now()} bastion sshd[${100 + i}]: Failed password for invalid user u${i} from 198.51.100.77 port ${40000 + i} ssh2`;
  await ingest(s, [0, 1, 2].map(fail));
  await ingest(s, [`${now()} web1 app[7]: marker-alpha seen once`, `${now()} web1 app[7]: marker-alpha seen twice`]);
  const groupsBefore = rule((await s.api('/api/v1/rules')).body, BRUTE)?.['groups'];
  assert.equal(groupsBefore, 1);

  // problems with file and line; nothing stored
  const bad = await s.api('/api/v1/rules', { method: 'POST', body: BAD, contentType: 'application/yaml' });
  assert.equal(bad.status, 400, JSON.stringify(bad.body));
  const problems = bad.body['problems'] as Json[];
  assert.ok(problems.length > 0);
  assert.equal(problems[0]?.['file'], 'upload');
  assert.equal(problems[0]?.['line'], 7, JSON.stringify(problems));
  assert.equal(readdirSync(join(dir, 'rules', 'uploaded')).length, 0);
  const empty = await s.api('/api/v1/rules', { method: 'POST', body: 'just: text\n', contentType: 'text/plain' });
  assert.equal(empty.status, 400);

  // upload with a hunt over the past: the two stored marker lines are found
  const up = await s.api('/api/v1/rules', { method: 'POST', body: { yaml: RULE('Marker alpha', 'marker-alpha'), hunt_from: '-1h' } });
  assert.equal(up.status, 201, JSON.stringify(up.body));
  assert.deepEqual(up.body['rules'], [UPLOADED]);
  assert.deepEqual(up.body['problems'], []);
  const hunted = up.body['hunt'] as Json;
  assert.equal(hunted['matched'], 2, JSON.stringify(hunted));
  assert.deepEqual(readdirSync(join(dir, 'rules', 'uploaded')), [`${UPLOADED}.yml`]);

  // the other rules kept their state: the brute-force window still holds its group
  const listed = (await s.api('/api/v1/rules')).body;
  assert.equal(rule(listed, BRUTE)?.['groups'], groupsBefore);
  assert.equal(rule(listed, UPLOADED)?.['enabled'], true);

  // the running engine matches the uploaded rule on new events
  await ingest(s, [`${now()} web1 app[7]: marker-alpha live`]);
  await until('uploaded rule hit', async () => Number(rule((await s.api('/api/v1/rules')).body, UPLOADED)?.['hits']) === 1);
  const hitRule = rule((await s.api('/api/v1/rules')).body, UPLOADED);
  assert.match(String(hitRule?.['last_hit']), /^\d{4}-\d\d-\d\dT/);

  // the same id uploaded again replaces the first upload
  const again = await s.api('/api/v1/rules', { method: 'POST', body: RULE('Marker beta', 'marker-beta'), contentType: 'text/plain' });
  assert.equal(again.status, 201, JSON.stringify(again.body));
  assert.deepEqual(readdirSync(join(dir, 'rules', 'uploaded')), [`${UPLOADED}.yml`]);
  const one = await s.api(`/api/v1/rules/${UPLOADED}`);
  assert.equal(one.body['title'], 'Marker beta');
  assert.match(String(one.body['yaml']), /marker-beta/);
  assert.equal(one.body['tests'], false);

  // switched off: no more hits
  const off = await s.api(`/api/v1/rules/${UPLOADED}/enabled`, { method: 'POST', body: { enabled: false } });
  assert.equal(off.status, 200);
  assert.equal(off.body['enabled'], false);
  const hitsBefore = Number(rule((await s.api('/api/v1/rules')).body, UPLOADED)?.['hits']);
  await ingest(s, [`${now()} web1 app[7]: marker-beta while off`]);
  await ingest(s, [fail(3)]);
  assert.equal(Number(rule((await s.api('/api/v1/rules')).body, UPLOADED)?.['hits']), hitsBefore);
  assert.equal((await s.api(`/api/v1/rules/${UPLOADED}/enabled`, { method: 'POST', body: { enabled: 'no' } })).status, 400);
  assert.equal((await s.api('/api/v1/rules/nope/enabled', { method: 'POST', body: { enabled: true } })).status, 404);

  // hunting: by the id of a loaded rule, and with inline YAML
  const byId = await s.api('/api/v1/hunt', { method: 'POST', body: { rule_id: UPLOADED, from: '-1h' } });
  assert.equal(byId.status, 200, JSON.stringify(byId.body));
  assert.equal(byId.body['matched'], 1);
  const inline = await s.api('/api/v1/hunt', { method: 'POST', body: { yaml: RULE('Inline', 'marker-alpha'), from: '-1h', limit: 2 } });
  assert.equal(inline.status, 200, JSON.stringify(inline.body));
  // three marker-alpha lines are stored (two before the upload, one after); the limit caps what is returned
  assert.equal(inline.body['matched'], 3);
  assert.equal((inline.body['events'] as unknown[]).length, 2);
  assert.equal((await s.api('/api/v1/hunt', { method: 'POST', body: { from: '-1h' } })).status, 400);
  assert.equal((await s.api('/api/v1/hunt', { method: 'POST', body: { rule_id: UPLOADED } })).status, 400);
  assert.equal((await s.api('/api/v1/hunt', { method: 'POST', body: { rule_id: 'nope', from: '-1h' } })).status, 404);
  assert.equal((await s.api('/api/v1/hunt', { method: 'POST', body: { yaml: BAD, from: '-1h' } })).status, 400);

  // restart: the upload is loaded at start, still switched off
  await s.stop();
  served = await serve(testConfig(dir), token);
  s = served;
  const restarted = await s.api(`/api/v1/rules/${UPLOADED}`);
  assert.equal(restarted.status, 200);
  assert.equal(restarted.body['title'], 'Marker beta');
  assert.equal(restarted.body['enabled'], false);
});
