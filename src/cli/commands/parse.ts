import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { LineParser } from '../../parsers/line.js';
import { findFormat, formatNames } from '../../parsers/registry.js';
import { normalizeEvent } from '../../schema/event.js';
import { CliExit } from '../io.js';

export function parseCommand(program: Command): void {
  program
    .command('parse')
    .description('print the ECS events a file or stdin parses to (NDJSON, input order), without storing them')
    .argument('[files...]', 'files to parse (default: standard input)')
    .option('--format <name>', 'parser to use (default: detected per line)')
    .action(async (files: string[], opts: { format?: string }) => {
      if (opts.format !== undefined && !findFormat(opts.format)) {
        throw new CliExit(2, `unknown format '${opts.format}' (known: ${formatNames().join(', ')})`);
      }
      const parser = new LineParser();
      const inputs = files.length ? files : ['-'];
      for (const f of inputs) {
        const input: Readable = f === '-' ? process.stdin : createReadStream(f);
        const file = f === '-' ? undefined : resolve(f);
        const rl = createInterface({ input, crlfDelay: Infinity });
        for await (const line of rl) {
          if (line.length === 0) continue;
          const now = Date.now();
          const { event } = normalizeEvent(parser.parse({ message: line, receivedAt: now, ...(file ? { file } : {}), ...(opts.format ? { format: opts.format } : {}) }), now, 'generic', { expand: false });
          if (!process.stdout.write(`${JSON.stringify(event)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
        }
      }
    });
}
