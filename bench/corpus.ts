import { normalizeEvent, type EcsEvent } from '../src/schema/event.js';
import type { AppendEvent } from '../src/store/store.js';

/** A fixed, seeded corpus of ~500-byte sshd-like ECS events (the same on every run). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USERS = ['root', 'admin', 'oracle', 'test', 'ubuntu', 'postgres', 'git', 'deploy', 'www-data', 'user', 'guest', 'pi'];
const HOSTS = Array.from({ length: 40 }, (_, i) => `srv-${String(i).padStart(2, '0')}.corp.example`);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function ipFor(i: number): string {
  return `${(i >>> 16) & 0xff || 203}.${(i >>> 8) & 0xff}.${i & 0xff}.${(i * 7) & 0xff}`;
}

export interface CorpusOptions {
  start: number;
  /** ms between consecutive events */
  stepMs: number;
  seed?: number;
}

/** Makes events `i..i+n` of the corpus; event i has time start + i*stepMs (with small jitter, so arrival is not perfectly ordered). */
export function corpusBatch(opts: CorpusOptions, i: number, n: number): AppendEvent[] {
  const rnd = prng((opts.seed ?? 7) ^ i);
  const out: AppendEvent[] = new Array<AppendEvent>(n);
  const ingested = Date.now();
  for (let k = 0; k < n; k++) {
    const idx = i + k;
    const ts = Math.floor(opts.start + idx * opts.stepMs) + Math.floor(rnd() * 500);
    const d = new Date(ts);
    const ipIdx = Math.floor(rnd() * rnd() * 50_000);
    const ip = ipFor(ipIdx);
    const user = USERS[Math.floor(rnd() * USERS.length)] as string;
    const host = HOSTS[Math.floor(rnd() * HOSTS.length)] as string;
    const port = 1024 + Math.floor(rnd() * 64000);
    const pid = 1000 + Math.floor(rnd() * 60000);
    const r = rnd();
    const failed = r < 0.7;
    const invalid = failed && r < 0.3;
    const msg = failed
      ? `Failed password for ${invalid ? 'invalid user ' : ''}${user} from ${ip} port ${port} ssh2`
      : `Accepted publickey for ${user} from ${ip} port ${port} ssh2: RSA SHA256:${idx.toString(36).padStart(12, 'x')}`;
    const stamp = `${MONTHS[d.getUTCMonth()] as string} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
    const raw: EcsEvent = {
      '@timestamp': d.toISOString(),
      message: msg,
      event: {
        original: `${stamp} ${host} sshd[${pid}]: ${msg}`,
        dataset: 'sshd',
        category: ['authentication'],
        action: 'ssh_login',
        outcome: failed ? 'failure' : 'success',
        kind: 'event',
      },
      host: { name: host },
      process: { name: 'sshd', pid },
      source: { ip, port },
      user: { name: user },
      log: { syslog: { appname: 'sshd', priority: 38 } },
    };
    out[k] = normalizeEvent(raw, ingested, 'sshd');
  }
  return out;
}

/**
 * A pool of distinct corpus events reused round-robin with fresh times, so that generating input costs the benchmark
 * next to nothing and the figures are the store's own.
 */
export class CorpusPool {
  private readonly pool: AppendEvent[];
  constructor(
    private readonly opts: CorpusOptions,
    size = 100_000,
  ) {
    this.pool = [];
    for (let i = 0; i < size; i += 10_000) this.pool.push(...corpusBatch(opts, i, Math.min(10_000, size - i)));
  }

  batch(i: number, n: number): AppendEvent[] {
    const out: AppendEvent[] = new Array<AppendEvent>(n);
    for (let k = 0; k < n; k++) {
      const idx = i + k;
      const e = this.pool[idx % this.pool.length] as AppendEvent;
      const ts = Math.floor(this.opts.start + idx * this.opts.stepMs) + (e.ts % 500);
      e.event['@timestamp'] = new Date(ts).toISOString();
      out[k] = { event: e.event, ts };
    }
    return out;
  }
}
