import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineParser } from '../parsers/line.js';
import { annotate, newDocId, parseBulk, parseShippedLine } from './es-bulk.js';

test('index and create pairs become documents; ids are kept or made; the URL index is the default', () => {
  const body = ['{"index":{"_index":"a","_id":"1"}}', '{"m":1}', '{"create":{}}', '{"m":2}', ''].join('\n');
  const r = parseBulk(body, 'url-index', undefined);
  assert.ok(r.ok);
  assert.equal(r.items.length, 2);
  assert.deepEqual(r.items[0], { action: 'index', index: 'a', id: '1', doc: { m: 1 }, status: 201 });
  assert.equal(r.items[1]?.index, 'url-index');
  assert.match(r.items[1]?.id ?? '', /^[A-Za-z0-9_-]{20}$/);
});

test('CRLF line ends, blank lines and a missing final newline are accepted', () => {
  const r = parseBulk('{"index":{"_index":"a"}}\r\n\r\n{"m":1}\r\n{"index":{"_index":"a"}}\n{"m":2}', undefined, undefined);
  assert.ok(r.ok);
  assert.deepEqual(
    r.items.map((i) => i.doc),
    [{ m: 1 }, { m: 2 }],
  );
});

test('a bad source fails only its item; delete has no source line and fails alone; update fails alone', () => {
  const body = [
    '{"delete":{"_index":"a","_id":"9"}}',
    '{"index":{"_index":"a"}}',
    '{"m": nope',
    '{"update":{"_index":"a","_id":"2"}}',
    '{"doc":{"x":1}}',
    '{"index":{"_index":"a"}}',
    '[1,2]',
    '{"index":{"_index":"a"}}',
    '{"ok":true}',
  ].join('\n');
  const r = parseBulk(body, undefined, undefined);
  assert.ok(r.ok);
  assert.deepEqual(
    r.items.map((i) => [i.action, i.status, i.error?.type]),
    [
      ['delete', 400, 'illegal_argument_exception'],
      ['index', 400, 'document_parsing_exception'],
      ['update', 400, 'illegal_argument_exception'],
      ['index', 400, 'document_parsing_exception'],
      ['index', 201, undefined],
    ],
  );
  assert.equal(r.items[0]?.id, '9');
});

test('no index anywhere: the item fails with a validation error', () => {
  const r = parseBulk('{"index":{}}\n{"m":1}\n', undefined, undefined);
  assert.ok(r.ok);
  assert.equal(r.items[0]?.status, 400);
  assert.equal(r.items[0]?.error?.type, 'action_request_validation_exception');
});

test('an action line that is not an action fails the whole request with its line number', () => {
  for (const [body, re] of [
    ['{"index":{"_index":"a"}}\n{"m":1}\nnot json\n', /line \[3\]/],
    ['{"upsert":{}}\n{}\n', /found \[upsert\]/],
    ['{"index":{},"create":{}}\n{}\n', /line \[1\]/],
    ['"index"\n', /START_OBJECT/],
    ['{"index":"a"}\n{}\n', /expected an object/],
    ['{"index":{"_index":"a"}}\n', /no source line/],
  ] as const) {
    const r = parseBulk(body, undefined, undefined);
    assert.equal(r.ok, false, body);
    if (!r.ok) {
      assert.equal(r.status, 400);
      assert.match(r.reason, re);
    }
  }
});

test('the pipeline comes from the action, else from the URL; annotate keeps index, pipeline and data stream', () => {
  const r = parseBulk('{"index":{"_index":"logs-nginx.access-prod","pipeline":"p1"}}\n{"m":1}\n{"index":{"_index":"plain"}}\n{"m":2}\n', undefined, 'url-p');
  assert.ok(r.ok);
  assert.equal(r.items[0]?.pipeline, 'p1');
  assert.equal(r.items[1]?.pipeline, 'url-p');
  const doc: Record<string, unknown> = { m: 1 };
  annotate(doc, 'logs-nginx.access-prod', 'p1');
  assert.deepEqual(doc, {
    m: 1,
    labels: { index: 'logs-nginx.access-prod', pipeline: 'p1' },
    data_stream: { type: 'logs', dataset: 'nginx.access', namespace: 'prod' },
    event: { dataset: 'nginx.access' },
  });
  const own: Record<string, unknown> = { event: { dataset: 'sshd' }, data_stream: { type: 'logs', dataset: 'x', namespace: 'y' } };
  annotate(own, 'logs-a-b', undefined);
  assert.deepEqual(own['data_stream'], { type: 'logs', dataset: 'x', namespace: 'y' });
  assert.deepEqual(own['event'], { dataset: 'sshd' });
  const plain: Record<string, unknown> = {};
  annotate(plain, 'filebeat-8.19.0', undefined);
  assert.deepEqual(plain, { labels: { index: 'filebeat-8.19.0' } });
});

test('ids look like Elasticsearch ids and differ', () => {
  const ids = new Set(Array.from({ length: 1000 }, () => newDocId()));
  assert.equal(ids.size, 1000);
});

test('hostile bodies never throw and every item is accounted for', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string(), fc.json(), fc.constantFrom('{"index":{"_index":"a"}}', '{"delete":{}}', '{"create":{"_index":"b"}}', '')), { maxLength: 40 }), (parts) => {
      const r = parseBulk(parts.join('\n'), undefined, undefined);
      if (r.ok) for (const i of r.items) assert.ok((i.doc === undefined) === (i.error !== undefined));
    }),
    { numRuns: 500 },
  );
});

test('a shipped log line in message is parsed: the parser fills what the shipper left out and classifies the event', () => {
  const parser = new LineParser();
  const doc: Record<string, unknown> = {
    '@timestamp': '2026-11-26T12:00:00.000Z',
    message: 'Nov 26 10:00:00 web1 sshd[7]: Failed password for root from 203.0.113.9 port 2222 ssh2',
    host: { name: 'shipper-host' },
    event: { dataset: 'system.auth', module: 'system' },
  };
  annotate(doc, 'filebeat-8.19.0', undefined);
  assert.equal(parseShippedLine(doc, parser, { receivedAt: Date.now() }), true);
  const event = doc['event'] as Record<string, unknown>;
  assert.equal(event['dataset'], 'sshd');
  assert.equal(event['outcome'], 'failure');
  assert.equal(event['module'], 'system');
  assert.equal(event['original'], doc['message']);
  assert.deepEqual(doc['host'], { name: 'shipper-host', hostname: 'web1' });
  assert.equal((doc['source'] as Record<string, unknown>)['ip'], '203.0.113.9');
  assert.match(String(doc['@timestamp']), /-11-26T10:00:00\.000Z$/);

  const unknown: Record<string, unknown> = { message: 'just some words', n: 1 };
  assert.equal(parseShippedLine(unknown, parser, { receivedAt: 0 }), false);
  assert.deepEqual(unknown, { message: 'just some words', n: 1 });
  const already: Record<string, unknown> = { message: 'Nov 26 10:00:00 web1 sshd[7]: x', event: { original: 'kept' } };
  assert.equal(parseShippedLine(already, parser, { receivedAt: 0 }), false);
  assert.equal(parseShippedLine({ message: 5 }, parser, { receivedAt: 0 }), false);
});
