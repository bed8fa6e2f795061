import type { Command } from 'commander';
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { RawRecord } from '../../core/component.js';
import { loadConfig } from '../../core/config.js';
import { acquireLock, makeDataDir } from '../../core/lockfile.js';
import { Pipeline } from '../../core/pipeline.js';
import { Telemetry } from '../../core/telemetry.js';
import { LineParser } from '../../parsers/line.js';
import { findFormat, formatNames } from '../../parsers/registry.js';
import { isParseFailure } from '../../schema/event.js';
import { DetectionEngine } from '../../detect/engine.js';
import { RuleAdmin } from '../../detect/uploads.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import { PcapFormatError } from '../../codecs/pcap/reader.js';
import { ingestCapture, sniffCapture, type CaptureIngestResult } from '../../sources/pcap/index.js';
import { CliExit, printJson } from '../io.js';
import { Progress } from '../progress.js';

const CHUNK = 5000;

interface Summary {
  files: number;
  stored: number;
  parse_failures: number;
  alerts: number;
  seconds: number;
  /** capture files (pcap, pcapng) imported as flows */
  captures?: (CaptureIngestResult['summary'] & { file: string })[];
}

/** Counts parse failures on the stream; the parser never drops a line. */
function failureCounter(): { name: string; count: number; process(events: readonly Record<string, unknown>[]): void } {
  return {
    name: 'ingest_failures',
    count: 0,
    process(events) {
      for (const e of events) if (isParseFailure(e)) this.count++;
    },
  };
}

export function ingestCommand(program: Command): void {
  program
    .command('ingest')
    .description('import log files (or - for stdin) through the parse, detect and store path')
    .argument('<files...>', 'files to import; - reads standard input')
    .option('--config <file>', 'YAML config file (its rules.paths are loaded, as by vigil serve)')
    .option('--data-dir <dir>', 'data directory')
    .option('--format <name>', 'parser to use (default: detected per line)')
    .option('--json', 'machine-readable summary')
    .option('--rules <path>', 'Sigma rule file or folder, besides the shipped rules (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (files: string[], opts: { config?: string; dataDir?: string; format?: string; json?: boolean; rules: string[] }) => {
      const config = loadConfig(opts.config, process.env, opts.dataDir);
      config.rules.paths.push(...opts.rules);
      if (opts.format !== undefined && !findFormat(opts.format)) {
        throw new CliExit(2, `unknown format '${opts.format}' (known: ${formatNames().join(', ')})`);
      }
      let total = 0;
      for (const f of files) {
        if (f === '-') continue;
        try {
          total += statSync(f).size;
        } catch (err) {
          throw new CliExit(2, `cannot read ${f}: ${(err as Error).message}`);
        }
      }
      makeDataDir(config.data_dir);
      const release = acquireLock(config.data_dir, 'vigil ingest');
      const store = new SqliteStore({
        dir: resolve(config.data_dir, 'store'),
        sync: config.store.sync,
        sealEvents: config.store.seal_events,
        sealAgeMs: config.store.seal_age_minutes * 60_000,
      });
      const started = Date.now();
      const failures = failureCounter();
      try {
        await store.open();
        const telemetry = new Telemetry();
        const log = (m: string): void => void process.stderr.write(`vigil: ${m}\n`);
        // the rules of this Vigil, as vigil serve runs them: shipped, configured, uploaded; those switched off stay off
        const ruleAdmin = new RuleAdmin(config.data_dir, config.rules.paths, {}, log);
        const detection = new DetectionEngine({ rules: ruleAdmin.load(), telemetry, dataDir: config.data_dir, snapshotEveryMs: 0, log });
        ruleAdmin.attach(detection);
        const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), transforms: [failures, detection] });
        detection.attach((alerts) => pipeline.submitEvents(alerts, 'generic', { urgent: true }));
        detection.start();
        const progress = new Progress(Boolean(process.stderr.isTTY) && !opts.json, total);
        let bytes = 0;
        let stored = 0;
        let inflight: Promise<unknown>[] = [];
        const captures: CaptureIngestResult[] = [];
        for (const f of files) {
          // a pcap/pcapng file (by its magic number) is imported as flows and notable-packet events
          if (f !== '-' && (await sniffCapture(f)) !== undefined) {
            await Promise.all(inflight);
            inflight = [];
            const c = await ingestCapture(f, pipeline, config.internal_networks).catch((err: unknown) => {
              throw err instanceof PcapFormatError ? new CliExit(1, err.message) : err;
            });
            captures.push(c);
            stored += c.summary.events;
            bytes += statSync(f).size;
            progress.update(bytes, stored);
            continue;
          }
          const input: Readable = f === '-' ? process.stdin : createReadStream(f);
          const file = f === '-' ? undefined : resolve(f);
          const rl = createInterface({ input, crlfDelay: Infinity });
          let chunk: RawRecord[] = [];
          const flush = async (): Promise<void> => {
            if (chunk.length === 0) return;
            const n = chunk.length;
            inflight.push(pipeline.submitRecords(chunk).then(() => (stored += n)));
            chunk = [];
            if (inflight.length >= 4) {
              await Promise.all(inflight);
              inflight = [];
            }
            progress.update(bytes, stored);
          };
          for await (const line of rl) {
            bytes += Buffer.byteLength(line) + 1;
            if (line.length === 0) continue;
            chunk.push({ message: line, receivedAt: Date.now(), ...(file ? { file } : {}), ...(opts.format ? { format: opts.format } : {}) });
            if (chunk.length >= CHUNK) await flush();
          }
          await flush();
        }
        await Promise.all(inflight);
        await detection.stop();
        await pipeline.drain();
        progress.update(bytes, stored, true);
        progress.done();
        const summary: Summary = { files: files.length, stored, parse_failures: failures.count, alerts: detection.raised, seconds: (Date.now() - started) / 1000 };
        if (captures.length > 0) summary.captures = captures.map((c) => ({ file: c.file, ...c.summary }));
        if (opts.json) printJson(summary);
        else {
          for (const c of captures) process.stdout.write(`${c.line}\n`);
          process.stdout.write(
            `stored ${summary.stored} events from ${summary.files} file(s) in ${summary.seconds.toFixed(1)} s; ` +
              `${summary.parse_failures} kept raw as parse failures; ${summary.alerts} alerts\n`,
          );
        }
      } finally {
        await store.close();
        release();
      }
    });
}
