import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable, runFail2banFile, type FileResult } from './testing/fail2ban.js';

/**
 * fail2ban sample files covered by the mail, FTP, database, DNS and network-service parsers. Every annotated line of
 * each listed file must pass; the format is given where the file's lines carry no program name for routing.
 */
const FILES: readonly { file: string; format?: string }[] = [
  { file: 'sieve' },
  { file: 'solid-pop3d' },
  { file: 'uwimap-auth' },
  { file: 'perdition' },
  { file: 'qmail' },
  { file: 'xinetd-fail' },
  { file: 'dante' },
  { file: 'mysqld-auth' },
];

test('fail2ban conformance: service parsers', (t) => {
  const results: FileResult[] = FILES.map((f) => runFail2banFile(f.file, f.format));
  for (const row of formatTable(results).split('\n')) t.diagnostic(row);
  for (const r of results) {
    assert.deepEqual(r.failures, [], `${r.file}: ${r.failures.map((x) => `line ${x.line}: ${x.reason}`).join('; ')}`);
    assert.equal(r.matchPassed, r.matchLines);
    assert.equal(r.noMatchPassed, r.noMatchLines);
  }
});
