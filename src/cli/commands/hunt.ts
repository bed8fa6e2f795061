import type { Command } from 'commander';
import { resolve } from 'node:path';
import { loadConfig } from '../../core/config.js';
import { hunt } from '../../detect/sigma/hunt/index.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import { CliExit, printJson, safeText } from '../io.js';

export function huntCommand(program: Command): void {
  program
    .command('hunt')
    .description('run the Sigma detection rules of a file over stored events and print the matches')
    .argument('<rule>', 'Sigma rule file (YAML)')
    .option('--data-dir <dir>', 'data directory')
    .option('--from <time>', 'start (ISO 8601, epoch ms, -15m, -30d, now)')
    .option('--to <time>', 'end (exclusive)')
    .option('--limit <n>', 'matches to print at most', '1000')
    .option('--json', 'machine-readable output')
    .action(async (rule: string, opts: { dataDir?: string; from?: string; to?: string; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 0 || limit > 1_000_000) throw new CliExit(2, '--limit must be an integer from 0 to 1000000');
      const config = loadConfig(undefined, process.env, opts.dataDir);
      const store = new SqliteStore({ dir: resolve(config.data_dir, 'store'), readOnly: true });
      await store.open();
      try {
        const r = await hunt(store, rule, { from: opts.from, to: opts.to, limit });
        if (opts.json) return printJson(r);
        for (const e of r.events) {
          const msg = typeof e['message'] === 'string' ? e['message'] : JSON.stringify(e['event'] ?? {});
          process.stdout.write(`${safeText(String(e['@timestamp']))}  ${safeText(e.vigil_hunt_rules.join(','))}  ${safeText(msg)}\n`);
        }
        for (const a of r.alerts) {
          const rule = a['rule'] as { name?: string } | undefined;
          process.stdout.write(`${safeText(String(a['@timestamp']))}  alert  ${safeText(String(rule?.name ?? ''))}: ${safeText(typeof a['message'] === 'string' ? a['message'] : '')}\n`);
        }
        for (const x of r.rules) {
          process.stderr.write(`rule ${x.id}: query ${x.exact ? '(exact)' : '(candidates, then the matcher)'}: ${x.query}\n`);
          for (const n of x.notes) process.stderr.write(`  ${n}\n`);
        }
        process.stderr.write(`${r.matched} match(es) in ${r.scanned} candidate event(s), ${r.alerts.length} correlation alert(s)${r.truncated ? ' (stopped early: limit or scan cap)' : ''}\n`);
      } finally {
        await store.close();
      }
    });
}
