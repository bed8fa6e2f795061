import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../core/config.js';
import { errorMessage } from '../../core/errors.js';
import { caretLines } from '../../query/caret.js';
import { CliExit, safeText } from '../io.js';

/** Longest SSE message accepted from the server (an event larger than this ends the tail with an error). */
const MAX_MESSAGE = 8 * 1024 * 1024;

interface TailOpts {
  url?: string;
  token?: string;
  dataDir?: string;
  json?: boolean;
  max?: string;
}

/** Splits a Server-Sent Events byte stream into messages ({event, data}). */
export class SseParser {
  private buf = '';
  private event = 'message';
  private data: string[] = [];

  push(chunk: string, emit: (event: string, data: string) => void): void {
    this.buf += chunk;
    if (this.buf.length > MAX_MESSAGE) throw new CliExit(1, 'the server sent a message larger than 8 MiB');
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).replace(/\r$/, '');
      this.buf = this.buf.slice(nl + 1);
      if (line === '') {
        if (this.data.length > 0) emit(this.event, this.data.join('\n'));
        this.event = 'message';
        this.data = [];
      } else if (line.startsWith('data:')) this.data.push(line.slice(5).replace(/^ /, ''));
      else if (line.startsWith('event:')) this.event = line.slice(6).trim();
    }
  }
}

export function tailCommand(program: Command): void {
  program
    .command('tail')
    .description('live tail of matching events from a running Vigil (GET /api/v1/stream)')
    .argument('[query]', "filter, e.g. 'event.outcome:failure and source.ip:10.0.0.0/8'", '*')
    .option('--url <url>', 'the running Vigil (default http://HOST:PORT from the config)')
    .option('--token <token>', 'API token (default VIGIL_ADMIN_TOKEN, else DATA_DIR/admin.token)')
    .option('--data-dir <dir>', 'data directory (for admin.token and the config defaults)')
    .option('--max <n>', 'stop after this many events')
    .option('--json', 'print each event as one line of JSON')
    .action(async (query: string, opts: TailOpts) => {
      const config = loadConfig(undefined, process.env, opts.dataDir);
      const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
      const base = opts.url ?? `http://${host}:${config.http.port}`;
      const tokenFile = join(config.data_dir, 'admin.token');
      const token = opts.token ?? process.env['VIGIL_ADMIN_TOKEN'] ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
      if (!token) throw new CliExit(2, `no API token: pass --token, set VIGIL_ADMIN_TOKEN or run beside ${tokenFile}`);
      const max = opts.max === undefined ? Infinity : Number(opts.max);
      if (!(max > 0)) throw new CliExit(2, '--max must be a positive number');
      const ac = new AbortController();
      const stop = (): void => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let res: Response;
      try {
        res = await fetch(`${base.replace(/\/$/, '')}/api/v1/stream?${new URLSearchParams({ q: query }).toString()}`, {
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
          signal: ac.signal,
        });
      } catch (err) {
        throw new CliExit(1, `cannot reach ${base}: ${errorMessage(err)}`);
      }
      if (!res.ok || !res.body) {
        const body = (await res.text().catch(() => '')).slice(0, 500);
        let msg = body;
        try {
          const e = (JSON.parse(body) as { error?: { message?: string; position?: number } }).error;
          msg = e?.message ?? body;
          if (typeof e?.position === 'number' && process.stderr.isTTY) process.stderr.write(caretLines(query, e.position));
        } catch {
          // not JSON: show it as it is
        }
        throw new CliExit(res.status === 400 ? 2 : 1, `${res.status}: ${msg}`);
      }
      let seen = 0;
      const parser = new SseParser();
      const decoder = new TextDecoder();
      const emit = (event: string, data: string): void => {
        if (event === 'missed') {
          const n = (JSON.parse(data) as { missed?: number }).missed ?? 0;
          process.stderr.write(`vigil: missed ${n} events (this client did not keep up)\n`);
        } else if (event === 'message') {
          if (seen >= max) return;
          seen++;
          if (opts.json) process.stdout.write(`${data}\n`);
          else {
            const e = JSON.parse(data) as Record<string, unknown>;
            const msg = typeof e['message'] === 'string' ? e['message'] : data;
            process.stdout.write(`${safeText(String(e['@timestamp']))}  ${safeText(msg)}\n`);
          }
          if (seen >= max) ac.abort();
        }
      };
      try {
        for await (const chunk of res.body) {
          parser.push(decoder.decode(chunk as Uint8Array, { stream: true }), emit);
        }
      } catch (err) {
        if (!ac.signal.aborted) throw new CliExit(1, `the stream ended: ${errorMessage(err)}`);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
