import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema } from '../../core/config.js';

const README_EXAMPLE = `
files:
  - path: /var/log/auth.log*
  - path: /var/log/nginx/access.log
    format: nginx-access
  - path: /srv/app/logs/**/*.log
    exclude: ["*-debug.log"]
    start_at: end
    multiline:
      pattern: '^\\d{4}-\\d{2}-\\d{2} '
      negate: true
      match: after
`;

test('the files section fills in its defaults', () => {
  const c = ConfigSchema.parse(parseYaml(README_EXAMPLE));
  assert.equal(c.files.length, 3);
  assert.deepEqual(c.files[0], { path: '/var/log/auth.log*', exclude: [], start_at: 'beginning', read_rotated_gzip: true, encoding: 'utf8' });
  assert.deepEqual(c.files[2]?.multiline, { pattern: '^\\d{4}-\\d{2}-\\d{2} ', negate: true, match: 'after', max_lines: 500, timeout_ms: 1000 });
  assert.deepEqual(ConfigSchema.parse({}).files, []);
});

test('bad file entries are refused with the key and the reason', () => {
  const issues = (v: unknown): string[] => {
    const r = ConfigSchema.safeParse({ files: v });
    assert.equal(r.success, false);
    return r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  };
  const unknown = issues([{ path: '/x', format: 'nosuch' }]);
  assert.match(unknown[0] ?? '', /^files\.0\.format: unknown format; known: syslog, sshd, .*nginx-access/);
  assert.match(issues([{ path: '/x', multiline: { pattern: '(' } }])[0] ?? '', /^files\.0\.multiline\.pattern: not a regular expression/);
  assert.match(issues([{ path: '/x' }, { path: '/x' }])[0] ?? '', /^files\.1\.path: \/x is listed twice/);
  assert.match(issues([{ path: '/x', start_at: 'middle' }])[0] ?? '', /^files\.0\.start_at/);
  assert.match(issues([{ path: '/x', tail: true }])[0] ?? '', /Unrecognized key/);
  assert.match(issues([{}])[0] ?? '', /^files\.0\.path/);
  assert.match(issues([{ path: '/var/log/{a,b' }])[0] ?? '', /^files\.0\.path: unbalanced braces/);
  assert.match(issues([{ path: '/x', exclude: ['{'] }])[0] ?? '', /^files\.0\.exclude\.0: unbalanced braces/);
});
