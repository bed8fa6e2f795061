import { join } from 'node:path';
import { errorMessage } from '../../core/errors.js';
import type { AlertChange, AlertListener, AssetLookup, TriagedAlert } from '../types.js';
import { TokenBucket } from './bucket.js';
import type { ChannelConfig, NotifyConfig } from './config.js';
import { DeliveryStore, viewOf, type DeliveryFilter, type DeliveryRow, type DeliveryView, type NewDelivery } from './deliveries.js';
import { emailTransport } from './email.js';
import type { Digest, Message, Transport } from './message.js';
import { selects } from './select.js';
import { syslogTransport } from './syslog.js';
import { webhookTransport } from './webhook.js';

export interface NotifierOptions {
  config: NotifyConfig;
  /** notify.db is kept here */
  dataDir: string;
  /** the asset inventory in force (it may be edited while running) */
  assets?: () => AssetLookup | undefined;
  log?: (m: string) => void;
  now?: () => number;
}

/** Sends at most this many messages of one channel at once; the rest wait their turn. */
const CONCURRENCY = 4;
const MAX_DIGEST_IDS = 100;
/** deliveries recorded in one transaction at most */
const MAX_BATCH = 1000;

interface Channel {
  cfg: ChannelConfig;
  transport: Transport;
  bucket: TokenBucket;
  ready: number[];
  active: number;
  digest: Digest | undefined;
  digestTimer: NodeJS.Timeout | undefined;
}

/** The delay before attempt `n + 1` after `n` failed ones: doubling from backoff_seconds, capped, with jitter. */
export function backoffMs(cfg: Pick<ChannelConfig, 'backoff_seconds' | 'max_backoff_seconds'>, failed: number, random = Math.random()): number {
  const base = Math.min(cfg.max_backoff_seconds, cfg.backoff_seconds * 2 ** Math.max(0, failed - 1)) * 1000;
  // "equal jitter": half fixed, half random, so retries of many deliveries spread out but never come early
  return Math.round(base / 2 + (base / 2) * random);
}

function transportFor(c: ChannelConfig): Transport {
  if (c.type === 'webhook') return webhookTransport(c);
  if (c.type === 'email') return emailTransport(c);
  return syslogTransport(c);
}

/**
 * Notifications: subscribes to the alert queue (`listener`), routes each alert to the channels whose selector takes
 * it, holds back what a channel's rate limit refuses (one digest per window instead), persists every delivery and
 * retries failed ones with backoff until they are sent or out of attempts — also across restarts.
 */
export class Notifier {
  readonly listener: AlertListener = (alert, change) => this.onAlert(alert, change);
  private readonly store: DeliveryStore;
  private readonly channels = new Map<string, Channel>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sending = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly log: (m: string) => void;
  private stopped = false;
  private pruneTimer: NodeJS.Timeout | undefined;
  /** deliveries not yet written: recorded together at the end of the tick (or every MAX_BATCH) */
  private batch: { row: NewDelivery; ch: Channel }[] = [];
  private flushScheduled = false;

  constructor(private readonly opts: NotifierOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.store = new DeliveryStore(join(opts.dataDir, 'notify.db'));
    for (const cfg of opts.config.channels) {
      if (!cfg.enabled) continue;
      this.channels.set(cfg.name, {
        cfg,
        transport: transportFor(cfg),
        bucket: new TokenBucket(cfg.rate.per_minute, cfg.rate.burst, this.now()),
        ready: [],
        active: 0,
        digest: undefined,
        digestTimer: undefined,
      });
    }
  }

  /** Picks up deliveries still owed from before (pending or retrying) and starts pruning old ones. */
  start(): void {
    const now = this.now();
    for (const r of this.store.owed()) this.later(r.channel, r.id, Math.max(0, r.next_at - now));
    const prune = (): void => {
      try {
        this.store.prune(this.now() - this.opts.config.keep_days * 86_400_000);
      } catch (err) {
        this.log(`notify: cannot prune deliveries: ${errorMessage(err)}`);
      }
    };
    prune();
    this.pruneTimer = setInterval(prune, 3_600_000);
    this.pruneTimer.unref();
  }

  private onAlert(alert: TriagedAlert, change: AlertChange): void {
    if (this.stopped || alert.buildingBlock) return;
    try {
      for (const ch of this.channels.values()) {
        if (!ch.cfg.on.includes(change) || !selects(ch.cfg, alert, this.opts.assets?.())) continue;
        const now = this.now();
        const row = { alertId: alert.id, channel: ch.cfg.name, change, now };
        if (ch.bucket.take(now)) {
          this.record({ ...row, status: 'pending', payload: JSON.stringify({ change, alert }) }, ch);
        } else {
          // never sent on its own: the row records the alert, the digest tells the channel about it
          this.record({ ...row, status: 'rate_limited', payload: JSON.stringify({ change, alert: { ...alert, doc: {} } }) }, ch);
          this.holdBack(ch, alert, now);
        }
      }
    } catch (err) {
      this.log(`notify: ${errorMessage(err)}`);
    }
  }

  private record(row: NewDelivery, ch: Channel): void {
    this.batch.push({ row, ch });
    if (this.batch.length >= MAX_BATCH) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes the recorded deliveries in one transaction, then sends the pending ones. */
  private flush(): void {
    this.flushScheduled = false;
    const b = this.batch;
    if (b.length === 0) return;
    this.batch = [];
    try {
      const ids = this.store.addMany(b.map((x) => x.row));
      b.forEach((x, i) => {
        if (x.row.status === 'pending' && !this.stopped) this.enqueue(x.ch, ids[i] as number);
      });
    } catch (err) {
      this.log(`notify: cannot record ${b.length} deliveries: ${errorMessage(err)}`);
    }
  }

  /** Counts a rate-limited alert into the channel's digest, sent digest_seconds after the first one. */
  private holdBack(ch: Channel, alert: TriagedAlert, now: number): void {
    const iso = new Date(now).toISOString();
    const d = (ch.digest ??= { channel: ch.cfg.name, count: 0, rules: {}, alert_ids: [], from: iso, to: iso });
    d.count++;
    d.rules[alert.ruleId] = (Object.hasOwn(d.rules, alert.ruleId) ? (d.rules[alert.ruleId] ?? 0) : 0) + 1;
    if (d.alert_ids.length < MAX_DIGEST_IDS) d.alert_ids.push(alert.id);
    d.to = iso;
    if (!ch.digestTimer) {
      ch.digestTimer = setTimeout(() => {
        ch.digestTimer = undefined;
        this.emitDigest(ch);
      }, ch.cfg.rate.digest_seconds * 1000);
    }
  }

  private emitDigest(ch: Channel): void {
    const d = ch.digest;
    ch.digest = undefined;
    if (!d) return;
    try {
      const id = this.store.add({ alertId: null, channel: ch.cfg.name, change: 'digest', status: 'pending', now: this.now(), payload: JSON.stringify({ digest: d }), digestOf: d.count });
      if (!this.stopped) this.enqueue(ch, id);
    } catch (err) {
      this.log(`notify: cannot record digest of ${d.count} alert(s) for ${ch.cfg.name}: ${errorMessage(err)}`);
    }
  }

  private later(channel: string, id: number, delay: number): void {
    if (this.stopped) return;
    const ch = this.channels.get(channel);
    if (!ch) {
      this.store.attempted(id, { status: 'failed', error: `channel ${channel} is not configured (or disabled)`, now: this.now() });
      return;
    }
    if (delay <= 0) return this.enqueue(ch, id);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.enqueue(ch, id);
    }, delay);
    this.timers.add(t);
  }

  private enqueue(ch: Channel, id: number): void {
    ch.ready.push(id);
    this.pump(ch);
  }

  private pump(ch: Channel): void {
    while (!this.stopped && ch.active < CONCURRENCY && ch.ready.length > 0) {
      const id = ch.ready.shift() as number;
      ch.active++;
      const p = this.attempt(ch, id).finally(() => {
        ch.active--;
        this.sending.delete(p);
        this.pump(ch);
      });
      this.sending.add(p);
    }
  }

  private async attempt(ch: Channel, id: number): Promise<void> {
    const row = this.store.get(id);
    if (!row || (row.status !== 'pending' && row.status !== 'retrying')) return;
    let msg: Message;
    try {
      msg = messageOf(row);
    } catch (err) {
      this.store.attempted(id, { status: 'failed', error: `unreadable delivery: ${errorMessage(err)}`, now: this.now() });
      return;
    }
    try {
      await ch.transport.send(msg);
      this.store.attempted(id, { status: 'sent', now: this.now() });
    } catch (err) {
      const failed = row.attempts + 1;
      const error = errorMessage(err);
      if (this.stopped) {
        // the process is stopping: the attempt counts and the delivery stays owed for the next start
        this.store.attempted(id, { status: 'retrying', error, now: this.now() });
      } else if (failed >= ch.cfg.max_attempts) {
        this.store.attempted(id, { status: 'failed', error, now: this.now() });
        this.log(`notify: delivery ${id} to ${ch.cfg.name} failed after ${failed} attempt(s): ${error}`);
      } else {
        const delay = backoffMs(ch.cfg, failed);
        this.store.attempted(id, { status: 'retrying', error, nextAt: this.now() + delay, now: this.now() });
        this.later(ch.cfg.name, id, delay);
      }
    }
  }

  deliveries(f: DeliveryFilter): DeliveryView[] {
    return this.store.list(f).map(viewOf);
  }

  counts(): Record<string, number> {
    return this.store.counts();
  }

  /** Waits for messages being sent, keeps what is still owed (and any digest being collected) for the next start. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.flush();
    for (const ch of this.channels.values()) {
      if (ch.digestTimer) clearTimeout(ch.digestTimer);
      ch.digestTimer = undefined;
      this.emitDigest(ch);
    }
    this.stopped = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.sending]);
    await Promise.allSettled([...this.channels.values()].map((c) => c.transport.close()));
    this.store.close();
  }
}

function messageOf(row: DeliveryRow): Message {
  const p = JSON.parse(row.payload) as { change?: AlertChange; alert?: TriagedAlert; digest?: Digest };
  if (p.digest) return { kind: 'digest', deliveryId: row.id, digest: p.digest };
  if (!p.alert || !p.change) throw new Error('no alert in the delivery');
  return { kind: 'alert', deliveryId: row.id, change: p.change, alert: p.alert };
}
