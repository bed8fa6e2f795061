import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { adoptStoredAlerts, alertingDbPath, openAlertQueue, type OpenQueue } from '../../alerting/open.js';
import { loadConfig, type Config } from '../../core/config.js';
import { errorMessage } from '../../core/errors.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import { CliExit } from '../io.js';

/*
 * How `vigil alerts` and `vigil assets` reach the alert queue: with --url, through the HTTP API of a running Vigil
 * (token from --token, VIGIL_ADMIN_TOKEN or DATA_DIR/admin.token); otherwise directly on DATA_DIR/alerting.db, which
 * is safe beside a running server (SQLite WAL and locking) and answers the same JSON as the API.
 */

export interface AccessOpts {
  url?: string;
  token?: string;
  dataDir?: string;
  config?: string;
  user?: string;
}

export type Api = (method: string, path: string, body?: unknown) => Promise<unknown>;

export function httpApi(opts: AccessOpts): Api | undefined {
  if (opts.url === undefined) return undefined;
  const config = loadConfig(opts.config, process.env, opts.dataDir);
  const tokenFile = join(config.data_dir, 'admin.token');
  const token = opts.token ?? process.env['VIGIL_ADMIN_TOKEN'] ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
  if (!token) throw new CliExit(2, `no API token: pass --token, set VIGIL_ADMIN_TOKEN or run beside ${tokenFile}`);
  const base = opts.url.replace(/\/+$/, '');
  return async (method, path, body) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (opts.user !== undefined) headers['x-vigil-user'] = opts.user;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${base}/api/v1${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new CliExit(1, `cannot reach ${base}: ${errorMessage(err)}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CliExit(1, `${method} ${path}: HTTP ${res.status}, not JSON`);
    }
    if (!res.ok) {
      const msg = (json as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`;
      throw new CliExit(res.status === 404 ? 3 : res.status >= 500 ? 1 : 2, msg);
    }
    return json;
  };
}

/** Runs `fn` on the alert queue of the data directory (alerts raised by `vigil ingest` are taken in first). */
export async function withQueue<T>(opts: AccessOpts, fn: (q: OpenQueue, config: Config) => T): Promise<T> {
  const config = loadConfig(opts.config, process.env, opts.dataDir);
  const storeDir = resolve(config.data_dir, 'store');
  const hasStore = existsSync(storeDir);
  if (!existsSync(alertingDbPath(config.data_dir)) && !hasStore) throw new CliExit(1, `no Vigil data in ${config.data_dir} (pass --data-dir, or --url for a running server)`);
  const q = openAlertQueue(config);
  try {
    if (hasStore) {
      const store = new SqliteStore({ dir: storeDir, readOnly: true });
      await store.open();
      try {
        await adoptStoredAlerts(q.queue, store);
      } finally {
        await store.close();
      }
    }
    return fn(q, config);
  } finally {
    q.close();
  }
}
