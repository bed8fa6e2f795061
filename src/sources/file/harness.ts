import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pipeline } from '../../core/pipeline.js';
import { Telemetry } from '../../core/telemetry.js';
import { LineParser } from '../../parsers/line.js';
import { parseQuery } from '../../query/parser.js';
import { getPath, type EcsEvent } from '../../schema/event.js';
import { F } from '../../schema/fields.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import { FileConfigSchema } from './config.js';
import { FileSource } from './source.js';

/**
 * For the file source's tests: a temporary directory with a real store and pipeline, and file sources reading into
 * them. Not a test double: the same store, parser and pipeline `vigil serve` runs.
 */
export class Harness {
  readonly dir = mkdtempSync(join(tmpdir(), 'vigil-file-'));
  readonly logs = join(this.dir, 'logs');
  readonly dataDir = join(this.dir, 'data');
  readonly telemetry = new Telemetry();
  readonly messages: string[] = [];
  private readonly store = new SqliteStore({ dir: join(this.dir, 'data', 'store'), sync: 'normal' });
  private pipeline: Pipeline | undefined;
  private readonly running = new Set<FileSource>();

  async open(): Promise<this> {
    mkdirSync(this.logs, { recursive: true });
    await this.store.open();
    this.pipeline = new Pipeline({ store: this.store, telemetry: this.telemetry, parser: new LineParser(), batchEvents: 1000 });
    return this;
  }

  /** Starts a file source with this config (defaults filled in as the config loader would). */
  async source(cfg: Record<string, unknown>): Promise<FileSource> {
    if (!this.pipeline) throw new Error('harness not open');
    const src = new FileSource(FileConfigSchema.parse(cfg), {
      pipeline: this.pipeline,
      telemetry: this.telemetry,
      dataDir: this.dataDir,
      log: (m) => this.messages.push(m),
    });
    await src.start();
    this.running.add(src);
    return src;
  }

  async stopSource(src: FileSource): Promise<void> {
    this.running.delete(src);
    await src.stop();
  }

  async count(): Promise<number> {
    return (await this.store.stats()).events;
  }

  /** Waits (at most `ms`) until at least `n` events are stored; returns how many there are. */
  async waitFor(n: number, ms = 10_000): Promise<number> {
    const deadline = Date.now() + ms;
    let c = await this.count();
    while (c < n && Date.now() < deadline) {
      await sleep(25);
      c = await this.count();
    }
    return c;
  }

  /** Waits for `n` events, then a while longer, and returns the count: a duplicate would show as more than `n`. */
  async settle(n: number, ms = 10_000): Promise<number> {
    await this.waitFor(n, ms);
    await sleep(600);
    return this.count();
  }

  /** Every stored event (at most 10,000). */
  async events(): Promise<EcsEvent[]> {
    const r = await this.store.search({ filter: parseQuery('*').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10_000 });
    return r.events.map((h) => h.event);
  }

  async originals(): Promise<string[]> {
    return (await this.events()).map((e) => String(getPath(e, F.eventOriginal)));
  }

  async close(): Promise<void> {
    for (const s of this.running) await s.stop();
    this.running.clear();
    await this.pipeline?.drain();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
