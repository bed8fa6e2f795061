import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ftsQuery, likePrefilter, textMatches, tokenize } from './text.js';

/** SQLite's LIKE with ESCAPE '\': '%' any run, '_' one character, case folded for ASCII letters only. */
function sqliteLike(text: string, pattern: string): boolean {
  const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) re += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += asciiLower(c).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'u').test(asciiLower(text));
}

describe('tokenize', () => {
  test('lower-cased runs of letters and digits; everything else separates', () => {
    assert.deepEqual(tokenize('Failed password for root from 5.36.59.76 port 42393 ssh2'), [
      'failed',
      'password',
      'for',
      'root',
      'from',
      '5',
      '36',
      '59',
      '76',
      'port',
      '42393',
      'ssh2',
    ]);
    assert.deepEqual(tokenize('pam_unix(sshd:auth): user=root;uid=0'), ['pam', 'unix', 'sshd', 'auth', 'user', 'root', 'uid', '0']);
    assert.deepEqual(tokenize('BREAK-IN'), ['break', 'in']);
  });

  test('letters and digits of any script count, with case folded', () => {
    assert.deepEqual(tokenize('Größe ÄÖÜ 東京 Ελλάδα ٣٤'), ['größe', 'äöü', '東京', 'ελλάδα', '٣٤']);
  });

  test('empty and separator-only text has no tokens', () => {
    assert.deepEqual(tokenize(''), []);
    assert.deepEqual(tokenize(' \t\n.,;:-_[]()"\''), []);
  });

  test('only the first 64 KiB of a text are read', () => {
    const text = `${'a '.repeat(32_768)}needle`;
    assert.equal(tokenize(text).includes('needle'), false);
    assert.equal(tokenize(`needle ${'a '.repeat(40_000)}`)[0], 'needle');
  });
});

describe('textMatches', () => {
  const line = 'Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2';

  test('a word matches a whole token, case-insensitively', () => {
    assert.equal(textMatches(line, 'webmaster', false), true);
    assert.equal(textMatches(line, 'WEBMASTER', false), true);
    assert.equal(textMatches(line, 'webmast', false), false, 'a part of a token is not a match');
    assert.equal(textMatches(line, 'admin', false), false);
  });

  test('a phrase matches when its tokens appear consecutively', () => {
    assert.equal(textMatches(line, 'invalid user webmaster', false), true);
    assert.equal(textMatches(line, 'Invalid-User  Webmaster', false), true, 'punctuation and spacing in the phrase do not matter');
    assert.equal(textMatches(line, 'user invalid webmaster', false), false, 'order matters');
    assert.equal(textMatches(line, 'invalid webmaster', false), false, 'tokens must be adjacent');
    assert.equal(textMatches(line, '173.234.31.186', false), true);
    assert.equal(textMatches(line, '173.234.31.18', false), false);
  });

  test('a prefix search matches the last token as a prefix only', () => {
    assert.equal(textMatches(line, 'webm', true), true);
    assert.equal(textMatches(line, 'invalid us', true), true);
    assert.equal(textMatches(line, 'inval user', true), false, 'only the last token is a prefix');
    assert.equal(textMatches(line, 'ebmaster', true), false, 'a prefix, not a substring');
  });

  test('a phrase at the very end, or as long as the text, matches', () => {
    assert.equal(textMatches('a b c', 'b c', false), true);
    assert.equal(textMatches('a b c', 'a b c', false), true);
    assert.equal(textMatches('a b c', 'a b c d', false), false);
  });

  test('a phrase with no tokens matches nothing', () => {
    assert.equal(textMatches(line, '', false), false);
    assert.equal(textMatches(line, '...', true), false);
    assert.equal(textMatches('', 'x', false), false);
  });

  test('non-ASCII text', () => {
    assert.equal(textMatches('Benutzer Müller abgemeldet', 'MÜLLER', false), true);
    assert.equal(textMatches('ログイン 失敗', '失敗', false), true);
  });
});

describe('ftsQuery', () => {
  test('the tokens as one quoted phrase, with * for a prefix', () => {
    assert.equal(ftsQuery('Failed password', false), '"failed password"');
    assert.equal(ftsQuery('webm', true), '"webm" *');
    assert.equal(ftsQuery('"quoted" AND NOT x', false), '"quoted and not x"', 'FTS5 operators in the input stay plain words');
    assert.equal(ftsQuery('x NEAR(y)', false), '"x near y"');
  });

  test('nothing to search for gives undefined', () => {
    assert.equal(ftsQuery('', false), undefined);
    assert.equal(ftsQuery('"*"', true), undefined);
  });
});

describe('likePrefilter', () => {
  test('a %…% pattern around the longest ASCII run of the tokens', () => {
    assert.equal(likePrefilter('Failed password'), '%password%');
    assert.equal(likePrefilter('user_name'), '%user%');
    assert.equal(likePrefilter('42393'), '%42393%');
  });

  test("the run leaves out 'i' and 'k', which non-ASCII letters can lower-case to", () => {
    assert.equal(likePrefilter('POSSIBLE BREAK-IN ATTEMPT'), '%attempt%');
    assert.equal(likePrefilter('kelvin'), '%elv%');
    assert.equal(likePrefilter('ik'), undefined);
  });

  test('no pattern from non-ASCII tokens (LIKE folds ASCII only), nor without tokens', () => {
    assert.equal(likePrefilter('Müller'), undefined);
    assert.equal(likePrefilter('東京 ab'), '%ab%');
    assert.equal(likePrefilter(''), undefined);
    assert.equal(likePrefilter('--'), undefined);
  });

  test('every text that textMatches accepts also satisfies the LIKE pattern', () => {
    const texts = [
      'Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2',
      'FAILED PASSWORD FOR ROOT',
      'user_name=root; pam_unix(sshd:auth)',
      'Benutzer MÜLLER abgemeldet',
      '\u212Aelvin login from KIOSK', // KELVIN SIGN lower-cases to ASCII k
      '\u0130stanbul office LINK down', // İ lower-cases to i + combining dot
      'Kill switch İnvoked',
    ];
    const phrases = ['failed password', 'root', 'user name', 'müller', 'kelvin', 'login', 'kiosk', 'i', 'link', 'kill switch', 'i nvoked', 'stanbul', 'sshd auth'];
    let checked = 0;
    for (const text of texts) {
      for (const phrase of phrases) {
        if (!textMatches(text, phrase, false)) continue;
        const like = likePrefilter(phrase);
        checked++;
        if (like !== undefined) assert.ok(sqliteLike(text, like), `${JSON.stringify(text)} matches ${JSON.stringify(phrase)} but not LIKE ${like}`);
      }
    }
    assert.ok(checked >= 12, `checked ${checked} pairs`);
  });

  test('the emulated LIKE used above folds ASCII only, like SQLite', () => {
    assert.equal(sqliteLike('ABC', '%b%'), true);
    assert.equal(sqliteLike('ÄBC', '%ä%'), false);
    assert.equal(sqliteLike('a_b', 'a\\_b'), true);
    assert.equal(sqliteLike('axb', 'a\\_b'), false);
  });
});
