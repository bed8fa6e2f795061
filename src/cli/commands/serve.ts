import type { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { startServer } from '../../server/serve.js';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run Vigil: HTTP API and UI, ingest, detection and alerting, as configured')
    .option('--config <file>', 'YAML config file (validated at start)')
    .option('--data-dir <dir>', 'data directory (default ./data, or VIGIL_DATA_DIR)')
    .option('--rules <path>', 'Sigma rule file or folder, besides the shipped rules (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (opts: { config?: string; dataDir?: string; rules: string[] }) => {
      const config = loadConfig(opts.config, process.env, opts.dataDir);
      config.rules.paths.push(...opts.rules);
      const running = await startServer(config, process.env);
      process.stderr.write(`vigil: listening on ${running.url} (data in ${config.data_dir})\n`);
      if (running.tokenPath) {
        process.stderr.write(`vigil: admin token ${running.tokenCreated ? 'created in' : 'in'} ${running.tokenPath}\n`);
      }
      let signals = 0;
      const onSignal = (sig: string): void => {
        signals++;
        if (signals > 1) process.exit(130);
        process.stderr.write(`vigil: ${sig}: stopping, flushing what was accepted\n`);
        running.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`vigil: stop failed: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => onSignal('SIGINT'));
      process.on('SIGTERM', () => onSignal('SIGTERM'));
    });
}
