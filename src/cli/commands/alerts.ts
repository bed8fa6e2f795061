import type { Command } from 'commander';
import { resolve } from 'node:path';
import { loadConfig } from '../../core/config.js';
import { listAlerts } from '../../detect/alert-list.js';
import { getPath } from '../../schema/event.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import { printJson, safeText } from '../io.js';

export function alertsCommand(program: Command): void {
  program
    .command('alerts')
    .description('list alerts, newest first (the same JSON as GET /api/v1/alerts with --json)')
    .option('--data-dir <dir>', 'data directory')
    .option('--status <status>', 'only alerts with this status (open, acknowledged, closed)')
    .option('--min-severity <n>', 'only alerts with event.severity >= n (0-100)')
    .option('--from <time>', 'start (ISO 8601, epoch ms, -15m, -7d, now)')
    .option('--to <time>', 'end (exclusive)')
    .option('--limit <n>', 'alerts to return', '100')
    .option('--json', 'machine-readable output')
    .action(async (opts: { dataDir?: string; status?: string; minSeverity?: string; from?: string; to?: string; limit: string; json?: boolean }) => {
      const config = loadConfig(undefined, process.env, opts.dataDir);
      const store = new SqliteStore({ dir: resolve(config.data_dir, 'store'), readOnly: true });
      await store.open();
      try {
        const r = await listAlerts(store, { status: opts.status, min_severity: opts.minSeverity, from: opts.from, to: opts.to, limit: opts.limit }, Date.now());
        if (opts.json) return printJson(r);
        for (const a of r.alerts) {
          const cols = [a['@timestamp'], getPath(a, 'event.severity'), getPath(a, 'vigil.alert.status'), getPath(a, 'message'), a.id];
          process.stdout.write(`${cols.map((c) => safeText(typeof c === 'string' || typeof c === 'number' ? String(c) : '')).join('  ')}\n`);
        }
        process.stderr.write(`${r.alerts.length} shown of ${r.total_relation === 'gte' ? 'at least ' : ''}${r.total}\n`);
      } finally {
        await store.close();
      }
    });
}
