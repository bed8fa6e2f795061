import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { freePort } from '../support/net.js';
import { cleanEnv, stopServe, VIGIL } from '../support/serve.js';

const children = new Set<ChildProcess>();
const dir = mkdtempSync(join(tmpdir(), 'vigil-health-start-'));
after(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Health {
  status?: string;
  components?: Record<string, { state?: string; listening?: unknown }>;
}

const SOURCES = ['syslog_udp', 'syslog_tcp', 'netflow'];

test('health says ok only once every source listens: from the first answer on, no answer says ok with a source still starting', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [VIGIL, 'serve', '--data-dir', join(dir, 'data')], {
    cwd: dir,
    env: cleanEnv({ VIGIL_HTTP_PORT: String(port), VIGIL_SYSLOG_PORT: '0', VIGIL_NETFLOW_PORT: '0', VIGIL_ADMIN_TOKEN: 'health-start-token-0123456789' }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-65536)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const seen: string[] = [];
  let ok: Health | undefined;
  const deadline = Date.now() + 30_000;
  // asked as often as it answers, from before the HTTP server listens until it says ok
  while (ok === undefined && Date.now() < deadline) {
    let h: Health;
    try {
      h = (await (await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(2000) })).json()) as Health;
    } catch {
      await sleep(5);
      continue;
    }
    seen.push(String(h.status));
    const sources = SOURCES.map((id) => h.components?.[id]);
    if (h.status === 'ok') {
      ok = h;
      for (const [i, s] of sources.entries()) {
        assert.equal(s?.state, 'ok', `${SOURCES[i] ?? ''} while health says ok: ${JSON.stringify(h.components)}`);
        assert.match(String(s?.listening), /:\d+$/, `${SOURCES[i] ?? ''} listens while health says ok`);
      }
    } else {
      assert.equal(h.status, 'starting', JSON.stringify(h));
      // a source that is not listening yet says so
      for (const [i, s] of sources.entries()) if (s?.listening === '') assert.equal(s.state, 'starting', `${SOURCES[i] ?? ''}: ${JSON.stringify(s)}`);
    }
  }
  assert.ok(ok, `health said ok within 30 s: ${seen.join(' ')}\n${err}`);
  const starting = seen.filter((s) => s === 'starting').length;
  process.stderr.write(`# ${seen.length} answers until ok, ${starting} of them 'starting'\n`);
  const stopped = await stopServe({ child, stderr: () => err, exited }, 60_000);
  assert.equal(stopped.code, 0, err);
});
