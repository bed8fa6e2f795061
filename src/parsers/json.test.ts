import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, isParseFailure, normalizeEvent, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { MAX_JSON_DEPTH, parseJsonObject, withinDepth } from './json-fields.js';
import { jsonFormat, mapJsonObject } from './json.js';
import { LineParser } from './line.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15, 12));
const parse = (message: string, format?: string): EcsEvent => parser.parse(format === undefined ? { message, receivedAt: 0 } : { message, receivedAt: 0, format });
const get = getPath;

describe('generic JSON lines', () => {
  test('fields kept, dotted keys nested, @timestamp and message taken', () => {
    const line = '{"@timestamp":"2024-05-01T12:00:00.123Z","message":"user login","user.name":"carol","source":{"ip":"192.0.2.4"},"level":"info","n":3}';
    const e = parse(line);
    assert.equal(get(e, F.eventDataset), 'json');
    assert.equal(e[F.timestamp], '2024-05-01T12:00:00.123Z');
    assert.equal(e[F.message], 'user login');
    assert.equal(get(e, F.userName), 'carol');
    assert.equal(get(e, F.sourceIp), '192.0.2.4');
    assert.equal(get(e, 'level'), 'info');
    assert.equal(get(e, 'n'), 3);
    assert.equal(get(e, F.eventOriginal), line);
    assert.ok(!isParseFailure(e));
  });
  test('time from timestamp, time or ts (epoch seconds); msg as the message', () => {
    assert.equal(parse('{"timestamp":"2024-05-01T12:00:00Z","x":1}')[F.timestamp], '2024-05-01T12:00:00.000Z');
    assert.equal(parse('{"time":"2024-05-01T13:00:00+01:00"}')[F.timestamp], '2024-05-01T12:00:00.000Z');
    const e = parse('{"ts":1714564800.25,"msg":"hello"}');
    assert.equal(e[F.timestamp], '2024-05-01T12:00:00.250Z');
    assert.equal(e[F.message], 'hello');
  });
  test('an unparseable time is left for normalization to note; a non-text message leaves the line as message', () => {
    const line = '{"@timestamp":"yesterday","message":{"a":1}}';
    const e = parse(line);
    assert.equal(e[F.timestamp], 'yesterday');
    assert.equal(e[F.message], line);
    const { event } = normalizeEvent(e, Date.UTC(2026, 0, 1), 'json', { expand: false });
    assert.ok((event[F.tags] as string[]).includes('_timestamp_failure'));
  });
  test('the line cannot replace event.original; the line parser still sets the dataset', () => {
    const line = '{"event":{"original":"forged","kind":"alert","dataset":"forged"},"message":"m"}';
    const e = parse(line);
    assert.equal(get(e, F.eventOriginal), line);
    assert.equal(get(e, F.eventKind), 'alert');
    assert.equal(get(e, F.eventDataset), 'json');
  });
  test('not JSON objects: arrays, scalars, broken JSON are parse failures kept raw', () => {
    for (const line of ['{"a":', '{not json}', '{"a":1} trailing', '{']) {
      const e = parse(line);
      assert.ok(isParseFailure(e), line);
      assert.equal(get(e, F.eventOriginal), line);
    }
    assert.equal(jsonFormat.sniff('[1,2]'), false);
    assert.equal(jsonFormat.parse('[1,2]', {}), false);
    assert.ok(isParseFailure(parse('[1,2]', 'json')));
    assert.ok(isParseFailure(parse('"text"', 'json')));
    assert.ok(isParseFailure(parse('null', 'json')));
  });
  test('mapJsonObject returns the dataset of the shape it recognised', () => {
    assert.equal(mapJsonObject({ a: 1 }, {}), 'json');
    assert.equal(mapJsonObject({ event_type: 'flow', timestamp: '2024-01-01T00:00:00Z' }, {}), 'suricata.eve');
    assert.equal(mapJsonObject({ _path: 'conn', ts: 1 }, {}), 'zeek.conn');
  });
  test('Windows event JSON (evtx_dump, Winlogbeat) goes to the Windows mapper', () => {
    const evtx = parse('{"Event":{"System":{"EventID":4625,"Channel":"Security","Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}}},"EventData":{"TargetUserName":"bob","IpAddress":"192.0.2.5"}}}');
    assert.match(String(get(evtx, F.eventDataset)), /^windows\./);
    assert.equal(get(evtx, F.userName), 'bob');
    const beat = parse('{"@timestamp":"2024-01-01T00:00:00.000Z","winlog":{"event_id":"4625","channel":"Security","event_data":{"TargetUserName":"bob","IpAddress":"192.0.2.5"}}}', 'json');
    assert.match(String(get(beat, F.eventDataset)), /^windows\./);
    assert.equal(get(beat, F.sourceIp), '192.0.2.5');
  });
  test('a scalar where the line parser keeps objects: event.original is still the line', () => {
    const line = '{"event":"x","message":5}';
    const e = parse(line);
    assert.equal(get(e, F.eventOriginal), line);
    assert.equal(get(e, F.eventDataset), 'json');
    assert.equal(e[F.message], line);
  });
  test('identical lines one after another are separate events', () => {
    const line = '{"a":{"b":1}}';
    const e1 = parse(line);
    const e2 = parse(line);
    (e1['a'] as Record<string, unknown>)['b'] = 2;
    assert.equal(get(e2, 'a.b'), 1);
  });
});

describe('hostile JSON', () => {
  const nested = (n: number, open: string, close: string, inner = '1'): string => open.repeat(n) + inner + close.repeat(n);

  test('10,000 nested arrays or objects: not recognised, no throw, no stack overflow', () => {
    const lines = [nested(10_000, '[', ']'), `{"a":${nested(10_000, '[', ']')}}`, nested(10_000, '{"a":', '}'), `{"a":${nested(10_000, '{"b":', '}')}}`];
    for (const line of lines) {
      const e = parse(line);
      assert.ok(isParseFailure(e));
      assert.equal(get(e, F.eventOriginal), line);
      const { event } = normalizeEvent(e, 0, 'generic', { expand: false });
      assert.ok(JSON.stringify(event).length > 0);
    }
  });
  test('nesting up to the limit is accepted; brackets inside strings do not count', () => {
    assert.ok(parseJsonObject(`{"a":${nested(MAX_JSON_DEPTH - 1, '[', ']')}}`));
    assert.equal(parseJsonObject(`{"a":${nested(MAX_JSON_DEPTH, '[', ']')}}`), undefined);
    assert.ok(withinDepth(`{"a":"${'['.repeat(1000)}\\"${'{'.repeat(1000)}"}`, 2));
    assert.ok(parseJsonObject(`{"a":"${'['.repeat(1000)}\\"${'{'.repeat(1000)}"}`));
  });
  test('__proto__ and constructor.prototype do not pollute prototypes', () => {
    const lines = [
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"a":{"__proto__":{"x":1}},"__proto__.x":1,"a.__proto__.x":1}',
      '{"constructor.prototype.x":1,"b":{"constructor":{"prototype":{"x":1}}}}',
      '{"_path":"__proto__","ts":1,"__proto__":{"x":1},"id.orig_h":"1.2.3.4","uid":"C"}',
      '{"event_type":"alert","timestamp":"2024-01-01T00:00:00Z","__proto__":{"x":1},"alert":{"__proto__":{"x":1}}}',
      '{"eventVersion":"1","eventSource":"s","eventName":"n","eventTime":"2024-01-01T00:00:00Z","userIdentity":{"__proto__":{"x":1}},"__proto__":{"x":1}}',
    ];
    for (const line of lines) {
      const e = parse(line);
      assert.ok(!isParseFailure(e), line);
      const { event } = normalizeEvent(e, 0, 'json', { expand: false });
      normalizeEvent(JSON.parse(JSON.stringify(event)) as EcsEvent, 0, 'json');
      assert.equal(({} as Record<string, unknown>)['x'], undefined, line);
      assert.equal(Object.getPrototypeOf(event), Object.prototype);
    }
    // the hostile member is kept as data
    const e = parse('{"__proto__":{"x":1}}');
    assert.ok(Object.hasOwn(e, '__proto__'));
    assert.deepEqual(Object.getOwnPropertyDescriptor(e, '__proto__')?.value, { x: 1 });
  });
  test('a dotted key with thousands of segments does not build a deep object', () => {
    const line = `{"${'a.'.repeat(20_000)}z":1}`;
    const e = parse(line);
    assert.ok(!isParseFailure(e));
    assert.equal(get(e, `${'a_'.repeat(20_000)}z`), 1);
    assert.ok(JSON.stringify(e).length > 40_000);
  });
  test('64 KiB lines finish fast', () => {
    const big = (fill: (i: number) => string): string => {
      const parts: string[] = [];
      let len = 2;
      for (let i = 0; len < 65_000; i++) {
        const p = fill(i);
        parts.push(p);
        len += p.length + 1;
      }
      return `{${parts.join(',')}}`;
    };
    const lines = [
      big((i) => `"k${i}":${i}`),
      big((i) => `"a.b${i % 50}.c${i}":"v"`),
      big((i) => `"k${i}":[[[[{"x":"${'y'.repeat(i % 20)}"}]]]]`),
      `{"message":"${'x'.repeat(65_000)}"}`,
      `{"message":"${'\\u0041'.repeat(10_800)}"}`,
      big((i) => `"__proto__.k${i}":{"constructor":1}`),
      `{"event_type":"dns","timestamp":"2024-01-01T00:00:00Z","dns":{"answers":[${Array.from({ length: 3200 }, () => '{"rdata":"1.2.3.4"}').join(',')}]}}`,
      `{"_path":"dns","ts":1,"uid":"C","id.orig_h":"1.2.3.4","answers":[${Array.from({ length: 6000 }, () => '"1.1.1.1"').join(',')}]}`,
      `${'['.repeat(65_000)}`,
      `{"a":"${'\\\\'.repeat(32_000)}"}`,
    ];
    for (const line of lines) {
      assert.ok(line.length <= 65_536 + 200, String(line.length));
      parse(line); // warm-up: compile the code paths this shape takes
      const t0 = performance.now();
      const e = parse(line);
      normalizeEvent(e, 0, 'json', { expand: false });
      const ms = performance.now() - t0;
      assert.ok(ms < 100, `${ms.toFixed(1)} ms on ${line.slice(0, 60)}`);
    }
  });
});
