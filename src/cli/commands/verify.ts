import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../core/config.js';
import { verifyStore } from '../../store/sqlite/index.js';
import { CliExit, printJson } from '../io.js';

export function verifyCommand(program: Command): void {
  program
    .command('verify')
    .description('check the integrity chain of stored events; exit 1 and the first broken batch on tampering')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'machine-readable output')
    .action((opts: { dataDir?: string; json?: boolean }) => {
      const config = loadConfig(undefined, process.env, opts.dataDir);
      const dir = resolve(config.data_dir, 'store');
      if (!existsSync(join(dir, 'catalog.sqlite'))) throw new CliExit(2, `no store in ${dir}`);
      const r = verifyStore(dir);
      if (opts.json) printJson(r);
      else if (r.ok) process.stdout.write(`ok: ${r.batches} batches, ${r.events} events in ${r.partitions} partitions verified\n`);
      if (!r.ok) {
        const p = r.firstProblem;
        throw new CliExit(1, `integrity check failed at batch ${p?.batch ?? '?'} (partition ${p?.partition ?? '?'}): ${p?.reason ?? 'unknown'}`);
      }
    });
}
