import type { StreamTransform } from '../../core/component.js';
import type { ComponentTelemetry, Telemetry } from '../../core/telemetry.js';
import { ALERT_KIND, alertDocument, evidenceOf } from '../../detect/alerts.js';
import type { RuleMeta } from '../../detect/types.js';
import { parseQuery } from '../../query/parser.js';
import { eventTime, getPath, setPath, type EcsEvent } from '../../schema/event.js';
import { F } from '../../schema/fields.js';
import type { Store } from '../../store/store.js';
import type { FeedConfig, IntelConfig } from './config.js';
import { readFeed } from './feeds.js';
import type { Indicator } from './indicators.js';
import { IntelIndex, indicatorKey, type IndexedIndicator } from './match-index.js';

/** Where alerts go (the alert queue in `vigil serve`). */
export type IntelAlertSink = (alerts: EcsEvent[]) => Promise<unknown>;

/** Event fields looked up, by indicator kind. */
export const IP_FIELDS = [F.sourceIp, F.destinationIp, 'client.ip', 'server.ip', 'host.ip'] as const;
export const DOMAIN_FIELDS = [F.urlDomain, 'destination.domain', 'source.domain', 'server.domain', 'client.domain', 'dns.question.name'] as const;
export const URL_FIELDS = ['url.full', F.urlOriginal] as const;
const HASH_KINDS = ['md5', 'sha1', 'sha256', 'sha512'] as const;
export const HASH_FIELDS = HASH_KINDS.flatMap((k) => [`file.hash.${k}`, `process.hash.${k}`]);

/** enrichments added to one event at most */
const MAX_ENRICHMENTS = 10;
/** alerts waiting for the sink at most */
const MAX_QUEUED_ALERTS = 10_000;
/** indicators OR'ed into one hunting query */
const HUNT_CHUNK = 50;

const STIX_TYPE: Readonly<Record<Indicator['type'], string>> = { ip: 'ipv4-addr', cidr: 'ipv4-addr', domain: 'domain-name', url: 'url', hash: 'file' };

interface FeedState {
  cfg: FeedConfig;
  meta: RuleMeta;
  indicators: Indicator[];
  keys: Set<string>;
  loadedAt?: number;
  lastError?: string | undefined;
  invalid: number;
  unsupported: number;
  etag?: string;
  lastModified?: string;
  timer?: NodeJS.Timeout;
}

export interface IntelMatch {
  field: string;
  atomic: string;
  indicator: IndexedIndicator;
}

function values(e: EcsEvent, field: string): string[] {
  const v = getPath(e, field);
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').slice(0, 32);
  return [];
}

/**
 * Threat intelligence: feeds of indicators (files or HTTP, plain/CSV/STIX) kept in one bounded index and refreshed on
 * a schedule; a stream transform before detection that adds `threat.enrichments` to events that contain an indicator
 * and raises an alert per match (rule id per feed); indicators new at a load or refresh are hunted for in stored
 * events of the last `hunt_back_hours`.
 */
export class IntelService implements StreamTransform {
  readonly name = 'intel';
  private index: IntelIndex;
  private readonly feeds = new Map<string, FeedState>();
  private sink: IntelAlertSink | undefined;
  private queue: EcsEvent[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private flushScheduled = false;
  private stopped = false;
  private readonly tel: ComponentTelemetry | undefined;
  private readonly now: () => number;
  private readonly log: (m: string) => void;
  readonly stats = { matches: 0, alerts: 0, alerts_dropped: 0, indicators_dropped: 0, hunt_alerts: 0, refreshes: 0, refresh_failures: 0 };

  constructor(
    private readonly config: IntelConfig,
    private readonly opts: { store?: Store; telemetry?: Telemetry; log?: (m: string) => void; now?: () => number } = {},
  ) {
    this.index = new IntelIndex(config.max_indicators);
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.tel = opts.telemetry?.component('intel', 'transform');
    for (const cfg of config.feeds) {
      const meta: RuleMeta = { id: cfg.rule_id ?? `intel-${cfg.name}`, title: `Threat intelligence match (${cfg.name})`, level: cfg.level, tags: [], generate: true, location: { file: cfg.path ?? cfg.url ?? cfg.name } };
      this.feeds.set(cfg.name, { cfg, meta, indicators: [], keys: new Set(), invalid: 0, unsupported: 0 });
    }
  }

  attach(sink: IntelAlertSink): void {
    this.sink = sink;
  }

  /** Reads every feed once (failures are reported, not thrown), then refreshes each on its schedule. */
  async start(): Promise<void> {
    await Promise.all([...this.feeds.keys()].map((n) => this.refresh(n)));
    for (const f of this.feeds.values()) {
      if (this.stopped) return;
      f.timer = setInterval(() => void this.refresh(f.cfg.name), Math.round(f.cfg.refresh_minutes * 60_000));
      f.timer.unref();
    }
  }

  /** Reads one feed again; on success its indicators replace the previous ones and the new ones are hunted for. */
  async refresh(name: string): Promise<{ ok: boolean; added: number; error?: string }> {
    const f = this.feeds.get(name);
    if (!f || this.stopped) return { ok: false, added: 0, error: 'no such feed' };
    let read;
    try {
      read = await readFeed(f.cfg, { maxBytes: this.config.max_feed_bytes, timeoutMs: this.config.fetch_timeout_seconds * 1000, prev: { ...(f.etag !== undefined ? { etag: f.etag } : {}), ...(f.lastModified !== undefined ? { lastModified: f.lastModified } : {}) } });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.stats.refresh_failures++;
      this.tel?.error('feed_read_failed', 'refresh');
      if (msg !== f.lastError) this.log(`intel: feed ${name}: ${msg}; keeping its ${f.indicators.length} indicator(s)`);
      f.lastError = msg;
      return { ok: false, added: 0, error: msg };
    }
    this.stats.refreshes++;
    f.lastError = undefined;
    f.loadedAt = this.now();
    if (read.text.etag !== undefined) f.etag = read.text.etag;
    if (read.text.lastModified !== undefined) f.lastModified = read.text.lastModified;
    if (!read.report) return { ok: true, added: 0 };
    if (read.text.cut) {
      this.tel?.error('feed_too_large', 'refresh');
      this.log(`intel: feed ${name} is larger than max_feed_bytes; read up to it`);
    }
    const fresh: Indicator[] = [];
    const keys = new Set<string>();
    for (const i of read.report.indicators) {
      const k = indicatorKey(i);
      if (keys.has(k)) continue;
      keys.add(k);
      if (!f.keys.has(k)) fresh.push(i);
    }
    f.indicators = read.report.indicators;
    f.keys = keys;
    f.invalid = read.report.invalid;
    f.unsupported = read.report.unsupported;
    this.rebuild();
    if (fresh.length > 0) this.log(`intel: feed ${name}: ${keys.size} indicator(s), ${fresh.length} new`);
    if (fresh.length > 0 && this.opts.store && this.config.hunt_back_hours > 0) {
      const p = this.huntBack(f, fresh, f.loadedAt).catch((e: unknown) => {
        this.tel?.error('hunt_failed', 'hunt');
        this.log(`intel: hunting for feed ${name}'s new indicators failed: ${e instanceof Error ? e.message : String(e)}`);
      });
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
      await p;
    }
    return { ok: true, added: fresh.length };
  }

  /** A new index from every feed's indicators (swapped in whole, so lookups never see a half-built one). */
  private rebuild(): void {
    const next = new IntelIndex(this.config.max_indicators);
    let dropped = 0;
    for (const f of this.feeds.values()) for (const i of f.indicators) if (!next.add({ ...i, feed: f.cfg.name })) dropped++;
    if (dropped > this.stats.indicators_dropped) this.log(`intel: ${dropped} indicator(s) beyond max_indicators (${this.config.max_indicators}) left out`);
    if (dropped > 0) this.tel?.dropped(dropped, 'max_indicators', false);
    this.stats.indicators_dropped = dropped;
    this.index = next;
  }

  /** The indicators an event contains (at most MAX_ENRICHMENTS). */
  matches(e: EcsEvent, index = this.index): IntelMatch[] {
    const out: IntelMatch[] = [];
    const look = (fields: readonly string[], find: (v: string) => IndexedIndicator | undefined): void => {
      for (const field of fields) {
        for (const v of values(e, field)) {
          if (out.length >= MAX_ENRICHMENTS) return;
          const hit = find(v);
          if (hit && !out.some((m) => m.field === field && m.atomic === v)) out.push({ field, atomic: v, indicator: hit });
        }
      }
    };
    if (index.size === 0) return out;
    look(IP_FIELDS, (v) => index.ip(v));
    look(DOMAIN_FIELDS, (v) => index.domain(v));
    look(URL_FIELDS, (v) => index.url(v));
    look(HASH_FIELDS, (v) => index.hash(v));
    return out;
  }

  process(events: readonly EcsEvent[]): void {
    if (this.index.size === 0) return;
    for (const e of events) {
      if (getPath(e, F.eventKind) === ALERT_KIND) continue;
      const found = this.matches(e);
      if (found.length === 0) continue;
      this.stats.matches += found.length;
      const list = getPath(e, 'threat.enrichments');
      const enrichments = Array.isArray(list) ? list : [];
      for (const m of found) enrichments.push(enrichment(m, this.now()));
      setPath(e, 'threat.enrichments', enrichments);
      const ts = eventTime(e);
      for (const m of found) this.raise(m, e, Number.isFinite(ts) ? ts : this.now(), `${m.field} ${m.atomic} is on threat intelligence feed ${m.indicator.feed}`);
    }
    if (this.queue.length > 0) this.scheduleFlush();
  }

  private raise(m: IntelMatch, e: EcsEvent, time: number, why: string): void {
    const f = this.feeds.get(m.indicator.feed);
    if (!f) return;
    if (this.queue.length >= MAX_QUEUED_ALERTS) {
      this.stats.alerts_dropped++;
      this.tel?.dropped(1, 'alert_queue_full', false);
      return;
    }
    const explanation = [why, ...(m.indicator.description !== undefined ? [m.indicator.description] : [])];
    const doc = alertDocument({ rule: f.meta, type: 'intel', time, explanation, evidence: [evidenceOf(e, f.meta.id, time)], group: { [m.field]: m.atomic } }, this.now());
    setPath(doc, 'rule.ruleset', 'intel');
    setPath(doc, 'threat.enrichments', [enrichment(m, this.now())]);
    this.stats.alerts++;
    this.queue.push(doc);
  }

  /** Searches stored events of the last hunt_back_hours (before `until`) for new indicators and raises their alerts. */
  private async huntBack(f: FeedState, fresh: Indicator[], until: number): Promise<void> {
    const store = this.opts.store;
    if (!store) return;
    const list = fresh.slice(0, this.config.hunt_max_indicators);
    const mine = new IntelIndex(list.length);
    for (const i of list) mine.add({ ...i, feed: f.cfg.name });
    const from = until - this.config.hunt_back_hours * 3_600_000;
    let budget = this.config.hunt_max_events;
    for (let c = 0; c < list.length && budget > 0 && !this.stopped; c += HUNT_CHUNK) {
      const terms = list.slice(c, c + HUNT_CHUNK).flatMap(huntTerms);
      if (terms.length === 0) continue;
      const r = await store.search({ filter: parseQuery(terms.join(' or ')).filter, from, to: until, limit: budget, budgetMs: 30_000 });
      for (const hit of r.events) {
        const e = structuredClone(hit.event);
        if (getPath(e, F.eventKind) === ALERT_KIND) continue;
        if (getPath(e, 'event.id') === undefined) setPath(e, 'event.id', hit.id);
        for (const m of this.matches(e, mine)) {
          if (budget <= 0) break;
          budget--;
          this.stats.hunt_alerts++;
          this.raise(m, e, hit.ts, `${m.field} ${m.atomic} (stored before feed ${f.cfg.name} listed it) is on threat intelligence feed ${f.cfg.name}`);
        }
      }
      if (this.queue.length > 0) this.scheduleFlush();
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushNow();
    });
  }

  private flushNow(): void {
    if (this.queue.length === 0 || !this.sink) return;
    const batch = this.queue;
    this.queue = [];
    const p = this.sink(batch).catch((err: unknown) => {
      this.tel?.dropped(batch.length, 'alert_store_failed', false);
      this.log(`intel: ${batch.length} alert(s) not stored: ${err instanceof Error ? err.message : String(err)}`);
    });
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Hands queued alerts to the sink and waits for every hunt and delivery in progress. */
  async flush(): Promise<void> {
    this.flushNow();
    while (this.inflight.size > 0) {
      await Promise.all([...this.inflight]);
      this.flushNow();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const f of this.feeds.values()) if (f.timer) clearInterval(f.timer);
    await this.flush();
  }

  health(): Record<string, unknown> {
    return {
      indicators: this.index.size,
      ...this.stats,
      feeds: [...this.feeds.values()].map((f) => ({
        name: f.cfg.name,
        rule_id: f.meta.id,
        indicators: f.keys.size,
        invalid: f.invalid,
        unsupported: f.unsupported,
        ...(f.loadedAt !== undefined ? { loaded_at: new Date(f.loadedAt).toISOString() } : {}),
        ...(f.lastError !== undefined ? { error: f.lastError } : {}),
      })),
    };
  }
}

/** The ECS `threat.enrichments` entry of a match. */
function enrichment(m: IntelMatch, now: number): EcsEvent {
  const i = m.indicator;
  const indicator: EcsEvent = { type: i.type === 'ip' || i.type === 'cidr' ? (i.value.includes(':') ? 'ipv6-addr' : 'ipv4-addr') : STIX_TYPE[i.type], provider: i.feed };
  if (i.type === 'ip') indicator['ip'] = i.value;
  else if (i.type === 'cidr') indicator['description'] = `network ${i.value}`;
  else if (i.type === 'domain') indicator['url'] = { domain: i.value };
  else if (i.type === 'url') indicator['url'] = { full: i.value };
  else indicator['file'] = { hash: { [i.hash ?? 'sha256']: i.value } };
  if (i.description !== undefined) indicator['description'] = i.description;
  if (i.ref !== undefined) indicator['reference'] = i.ref;
  return { indicator, matched: { atomic: m.atomic, field: m.field, type: 'indicator_match_rule', occurred: new Date(now).toISOString() }, feed: { name: i.feed } };
}

function quoted(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Query terms that find events holding an indicator (confirmed afterwards by the same lookups as the stream). */
function huntTerms(i: Indicator): string[] {
  switch (i.type) {
    case 'ip':
    case 'cidr':
      return IP_FIELDS.slice(0, 4).map((f) => `${f}:${quoted(i.value)}`);
    case 'domain':
      return [F.urlDomain, 'destination.domain', 'dns.question.name'].map((f) => `${f}:${quoted(i.value)}`);
    case 'url':
      return URL_FIELDS.map((f) => `${f}:${quoted(i.value)}`);
    case 'hash':
      return [`file.hash.${i.hash ?? 'sha256'}:${quoted(i.value)}`, `process.hash.${i.hash ?? 'sha256'}:${quoted(i.value)}`];
  }
}
