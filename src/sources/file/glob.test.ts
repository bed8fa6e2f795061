import assert from 'node:assert/strict';
import { test } from 'node:test';
import { excludeMatcher, globBase, compileGlob, hasMagic } from './glob.js';

test('glob wildcards: * and ? within a segment, ** across segments, braces, classes', () => {
  const m = (g: string, p: string): boolean => compileGlob(g).test(p);
  assert.ok(m('/var/log/*.log', '/var/log/auth.log'));
  assert.ok(!m('/var/log/*.log', '/var/log/nginx/access.log'));
  assert.ok(m('/var/log/auth.log*', '/var/log/auth.log.2.gz'));
  assert.ok(m('/var/log/auth.log.?', '/var/log/auth.log.1'));
  assert.ok(!m('/var/log/auth.log.?', '/var/log/auth.log.10'));
  assert.ok(m('/srv/**/*.log', '/srv/a/b/c.log'));
  assert.ok(m('/srv/**/*.log', '/srv/c.log'));
  assert.ok(m('/var/log/{auth,syslog}', '/var/log/syslog'));
  assert.ok(!m('/var/log/{auth,syslog}', '/var/log/kern'));
  assert.ok(m('/l/app[0-9].log', '/l/app7.log'));
  assert.ok(!m('/l/app[!0-9].log', '/l/app7.log'));
  assert.ok(m('/l/a.b(c)+.log', '/l/a.b(c)+.log'), 'regex characters are literal');
  assert.ok(m('/l/{a,b{c,d}}.log', '/l/bd.log') && !m('/l/{a,b{c,d}}.log', '/l/b.log'));
  assert.ok(m('/l/x\\*.log', '/l/x*.log') && !m('/l/x\\*.log', '/l/xy.log'));
  assert.ok(!m('/l/a.b', '/l/axb'));
  assert.throws(() => compileGlob('/l/{a,b'), /unbalanced/);
});

test('the fixed directory a glob starts from', () => {
  assert.equal(globBase('/var/log/*.log'), '/var/log');
  assert.equal(globBase('/srv/**/x/*.log'), '/srv');
  assert.equal(globBase('/var/log/auth.log'), '/var/log');
  assert.equal(globBase('/*.log'), '/');
  assert.ok(hasMagic('/a/{b,c}') && !hasMagic('/a/b.log'));
});

test('exclude patterns: by file name without a slash, by path with one', () => {
  const ex = excludeMatcher(['*.gz', '/var/log/private/*']);
  assert.ok(ex('/var/log/auth.log.2.gz'));
  assert.ok(ex('/var/log/private/x.log'));
  assert.ok(!ex('/var/log/auth.log'));
});

test('hostile globs compile to patterns that answer quickly', () => {
  const t0 = performance.now();
  assert.ok(!compileGlob(`/l/${'*a'.repeat(20)}`).test(`/l/${'a'.repeat(4000)}b`));
  assert.ok(!compileGlob(`/${'**/'.repeat(30)}x`).test(`/${'d/'.repeat(500)}y`));
  assert.ok(performance.now() - t0 < 1000, `${performance.now() - t0} ms`);
  assert.throws(() => compileGlob(`/l/${'{a,b}'.repeat(11)}`), /more than 1024/);
});
