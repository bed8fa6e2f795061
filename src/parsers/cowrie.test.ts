import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { cowrieFormat } from './cowrie.js';
import { LineParser } from './line.js';

/** The Cowrie JSON lines of fail2ban's cowrie sample, keyed by event id (the first of each). */
function sample(): Map<string, string> {
  const text = readFileSync(new URL('../../../shared/data/fail2ban/logs/cowrie', import.meta.url), 'utf8');
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const id = /"eventid":"([^"]+)"/.exec(line)?.[1];
    if (line.startsWith('{') && id !== undefined && !out.has(id)) out.set(id, line);
  }
  return out;
}

const parser = new LineParser(() => Date.UTC(2026, 7, 14));
function parse(line: string): EcsEvent {
  return parser.parse({ message: line, receivedAt: 0 });
}

test('cowrie: a connection is an attack indicator from the source (fail2ban cowrie sample)', () => {
  const line = sample().get('cowrie.session.connect') as string;
  assert.equal(cowrieFormat.sniff(line), true);
  const e = parse(line);
  assert.equal(getPath(e, 'event.dataset'), 'cowrie');
  assert.deepEqual(getPath(e, 'event.type'), ['connection', 'start', 'indicator']);
  assert.equal(getPath(e, 'event.action'), 'session.connect');
  assert.equal(getPath(e, 'source.ip'), '137.184.154.9');
  assert.equal(getPath(e, 'source.port'), 37416);
  assert.equal(getPath(e, 'destination.ip'), '172.18.0.2');
  assert.equal(getPath(e, 'destination.port'), 2222);
  assert.equal(getPath(e, 'network.protocol'), 'ssh');
  assert.equal(getPath(e, 'observer.type'), 'honeypot');
  assert.equal(getPath(e, 'observer.name'), '580d0186ebeb');
  assert.equal(getPath(e, 'cowrie.session'), '2a5e755afa79');
  assert.equal(getPath(e, '@timestamp'), '2026-08-13T00:00:34.803Z');
  assert.equal(getPath(e, 'message'), 'New connection: 137.184.154.9:37416 (172.18.0.2:2222) [session: 2a5e755afa79]');
  assert.equal(getPath(e, 'event.original'), line);
});

test('cowrie: the rest of a session is information, a login its outcome (fail2ban cowrie sample)', () => {
  const s = sample();
  const version = parse(s.get('cowrie.client.version') as string);
  assert.equal(getPath(version, 'ssh.client.software'), 'SSH-2.0-Go');
  assert.deepEqual(getPath(version, 'event.type'), ['info']);
  const kex = parse(s.get('cowrie.client.kex') as string);
  assert.equal(getPath(kex, 'cowrie.hassh'), '16443846184eafde36765c9bab2f4397');
  const login = parse(s.get('cowrie.login.success') as string);
  assert.deepEqual(getPath(login, 'event.category'), ['authentication', 'intrusion_detection']);
  assert.equal(getPath(login, 'event.outcome'), 'success');
  assert.equal(getPath(login, 'user.name'), 'brun');
  const closed = parse(s.get('cowrie.log.closed') as string);
  assert.equal(getPath(closed, 'event.action'), 'log.closed');
  for (const e of [version, kex, login, closed]) {
    assert.equal(getPath(e, 'event.dataset'), 'cowrie');
    assert.notEqual(getPath(e, 'event.outcome'), 'failure');
    assert.ok(!(getPath(e, 'event.type') as string[]).includes('indicator'));
  }
});

test('cowrie: failed logins and commands; other JSON is left to the JSON format', () => {
  const failed = parse('{"eventid":"cowrie.login.failed","username":"root","password":"x","src_ip":"203.0.113.9","src_port":4000,"session":"a1","timestamp":"2026-08-13T00:05:01.000000Z","message":"login attempt [root/x] failed"}');
  assert.equal(getPath(failed, 'event.outcome'), 'failure');
  assert.equal(getPath(failed, 'user.name'), 'root');
  assert.equal(getPath(failed, 'source.ip'), '203.0.113.9');
  assert.equal(getPath(failed, 'user.password'), undefined);
  const cmd = parse('{"eventid":"cowrie.command.input","input":"uname -a","src_ip":"203.0.113.9","session":"a1"}');
  assert.equal(getPath(cmd, 'process.command_line'), 'uname -a');
  const closed = parse('{"eventid":"cowrie.session.closed","duration":"12.5","src_ip":"203.0.113.9","session":"a1"}');
  assert.equal(getPath(closed, 'event.duration'), 12_500_000_000);
  // sniffed (a nested object names a Cowrie event id) but not a Cowrie event itself: generic JSON
  const line = '{"inner":{"eventid":"cowrie.session.connect"},"eventid":"other"}';
  assert.equal(cowrieFormat.sniff(line), true);
  const other = parse(line);
  assert.equal(getPath(other, 'event.dataset'), 'json');
  assert.equal(cowrieFormat.sniff('not a json line at all'), false);
});
