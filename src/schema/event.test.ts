import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addTag, eventTime, expandDottedKeys, getPath, getPathParts, noteCanonicalTime, normalizeEvent, parseTime, setPath, type EcsEvent } from './event.js';
import { F } from './fields.js';

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const NOW_ISO = '2026-06-15T12:00:00.000Z';

function notPolluted(): void {
  const probe = {} as Record<string, unknown>;
  assert.equal(probe.polluted, undefined, 'Object.prototype is untouched');
  assert.equal(Object.getPrototypeOf(probe), Object.prototype);
}

describe('expandDottedKeys', () => {
  test('dotted keys become nested objects', () => {
    assert.deepEqual(expandDottedKeys({ 'source.ip': '192.0.2.1', 'source.port': 22, 'event.category': ['authentication'] }), {
      source: { ip: '192.0.2.1', port: 22 },
      event: { category: ['authentication'] },
    });
  });

  test('dotted and nested forms of the same object merge, in either order', () => {
    const want = { source: { ip: '192.0.2.1', port: 22, geo: { country_iso_code: 'DE' } } };
    assert.deepEqual(expandDottedKeys({ 'source.ip': '192.0.2.1', source: { port: 22, 'geo.country_iso_code': 'DE' } }), want);
    assert.deepEqual(expandDottedKeys({ source: { port: 22, geo: { country_iso_code: 'DE' } }, 'source.ip': '192.0.2.1' }), want);
    assert.deepEqual(expandDottedKeys({ 'a.b': { c: 1 }, a: { b: { d: 2 } } }), { a: { b: { c: 1, d: 2 } } });
  });

  test('nested objects are expanded at every level', () => {
    assert.deepEqual(expandDottedKeys({ user: { 'name.first': 'a' }, x: { y: { 'z.w': 1 } } }), { user: { name: { first: 'a' } }, x: { y: { z: { w: 1 } } } });
  });

  test('a later scalar replaces an earlier one at the same path', () => {
    assert.deepEqual(expandDottedKeys({ 'a.b': 1, a: { b: 2 } }), { a: { b: 2 } });
    assert.deepEqual(expandDottedKeys({ a: 'scalar', 'a.b': 1 }), { a: { b: 1 } });
  });

  test('keys that are only dots or start or end with a dot stay literal', () => {
    assert.deepEqual(expandDottedKeys({ '.': 1, '.a': 2, 'a.': 3 }), { '.': 1, '.a': 2, 'a.': 3 });
  });

  test('arrays, null and scalars are kept as they are; objects in arrays are not expanded', () => {
    const arr = [{ 'x.y': 1 }, 2];
    const out = expandDottedKeys({ tags: ['a', 'b'], list: arr, n: null, b: false, num: 0 });
    assert.deepEqual(out, { tags: ['a', 'b'], list: [{ 'x.y': 1 }, 2], n: null, b: false, num: 0 });
  });

  test('the input document is not changed', () => {
    const input = { 'source.ip': '192.0.2.1', source: { port: 22 }, host: { 'name.x': 'h' } };
    const copy = structuredClone(input);
    expandDottedKeys(input);
    assert.deepEqual(input, copy);
  });

  test('nesting deeper than the bound is returned unexpanded', () => {
    let doc: EcsEvent = { 'deep.key': 1 };
    for (let i = 0; i < 40; i++) doc = { n: doc };
    let cur = expandDottedKeys(doc);
    for (let i = 0; i < 40; i++) cur = cur.n as EcsEvent;
    assert.deepEqual(cur, { 'deep.key': 1 });
    let shallow = expandDottedKeys({ n: { n: { 'deep.key': 1 } } });
    shallow = (shallow.n as EcsEvent).n as EcsEvent;
    assert.deepEqual(shallow, { deep: { key: 1 } });
  });

  test('"__proto__" keys from a client are kept as data and never reach a prototype', () => {
    const docs = [
      JSON.parse('{"__proto__": {"polluted": 1}}') as EcsEvent,
      JSON.parse('{"a.__proto__.polluted": 1}') as EcsEvent,
      JSON.parse('{"__proto__.polluted": 1}') as EcsEvent,
      JSON.parse('{"a": {"b": 1}, "a.__proto__": {"polluted": 1}}') as EcsEvent,
      JSON.parse('{"x": {"__proto__": {"polluted": 1}}, "x.y": 2}') as EcsEvent,
    ];
    for (const doc of docs) {
      const out = expandDottedKeys(doc);
      notPolluted();
      const text = JSON.stringify(out);
      assert.match(text, /"__proto__":\{"polluted":1\}/, text);
      assert.deepEqual(JSON.parse(JSON.stringify(JSON.parse(text))), JSON.parse(text), 'it stores and reads back as plain data');
    }
    const nested = expandDottedKeys(JSON.parse('{"x": {"__proto__": {"polluted": 1}}, "x.y": 2}') as EcsEvent);
    assert.equal(Object.getPrototypeOf(nested.x), Object.prototype);
    assert.equal((nested.x as Record<string, unknown>).y, 2);
  });
});

describe('getPath and setPath', () => {
  test('getPath reads nested paths and literal dotted keys', () => {
    const doc: EcsEvent = { source: { ip: '192.0.2.1' }, 'user.name': 'root', list: [1] };
    assert.equal(getPath(doc, 'source.ip'), '192.0.2.1');
    assert.equal(getPath(doc, 'user.name'), 'root');
    assert.deepEqual(getPath(doc, 'source'), { ip: '192.0.2.1' });
    assert.equal(getPath(doc, 'source.ip.more'), undefined);
    assert.equal(getPath(doc, 'list.0'), undefined);
    assert.equal(getPath(doc, 'missing.path'), undefined);
  });

  test('getPath does not read inherited properties', () => {
    const doc: EcsEvent = { a: {} };
    assert.equal(getPath(doc, 'constructor'), undefined);
    assert.equal(getPath(doc, 'a.toString'), undefined);
    assert.equal(getPath(doc, '__proto__'), undefined);
    assert.equal(getPath(doc, 'a.__proto__'), undefined);
    assert.equal(getPathParts(doc, ['a', '__proto__']), undefined);
    assert.equal(getPathParts(doc, ['a', 'hasOwnProperty']), undefined);
    // held by the event itself, the same names are read
    const own = JSON.parse('{"constructor": "c", "a": {"__proto__": {"x": 1}, "toString": "t"}}') as EcsEvent;
    assert.equal(getPath(own, 'constructor'), 'c');
    assert.deepEqual(getPath(own, 'a.__proto__'), { x: 1 });
    assert.equal(getPath(own, 'a.__proto__.x'), 1);
    assert.equal(getPathParts(own, ['a', 'toString']), 't');
  });

  test('setPath creates the objects on the way and replaces a scalar in the way', () => {
    const doc: EcsEvent = { source: 'scalar' };
    setPath(doc, 'source.ip', '192.0.2.1');
    setPath(doc, 'event.category', ['network']);
    setPath(doc, 'event.kind', 'event');
    assert.deepEqual(doc, { source: { ip: '192.0.2.1' }, event: { category: ['network'], kind: 'event' } });
  });

  test('setPath with "__proto__" segments writes own data', () => {
    const doc: EcsEvent = {};
    setPath(doc, '__proto__.polluted', 1);
    setPath(doc, 'a.__proto__', { polluted: 1 });
    notPolluted();
    assert.equal(Object.getPrototypeOf(doc), Object.prototype);
    assert.equal(JSON.stringify(doc), '{"__proto__":{"polluted":1},"a":{"__proto__":{"polluted":1}}}');
  });
});

describe('parseTime', () => {
  test('ISO strings and epoch numbers (seconds or milliseconds)', () => {
    assert.equal(parseTime('2024-05-01T10:00:00Z'), Date.UTC(2024, 4, 1, 10));
    assert.equal(parseTime('2024-05-01T12:00:00.5+02:00'), Date.UTC(2024, 4, 1, 10, 0, 0, 500));
    assert.equal(parseTime(1_714_557_600), Date.UTC(2024, 4, 1, 10), 'seconds');
    assert.equal(parseTime(1_714_557_600.25), Date.UTC(2024, 4, 1, 10, 0, 0, 250), 'fractional seconds');
    assert.equal(parseTime(1_714_557_600_000), Date.UTC(2024, 4, 1, 10), 'milliseconds');
  });

  test('anything else is not a time', () => {
    for (const v of ['', 'yesterday', 'x'.repeat(65), Number.NaN, Number.POSITIVE_INFINITY, null, undefined, {}, [], true]) {
      assert.equal(parseTime(v), undefined, JSON.stringify(v) ?? typeof v);
    }
  });
});

describe('normalizeEvent', () => {
  test('a valid @timestamp is kept and rendered as ISO UTC; the defaults are filled in', () => {
    const { event, ts } = normalizeEvent({ '@timestamp': '2024-05-01T12:00:00+02:00', message: 'hi' }, NOW, 'generic');
    assert.equal(ts, Date.UTC(2024, 4, 1, 10));
    assert.equal(event[F.timestamp], '2024-05-01T10:00:00.000Z');
    assert.equal(getPath(event, F.eventIngested), NOW_ISO);
    assert.equal(getPath(event, F.eventKind), 'event');
    assert.equal(getPath(event, F.eventDataset), 'generic');
    assert.equal(event.message, 'hi');
    assert.equal(event[F.tags], undefined);
    assert.equal(getPath(event, F.errorMessage), undefined);
  });

  test('epoch seconds in @timestamp are read', () => {
    const { ts, event } = normalizeEvent({ '@timestamp': 1_714_557_600 }, NOW, 'generic');
    assert.equal(ts, Date.UTC(2024, 4, 1, 10));
    assert.equal(event[F.timestamp], '2024-05-01T10:00:00.000Z');
  });

  test('no @timestamp: the ingest time, without an error', () => {
    const { event, ts } = normalizeEvent({ message: 'x' }, NOW, 'generic');
    assert.equal(ts, NOW);
    assert.equal(event[F.timestamp], NOW_ISO);
    assert.equal(event[F.tags], undefined);
  });

  for (const bad of ['not a time', '', { nested: true }, [2024], false]) {
    test(`a bad @timestamp (${JSON.stringify(bad)}) keeps the event, uses the ingest time and says so`, () => {
      const { event, ts } = normalizeEvent({ '@timestamp': bad, message: 'keep me', tags: ['mine'] }, NOW, 'generic');
      assert.equal(ts, NOW);
      assert.equal(event[F.timestamp], NOW_ISO);
      assert.equal(event.message, 'keep me');
      assert.deepEqual(event[F.tags], ['mine', '_timestamp_failure']);
      assert.match(getPath(event, F.errorMessage) as string, /invalid @timestamp/);
      assert.ok((getPath(event, F.errorMessage) as string).length < 200);
    });
  }

  test('a given event.kind and event.dataset are kept; a dataset that is not a string is replaced', () => {
    const a = normalizeEvent({ event: { kind: 'alert', dataset: 'sshd' } }, NOW, 'generic').event;
    assert.equal(getPath(a, F.eventKind), 'alert');
    assert.equal(getPath(a, F.eventDataset), 'sshd');
    const b = normalizeEvent({ 'event.dataset': 42 }, NOW, 'fallback').event;
    assert.equal(getPath(b, F.eventDataset), 'fallback');
  });

  test('a client cannot set event.ingested', () => {
    const { event } = normalizeEvent({ 'event.ingested': '2000-01-01T00:00:00Z' }, NOW, 'generic');
    assert.equal(getPath(event, F.eventIngested), NOW_ISO);
  });

  test('dotted keys are expanded, and the input is not changed', () => {
    const raw = { 'source.ip': '192.0.2.1', 'event.outcome': 'failure' };
    const { event } = normalizeEvent(raw, NOW, 'generic');
    assert.deepEqual(event.source, { ip: '192.0.2.1' });
    assert.equal(getPath(event, F.eventOutcome), 'failure');
    assert.deepEqual(raw, { 'source.ip': '192.0.2.1', 'event.outcome': 'failure' });
  });
});

describe('addTag', () => {
  test('adds once, creating the list when needed', () => {
    const e: EcsEvent = {};
    addTag(e, 'a');
    addTag(e, 'b');
    addTag(e, 'a');
    assert.deepEqual(e[F.tags], ['a', 'b']);
  });

  test('a tags value that is not a list is replaced', () => {
    const e: EcsEvent = { tags: 'oops' };
    addTag(e, 'a');
    assert.deepEqual(e[F.tags], ['a']);
  });
});

describe('eventTime', () => {
  test('answers what Date.parse of @timestamp answers, from memory or not', () => {
    const texts = ['2026-11-27T08:00:02.000Z', '2026-11-27T08:00:03.250Z', '2026-11-27T08:00:02+01:00', 'not a time', ''];
    for (const t of texts) {
      noteCanonicalTime('2026-11-27T08:00:02.000Z', Date.parse('2026-11-27T08:00:02.000Z'));
      assert.deepEqual(eventTime({ [F.timestamp]: t }), Date.parse(t), t);
      // the text just normalized is the one remembered
      const n = normalizeEvent({ [F.timestamp]: t }, 1_700_000_000_000, 'x');
      assert.deepEqual(eventTime(n.event), Date.parse(String(n.event[F.timestamp])), t);
    }
    assert.ok(Number.isNaN(eventTime({})));
    assert.deepEqual(eventTime({ [F.timestamp]: 5 }), Date.parse('5'));
  });

  test('a text noted with another instant than its own is not answered from memory', () => {
    // noteCanonicalTime is told the instant by the parser that wrote the text: only whole milliseconds are kept
    noteCanonicalTime('2026-11-27T08:00:04.000Z', 1.5);
    assert.equal(eventTime({ [F.timestamp]: '2026-11-27T08:00:04.000Z' }), Date.parse('2026-11-27T08:00:04.000Z'));
  });
});
