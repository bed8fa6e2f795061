import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable, runFail2banFile, type FileResult } from './testing/fail2ban.js';

/** fail2ban sample logs of web server filters, every annotated line of which the web parsers must get right. */
const FULL = ['apache-auth', 'apache-noscript', 'apache-nohome', 'nginx-http-auth', 'php-url-fopen', 'apache-badbots'];
/**
 * Files whose match lines must pass. apache-botsearch's two no-match lines (a missing script and a denied client)
 * are the same messages apache-noscript and apache-auth count as failures, so one parser cannot meet both.
 */
const MATCH_ONLY = ['apache-botsearch'];

test('fail2ban web samples', (t) => {
  const results: FileResult[] = [...FULL, ...MATCH_ONLY].map((f) => runFail2banFile(f));
  for (const row of formatTable(results).split('\n')) t.diagnostic(row);
  for (const r of results) {
    const shown = r.failures.map((f) => `${r.file}:${f.line} ${f.reason}: ${f.text}`).join('\n');
    assert.equal(r.matchPassed, r.matchLines, shown);
    if (FULL.includes(r.file)) assert.equal(r.noMatchPassed, r.noMatchLines, shown);
  }
});
