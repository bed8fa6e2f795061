import type { Command } from 'commander';
import { resolve } from 'node:path';
import { loadConfig } from '../../core/config.js';
import { caretLines } from '../../query/caret.js';
import { QueryError } from '../../query/errors.js';
import { formatTable } from '../../search/format.js';
import { isTable, runSearch } from '../../search/run.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import { printJson, safeText } from '../io.js';

export function searchCommand(program: Command): void {
  program
    .command('search')
    .description('run a query against the store (the same JSON as GET /api/v1/search with --json)')
    .argument('<query>', "query, e.g. 'event.outcome:failure and source.ip:10.0.0.0/8' or 'event.dataset:sshd | top 10 source.ip'")
    .option('--data-dir <dir>', 'data directory')
    .option('--from <time>', 'start (ISO 8601, epoch ms, -15m, -7d, now)')
    .option('--to <time>', 'end (exclusive)')
    .option('--limit <n>', 'events (default 100) or table rows (default 10000) to return')
    .option('--json', 'machine-readable output')
    .action(async (query: string, opts: { dataDir?: string; from?: string; to?: string; limit?: string; json?: boolean }) => {
      const config = loadConfig(undefined, process.env, opts.dataDir);
      const store = new SqliteStore({ dir: resolve(config.data_dir, 'store'), readOnly: true });
      await store.open();
      try {
        const r = await runSearch(store, { q: query, from: opts.from, to: opts.to, limit: opts.limit }, Date.now()).catch((err: unknown) => {
          // at a terminal, point at the problem; the reason itself stays one line (printed by main)
          if (err instanceof QueryError && process.stderr.isTTY) process.stderr.write(caretLines(query, err.position));
          throw err;
        });
        if (opts.json) return printJson(r);
        if (isTable(r)) {
          process.stdout.write(formatTable(r.columns, r.rows, safeText));
          process.stderr.write(`${r.rows.length} rows${r.truncated ? ' (truncated: raise --limit)' : ''} (${r.took_ms} ms)\n`);
          return;
        }
        for (const e of r.events) {
          const msg = typeof e['message'] === 'string' ? e['message'] : JSON.stringify(e['event'] ?? {});
          process.stdout.write(`${safeText(String(e['@timestamp']))}  ${safeText(msg)}\n`);
        }
        process.stderr.write(`${r.events.length} shown of ${r.total_relation === 'gte' ? 'at least ' : ''}${r.total} (${r.took_ms} ms)\n`);
      } finally {
        await store.close();
      }
    });
}
