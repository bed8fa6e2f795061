import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCef } from '../../parsers/cef.js';
import { cefHeader, cefValue, rfc5424, toCef } from './cef.js';
import { bruteForceDoc, triaged } from './test-alerts.js';

test('CEF escaping: header | and \\, extension \\ = and newlines', () => {
  assert.equal(cefHeader('a|b\\c\nd'), 'a\\|b\\\\c d');
  assert.equal(cefValue('a=b\\c\r\nd\re|f'), 'a\\=b\\\\c\\nd\\re|f');
});

test('an alert with hostile values parses back to the same values', () => {
  const a = triaged(bruteForceDoc(), { ruleName: 'weird | name \\ with = and\nnewline' });
  a.entities.hostName = ['h=1 x=2'];
  a.doc = { ...a.doc, message: 'm\\=\n|' };
  const r = parseCef(toCef(a, 'new'));
  assert.ok(r);
  assert.equal(r.name, 'weird | name \\ with = and newline');
  const ext = new Map(r.ext);
  assert.equal(ext.get('dhost'), 'h=1 x=2');
  assert.equal(ext.get('msg'), 'm\\=\n|');
  assert.equal(ext.get('cnt'), '1');
});

test('RFC 5424 framing: PRI, version, ISO time, printable header fields', () => {
  const line = rfc5424('CEF:0|x', { facility: 16, severity: 3, appName: 'vi gil', msgId: 'alert', time: Date.UTC(2026, 0, 2, 3, 4, 5, 6), host: 'héllo host' });
  assert.equal(line, `<131>1 2026-01-02T03:04:05.006Z hllohost vigil ${process.pid} alert - CEF:0|x`);
});
