import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ComponentTelemetry, Telemetry } from '../core/telemetry.js';
import type { AssetStore } from '../enrich/assets-store.js';
import type { AssetInventory } from '../enrich/assets.js';
import { getPath, setPath, type EcsEvent } from '../schema/event.js';
import { SEVERITY } from '../detect/alerts.js';
import type { AlertingConfig } from './config.js';
import type { AlertingDb } from './db.js';
import { alertEntities, entitiesJson, entityKeys, groupEntity } from './entities.js';
import { riskScore } from './risk.js';
import { suppressionOf, suppresses, type Suppression, type SuppressionRow } from './suppress.js';
import { AlertBook } from './triage.js';
import type { AlertChange, AlertEntities, AlertListener } from './types.js';
import { triaged, type AlertRow } from './view.js';

/*
 * The alert queue sits between detection and the store. For each alert document: suppression (per entity), building
 * block or not, the assets involved, the risk score, grouping (same rule and entity within the group window: one
 * alert, count + 1), the entity risk ledger (crossing the threshold raises an entity risk alert). New alerts are then
 * stored in the event store (hash-chained, searchable) with their risk, entities and assets stamped on, and every
 * listener hears of them. A listener that throws is counted, never allowed to break the queue.
 */

export const ENTITY_RISK_RULE = { id: 'vigil-entity-risk', name: 'Entity risk above threshold', level: 'high' } as const;
const MAX_EVIDENCE_IDS = 100;
const MAX_ASSETS = 20;
const MAX_BATCH = 100_000;

export interface QueueOptions {
  db: AlertingDb;
  assets: AssetStore;
  config: AlertingConfig;
  /** where new alert documents are stored (pipeline.submitEvents); none: the queue alone (tests, CLI) */
  store?: (docs: EcsEvent[]) => Promise<unknown>;
  /** the Sigma status of a rule (for the confidence factor) */
  ruleStatus?: (ruleId: string) => string | undefined;
  now?: () => number;
  log?: (m: string) => void;
  /** counts alert documents received, alerts stored, suppressed ones (an intentional drop) and listener errors */
  telemetry?: Telemetry;
}

export interface QueueStats {
  accepted: number;
  created: number;
  grouped: number;
  suppressed: number;
  building_blocks: number;
  entity_alerts: number;
  listener_errors: number;
  store_errors: number;
}

interface MatchedAsset {
  name: string;
  kind: string;
  criticality: number;
  field: string;
  value: string;
  owner?: string;
  environment?: string;
  tags: string[];
}

interface Change {
  row: AlertRow;
  change: AlertChange;
}

export class AlertQueue {
  readonly book: AlertBook;
  private readonly listeners = new Set<AlertListener>();
  private readonly now: () => number;
  private readonly log: (m: string) => void;
  private readonly bbTags: Set<string>;
  readonly stats: QueueStats = { accepted: 0, created: 0, grouped: 0, suppressed: 0, building_blocks: 0, entity_alerts: 0, listener_errors: 0, store_errors: 0 };
  private readonly stmts: {
    findGroup: Database.Statement;
    insert: Database.Statement;
    group: Database.Statement;
    known: Database.Statement;
    riskAdd: Database.Statement;
    riskPrune: Database.Statement;
    riskSum: Database.Statement;
    suppressions: Database.Statement;
    suppressHit: Database.Statement;
  };
  private lastPrune = 0;
  private readonly tel: ComponentTelemetry | undefined;

  constructor(private readonly opts: QueueOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.bbTags = new Set(opts.config.building_block_tags.map((t) => t.toLowerCase()));
    this.tel = opts.telemetry?.component('alert_queue', 'transform');
    this.book = new AlertBook(opts.db, this.now, (row) => this.emit([{ row, change: 'status' }]));
    const db = opts.db;
    this.stmts = {
      findGroup: db.prepare("SELECT * FROM alerts WHERE group_key = ? AND status != 'closed' ORDER BY last_seen DESC LIMIT 1"),
      insert: db.prepare(
        `INSERT INTO alerts(id, rule_id, rule_name, level, severity, risk, status, assignee, close_reason, group_key, count, first_seen, last_seen,
           building_block, entities, entity_text, assets, asset_text, evidence_ids, doc, created, updated)
         VALUES (@id, @rule_id, @rule_name, @level, @severity, @risk, 'open', NULL, NULL, @group_key, 1, @first_seen, @last_seen,
           @building_block, @entities, @entity_text, @assets, @asset_text, @evidence_ids, @doc, @created, @created)`,
      ),
      group: db.prepare('UPDATE alerts SET count = count + 1, first_seen = ?, last_seen = ?, risk = ?, evidence_ids = ?, updated = ? WHERE id = ?'),
      known: db.prepare('SELECT 1 FROM alerts WHERE id = ?'),
      riskAdd: db.prepare('INSERT INTO risk(entity, at, points, alert_id) VALUES (?, ?, ?, ?) ON CONFLICT(entity, at, alert_id) DO UPDATE SET points = points + excluded.points'),
      riskPrune: db.prepare('DELETE FROM risk WHERE at < ?'),
      riskSum: db.prepare('SELECT coalesce(sum(points), 0) AS s FROM risk WHERE entity = ? AND at > ? AND at <= ?'),
      suppressions: db.prepare('SELECT * FROM suppressions WHERE until IS NULL OR until > ?'),
      suppressHit: db.prepare('UPDATE suppressions SET hits = hits + 1, last_hit = ? WHERE id = ?'),
    };
  }

  /** Subscribes a listener (notification, response); answers the unsubscribe function. */
  subscribe(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The asset lookup in force (for response allowlists and notification routing). */
  get inventory(): AssetInventory {
    return this.opts.assets.inventory();
  }

  /** The asset inventory with its edits (GET/PUT /assets, `vigil assets`). */
  get assets(): AssetStore {
    return this.opts.assets;
  }

  /** Takes alert documents from detection: triage, then store the new ones and tell the listeners. */
  async accept(docs: readonly EcsEvent[]): Promise<void> {
    this.tel?.received(docs.length);
    const { changes, toStore } = this.triage(docs, true);
    if (toStore.length > 0 && this.opts.store) {
      try {
        await this.opts.store(toStore);
        this.tel?.sent(toStore.length);
      } catch (err) {
        this.stats.store_errors++;
        this.tel?.error('alert_store_failed', 'store');
        this.log(`alerting: ${toStore.length} alert document(s) not stored: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.emit(changes);
  }

  /** Takes alert documents already in the event store (raised by `vigil ingest`): triage only, nothing stored again. */
  adopt(docs: readonly EcsEvent[]): number {
    const fresh = docs.filter((d) => {
      const id = getPath(d, 'event.id');
      return typeof id === 'string' && this.stmts.known.get(id) === undefined;
    });
    const { changes } = this.triage(fresh, false);
    this.emit(changes);
    return fresh.length;
  }

  private emit(changes: readonly Change[]): void {
    for (const { row, change } of changes) {
      if (row.building_block === 1 || this.listeners.size === 0) continue;
      const alert = triaged(row);
      for (const l of this.listeners) {
        try {
          l(alert, change);
        } catch (err) {
          this.stats.listener_errors++;
          this.tel?.error('listener_failed', 'listener');
          this.log(`alerting: a listener failed on alert ${row.id}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  }

  private triage(docs: readonly EcsEvent[], stamp: boolean): { changes: Change[]; toStore: EcsEvent[] } {
    const changes: Change[] = [];
    const toStore: EcsEvent[] = [];
    const now = this.now();
    const inv = this.opts.assets.inventory();
    const cfg = this.opts.config;
    const windowMs = cfg.risk_window_minutes * 60_000;
    this.opts.db.transaction(() => {
      if (now - this.lastPrune > 60_000) {
        this.stmts.riskPrune.run(now - windowMs - 86_400_000);
        this.lastPrune = now;
      }
      const active = (this.stmts.suppressions.all(now) as SuppressionRow[]).map(suppressionOf);
      const work = docs.slice(0, MAX_BATCH).map((d) => ({ doc: d, entityAlert: false }));
      for (let i = 0; i < work.length; i++) {
        const { doc, entityAlert } = work[i] as { doc: EcsEvent; entityAlert: boolean };
        const r = this.one(doc, entityAlert, stamp, inv, active, now, windowMs);
        if (!r) continue;
        changes.push(r.change);
        if (r.store) toStore.push(r.store);
        for (const e of r.raise) work.push({ doc: e, entityAlert: true });
      }
    })();
    return { changes, toStore };
  }

  private one(
    doc: EcsEvent,
    entityAlert: boolean,
    stamp: boolean,
    inv: AssetInventory,
    active: Suppression[],
    now: number,
    windowMs: number,
  ): { change: Change; store?: EcsEvent; raise: EcsEvent[] } | undefined {
    this.stats.accepted++;
    const ruleId = str(getPath(doc, 'rule.id')) ?? 'unknown';
    const ruleName = str(getPath(doc, 'rule.name')) ?? ruleId;
    const level = str(getPath(doc, 'vigil.alert.level')) ?? 'medium';
    const sev = getPath(doc, 'event.severity');
    const severity = typeof sev === 'number' && Number.isFinite(sev) ? sev : (SEVERITY[level] ?? 50);
    const ts = Date.parse(String(doc['@timestamp']));
    const t = Number.isFinite(ts) ? ts : now;
    const entities = alertEntities(doc);
    for (const s of active) {
      if (suppresses(s, ruleId, entities, doc)) {
        this.stats.suppressed++;
        this.tel?.dropped(1, 'suppressed', true);
        this.stmts.suppressHit.run(now, s.id);
        return undefined;
      }
    }
    const tags = getPath(doc, 'tags');
    const bb = level === 'informational' || (Array.isArray(tags) && tags.some((x) => typeof x === 'string' && this.bbTags.has(x.toLowerCase())));
    const assets = matchAssets(inv, entities);
    const keys = entityKeys(entities);
    const groupKey = `${ruleId}\n${groupEntity(doc, entities)}`;
    const existing = this.stmts.findGroup.get(groupKey) as AlertRow | undefined;
    const groupMs = this.opts.config.group_window_minutes * 60_000;
    const evidence = (getPath(doc, 'vigil.alert.evidence_ids') as unknown[] | undefined)?.filter((x): x is string => typeof x === 'string') ?? [];
    let row: AlertRow;
    let change: AlertChange;
    let store: EcsEvent | undefined;
    if (existing && t <= existing.last_seen + groupMs && t >= existing.first_seen - groupMs) {
      // a repeat: counted; its risk is the alert's (scored when it was raised)
      let idsJson = existing.evidence_ids;
      if (evidence.length > 0) {
        const ids = JSON.parse(existing.evidence_ids) as string[];
        if (ids.length < MAX_EVIDENCE_IDS) {
          for (const id of evidence) if (ids.length < MAX_EVIDENCE_IDS && !ids.includes(id)) ids.push(id);
          idsJson = JSON.stringify(ids);
        }
      }
      const first = Math.min(existing.first_seen, t);
      const last = Math.max(existing.last_seen, t);
      this.stmts.group.run(first, last, existing.risk, idsJson, now, existing.id);
      row = { ...existing, count: existing.count + 1, first_seen: first, last_seen: last, evidence_ids: idsJson, updated: now };
      change = 'grouped';
      this.stats.grouped++;
    } else {
      const recent = keys.length > 0 ? this.recentAlerts(keys, t, windowMs) : 0;
      const risk = riskScore({ severity, criticalities: assets.map((a) => a.criticality), status: this.opts.ruleStatus?.(ruleId), recentAlerts: recent });
      let id = str(getPath(doc, 'event.id'));
      if (id === undefined || this.stmts.known.get(id) !== undefined) {
        id = randomUUID();
        setPath(doc, 'event.id', id);
      }
      const assetsJson = assets.slice(0, MAX_ASSETS);
      setPath(doc, 'event.risk_score', risk);
      setPath(doc, 'vigil.alert.entities', entitiesJson(entities));
      setPath(doc, 'vigil.alert.assets', assetsJson);
      setPath(doc, 'vigil.alert.building_block', bb);
      setPath(doc, 'vigil.alert.count', 1);
      setPath(doc, 'vigil.alert.first_seen', new Date(t).toISOString());
      setPath(doc, 'vigil.alert.last_seen', new Date(t).toISOString());
      row = {
        id,
        rule_id: ruleId,
        rule_name: ruleName,
        level,
        severity,
        risk,
        status: 'open',
        assignee: null,
        close_reason: null,
        group_key: groupKey,
        count: 1,
        first_seen: t,
        last_seen: t,
        building_block: bb ? 1 : 0,
        entities: JSON.stringify(entitiesJson(entities)),
        entity_text: `\n${[...entities.sourceIp, ...entities.destinationIp, ...entities.userName, ...entities.hostName].map((v) => v.toLowerCase()).join('\n')}\n`,
        assets: JSON.stringify(assetsJson),
        asset_text: `\n${assetsJson.map((a) => a.name.toLowerCase()).join('\n')}\n`,
        evidence_ids: JSON.stringify(evidence.slice(0, MAX_EVIDENCE_IDS)),
        doc: JSON.stringify(doc),
        created: now,
        updated: now,
      };
      this.stmts.insert.run(row);
      change = 'new';
      this.stats.created++;
      if (bb) this.stats.building_blocks++;
      if (entityAlert) this.stats.entity_alerts++;
      if (stamp) store = doc;
    }
    const raise = entityAlert ? [] : this.addRisk(keys, t, windowMs, row.risk / row.count, row.id, now);
    return { change: { row, change }, ...(store ? { store } : {}), raise };
  }

  /** Earlier alerts (distinct) about any of the entities within the window before t. */
  private recentAlerts(keys: readonly string[], t: number, windowMs: number): number {
    const ks = keys.slice(0, 80);
    const sql = `SELECT count(DISTINCT alert_id) AS n FROM risk WHERE entity IN (${ks.map(() => '?').join(',')}) AND at > ? AND at <= ?`;
    return (this.opts.db.prepare(sql).get(...ks, t - windowMs, t) as { n: number }).n;
  }

  /**
   * Adds points to each entity's ledger; answers the entity risk alerts for entities whose sum over the window crossed
   * the threshold with this addition (a repeat of a grouped alert adds risk / count: many repeats add slowly).
   */
  private addRisk(keys: readonly string[], t: number, windowMs: number, points: number, alertId: string, now: number): EcsEvent[] {
    const out: EcsEvent[] = [];
    const threshold = this.opts.config.risk_threshold;
    const sum = this.stmts.riskSum;
    for (const k of keys.slice(0, 80)) {
      const before = (sum.get(k, t - windowMs, t) as { s: number }).s;
      const p = Math.round(points * 100) / 100;
      this.stmts.riskAdd.run(k, Math.floor(t / 60_000) * 60_000, p, alertId);
      if (before < threshold && before + p >= threshold) out.push(this.entityAlertDoc(k, Math.round(before + p), t, windowMs, now));
    }
    return out;
  }

  private entityAlertDoc(key: string, total: number, t: number, windowMs: number, now: number): EcsEvent {
    const eq = key.indexOf('=');
    const field = key.slice(0, eq);
    const value = key.slice(eq + 1);
    const ids = (this.opts.db.prepare('SELECT DISTINCT alert_id FROM risk WHERE entity = ? AND at > ? AND at <= ? LIMIT ?').all(key, t - windowMs, t, MAX_EVIDENCE_IDS) as { alert_id: string }[]).map((r) => r.alert_id);
    const hours = Math.round((windowMs / 3_600_000) * 10) / 10;
    const explanation = `accumulated risk ${total} within ${hours} h reached the threshold ${this.opts.config.risk_threshold} (${ids.length} alert(s))`;
    const doc: EcsEvent = {
      '@timestamp': new Date(t).toISOString(),
      event: { id: randomUUID(), kind: 'alert', dataset: 'vigil.alert', created: new Date(now).toISOString(), severity: SEVERITY[ENTITY_RISK_RULE.level] ?? 75, reason: explanation },
      message: `${ENTITY_RISK_RULE.name} (${field}=${value})`,
      rule: { id: ENTITY_RISK_RULE.id, name: ENTITY_RISK_RULE.name, ruleset: 'vigil', category: 'entity_risk' },
      tags: [],
      vigil: { alert: { status: 'open', level: ENTITY_RISK_RULE.level, explanation: [explanation], value: total, evidence: [], evidence_ids: ids } },
    };
    const group: EcsEvent = {};
    setPath(group, field, value);
    setPath(doc, 'vigil.alert.group', group);
    setPath(doc, field, value);
    return doc;
  }

  /** Alerts the event store holds that the queue has not seen (raised by `vigil ingest`): triage them. */
  adoptable(doc: EcsEvent): boolean {
    return getPath(doc, 'vigil.alert.first_seen') === undefined;
  }

  /** For listeners' bookkeeping: the alert as listeners see it. */
  triagedById(id: string): ReturnType<typeof triaged> | undefined {
    const row = this.book.row(id);
    return row ? triaged(row) : undefined;
  }
}


function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The assets an alert involves, most critical first, one entry per asset. */
function matchAssets(inv: AssetInventory, e: AlertEntities): MatchedAsset[] {
  const seen = new Map<string, MatchedAsset>();
  const take = (field: string, values: readonly string[], as: 'ip' | 'host' | 'user'): void => {
    for (const v of values) {
      const a = inv.lookup(as, v);
      if (!a || seen.has(a.name)) continue;
      const m: MatchedAsset = { name: a.name, kind: a.kind, criticality: a.criticality, field, value: v, tags: a.tags };
      if (a.owner !== undefined) m.owner = a.owner;
      if (a.environment !== undefined) m.environment = a.environment;
      seen.set(a.name, m);
    }
  };
  take('source.ip', e.sourceIp, 'ip');
  take('destination.ip', e.destinationIp, 'ip');
  take('host.name', e.hostName, 'host');
  take('user.name', e.userName, 'user');
  return [...seen.values()].sort((a, b) => b.criticality - a.criticality);
}
