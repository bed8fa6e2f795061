import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAuthorization, presentedMatches } from './credentials.js';

const T = 'the-admin-token-0123456789';
const b64 = (s: string) => Buffer.from(s).toString('base64');

test('each scheme carries the token', () => {
  for (const header of [`Bearer ${T}`, `bearer ${T}`, `Splunk ${T}`, `Basic ${b64(`vigil:${T}`)}`, `Basic ${b64(`elastic:${T}`)}`, `ApiKey ${T}`, `ApiKey ${b64(`key-id:${T}`)}`]) {
    const p = parseAuthorization(header);
    assert.ok(p, header);
    assert.equal(presentedMatches(p, [T]), true, header);
    assert.equal(presentedMatches(p, ['other-token-0123456789']), false, header);
  }
});

test('a password containing a colon is kept whole', () => {
  const p = parseAuthorization(`Basic ${b64('u:a:b:c')}`);
  assert.deepEqual(p, { scheme: 'basic', secrets: ['a:b:c'] });
});

test('malformed or unknown headers carry nothing', () => {
  for (const header of [undefined, '', T, 'Bearer', 'Bearer a b', 'Digest abc', `Basic ${b64('no-colon')}`, 'Basic !!!', `Bearer ${'x'.repeat(5000)}`]) {
    assert.equal(parseAuthorization(header), undefined, String(header));
  }
});

test('the scheme is reported, so an endpoint can refuse a scheme its protocol does not use', () => {
  assert.equal(parseAuthorization(`Splunk ${T}`)?.scheme, 'splunk');
  assert.equal(parseAuthorization(`ApiKey ${T}`)?.scheme, 'apikey');
});
