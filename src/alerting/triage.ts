import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { VigilError } from '../core/errors.js';
import { parseTimeArg } from '../core/time.js';
import { canonicalIp } from '../query/cidr.js';
import { describeZod } from '../enrich/assets-config.js';
import type { AlertingDb } from './db.js';
import { parseSuppression, suppressionOf, type Suppression, type SuppressionRow } from './suppress.js';
import { alertJson, type AlertJson, type AlertRow, type CommentEntry, type HistoryEntry } from './view.js';

/*
 * Triage over the alerting database: listing (filters, risk order), one alert with its history and comments, status
 * changes (open → acknowledged → closed with a reason, reopen), assignee, comments, suppressions. Used by the HTTP API
 * and by `vigil alerts` on the same database, so both answer the same JSON.
 */

export const MAX_LIST = 10_000;
const ID = /^[A-Za-z0-9-]{1,128}$/;
const WHO = /^[A-Za-z0-9._@:-]{1,64}$/;

export interface AlertList {
  total: number;
  total_relation: 'eq';
  alerts: AlertJson[];
}

export interface ListQuery {
  status?: string | undefined;
  min_severity?: string | undefined;
  min_risk?: string | undefined;
  rule?: string | undefined;
  entity?: string | undefined;
  asset?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: string | undefined;
  sort?: string | undefined;
  building_blocks?: string | undefined;
}

export const StatusChangeSchema = z.strictObject({
  status: z.enum(['open', 'acknowledged', 'closed']),
  reason: z.enum(['true_positive', 'false_positive', 'benign']).optional(),
  comment: z.string().min(1).max(4096).optional(),
  assignee: z.union([z.string().regex(WHO, 'an assignee of letters, digits and . _ @ : - (at most 64)'), z.null()]).optional(),
});
export type StatusChange = z.infer<typeof StatusChangeSchema>;

export const BulkStatusSchema = z.strictObject({
  ids: z.array(z.string().min(1).max(128)).min(1).max(MAX_LIST),
  status: StatusChangeSchema.shape.status,
  reason: StatusChangeSchema.shape.reason,
  comment: StatusChangeSchema.shape.comment,
  assignee: StatusChangeSchema.shape.assignee,
});

const CommentSchema = z.strictObject({ text: z.string().min(1).max(4096) });

function bad(message: string): VigilError {
  return new VigilError('VIGIL_ERR_BAD_REQUEST', message);
}

function int(v: string | undefined, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw bad(`${name} must be an integer from ${lo} to ${hi}`);
  return n;
}

/** The identity recorded in history: the X-Vigil-User header when valid, else the token's identity "admin". */
export function whoFrom(header: string | string[] | undefined): string {
  const h = Array.isArray(header) ? header[0] : header;
  if (h === undefined || h === '') return 'admin';
  if (!WHO.test(h)) throw bad('X-Vigil-User must be 1-64 letters, digits or . _ @ : -');
  return h;
}

export class AlertBook {
  constructor(
    private readonly db: AlertingDb,
    private readonly now: () => number,
    private readonly onChange: (row: AlertRow) => void = () => {},
  ) {}

  row(id: string): AlertRow | undefined {
    if (!ID.test(id)) return undefined;
    return this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
  }

  list(q: ListQuery): AlertList {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.building_blocks !== 'true') where.push('building_block = 0');
    if (q.status !== undefined && q.status !== '') {
      if (!['open', 'acknowledged', 'closed'].includes(q.status)) throw bad('status must be open, acknowledged or closed');
      where.push('status = ?');
      args.push(q.status);
    }
    const sev = int(q.min_severity, 'min_severity', 0, 100);
    if (sev !== undefined) where.push(`severity >= ${sev}`);
    const risk = int(q.min_risk, 'min_risk', 0, 100);
    if (risk !== undefined) where.push(`risk >= ${risk}`);
    if (q.rule !== undefined && q.rule !== '') {
      where.push('rule_id = ?');
      args.push(q.rule.slice(0, 256));
    }
    if (q.entity !== undefined && q.entity !== '') {
      where.push('instr(entity_text, ?) > 0');
      args.push(`\n${(canonicalIp(q.entity) ?? q.entity).toLowerCase().slice(0, 256)}\n`);
    }
    if (q.asset !== undefined && q.asset !== '') {
      where.push('instr(asset_text, ?) > 0');
      args.push(`\n${q.asset.toLowerCase().slice(0, 256)}\n`);
    }
    const now = this.now();
    if (q.from !== undefined && q.from !== '') {
      where.push('last_seen >= ?');
      args.push(parseTimeArg(q.from, now, 'from'));
    }
    if (q.to !== undefined && q.to !== '') {
      where.push('first_seen < ?');
      args.push(parseTimeArg(q.to, now, 'to'));
    }
    const limit = int(q.limit, 'limit', 0, MAX_LIST) ?? 100;
    const sort = q.sort ?? 'risk';
    if (sort !== 'risk' && sort !== 'time') throw bad('sort must be risk or time');
    if (q.building_blocks !== undefined && q.building_blocks !== 'true' && q.building_blocks !== 'false') throw bad('building_blocks must be true or false');
    const w = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const order = sort === 'risk' ? 'risk DESC, last_seen DESC, id' : 'last_seen DESC, id';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM alerts ${w}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM alerts ${w} ORDER BY ${order} LIMIT ?`).all(...args, limit) as AlertRow[];
    return { total, total_relation: 'eq', alerts: rows.map(alertJson) };
  }

  /** One alert with its history and comments. */
  get(id: string): AlertJson | undefined {
    const row = this.row(id);
    return row ? this.detail(row) : undefined;
  }

  private detail(row: AlertRow): AlertJson {
    const a = alertJson(row);
    const vigil = a['vigil'] as { alert: Record<string, unknown> };
    vigil.alert['history'] = this.history(row.id);
    vigil.alert['comments'] = this.comments(row.id);
    return a;
  }

  history(id: string): HistoryEntry[] {
    const rows = this.db.prepare('SELECT * FROM history WHERE alert_id = ? ORDER BY seq LIMIT 10000').all(id) as Array<{ at: number; who: string; action: string; from_value: string | null; to_value: string | null; reason: string | null; comment: string | null }>;
    return rows.map((r) => ({
      at: new Date(r.at).toISOString(),
      who: r.who,
      action: r.action,
      from: r.from_value,
      to: r.to_value,
      ...(r.reason !== null ? { reason: r.reason } : {}),
      ...(r.comment !== null ? { comment: r.comment } : {}),
    }));
  }

  comments(id: string): CommentEntry[] {
    const rows = this.db.prepare('SELECT at, who, text FROM comments WHERE alert_id = ? ORDER BY seq LIMIT 10000').all(id) as Array<{ at: number; who: string; text: string }>;
    return rows.map((r) => ({ at: new Date(r.at).toISOString(), who: r.who, text: r.text }));
  }

  /** Validates a status change body (400 with the field's path). */
  static parseChange(raw: unknown): StatusChange {
    const r = StatusChangeSchema.safeParse(raw);
    if (!r.success) throw bad(describeZod(r.error));
    return check(r.data);
  }

  static parseBulk(raw: unknown): StatusChange & { ids: string[] } {
    const r = BulkStatusSchema.safeParse(raw);
    if (!r.success) throw bad(describeZod(r.error));
    const { ids, ...rest } = r.data;
    const change = check(stripUndefined(rest));
    return { ...change, ids };
  }

  /** Applies a status change; answers the updated alert (with history), or undefined when there is no such alert. */
  setStatus(id: string, c: StatusChange, who: string): AlertJson | undefined {
    const row = this.applyOne(id, c, who);
    return row ? this.detail(row) : undefined;
  }

  setStatusMany(ids: readonly string[], c: StatusChange, who: string): { updated: number; missing: string[] } {
    const missing: string[] = [];
    let updated = 0;
    for (const id of [...new Set(ids)]) {
      if (this.applyOne(id, c, who)) updated++;
      else missing.push(id);
    }
    return { updated, missing };
  }

  private applyOne(id: string, c: StatusChange, who: string): AlertRow | undefined {
    const now = this.now();
    const r = this.db.transaction((): { row: AlertRow; changed: boolean } | undefined => {
      const row = this.row(id);
      if (!row) return undefined;
      const hist = this.db.prepare('INSERT INTO history(alert_id, at, who, action, from_value, to_value, reason, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      const next = { ...row };
      let noted = false;
      if (c.status !== row.status) {
        const action = c.status === 'closed' ? 'close' : c.status === 'acknowledged' ? 'acknowledge' : 'reopen';
        next.status = c.status;
        next.close_reason = c.status === 'closed' ? (c.reason ?? null) : null;
        hist.run(id, now, who, action, row.status, c.status, c.reason ?? null, c.comment ?? null);
        noted = true;
      } else if (c.status === 'closed' && c.reason !== undefined && c.reason !== row.close_reason) {
        next.close_reason = c.reason;
        hist.run(id, now, who, 'reason', row.close_reason, c.reason, c.reason, c.comment ?? null);
        noted = true;
      }
      if (c.assignee !== undefined && c.assignee !== row.assignee) {
        next.assignee = c.assignee;
        hist.run(id, now, who, 'assign', row.assignee, c.assignee, null, noted ? null : (c.comment ?? null));
        noted = true;
      }
      if (c.comment !== undefined) {
        this.db.prepare('INSERT INTO comments(alert_id, at, who, text) VALUES (?, ?, ?, ?)').run(id, now, who, c.comment);
        if (!noted) hist.run(id, now, who, 'comment', null, null, null, c.comment);
      }
      next.updated = now;
      this.db.prepare('UPDATE alerts SET status = ?, close_reason = ?, assignee = ?, updated = ? WHERE id = ?').run(next.status, next.close_reason, next.assignee, now, id);
      return { row: next, changed: next.status !== row.status || next.assignee !== row.assignee || next.close_reason !== row.close_reason };
    })();
    if (!r) return undefined;
    if (r.changed) this.onChange(r.row);
    return r.row;
  }

  addComment(id: string, raw: unknown, who: string): CommentEntry | undefined {
    const r = CommentSchema.safeParse(raw);
    if (!r.success) throw bad(describeZod(r.error));
    if (!this.row(id)) return undefined;
    const now = this.now();
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO comments(alert_id, at, who, text) VALUES (?, ?, ?, ?)').run(id, now, who, r.data.text);
      this.db.prepare('INSERT INTO history(alert_id, at, who, action, from_value, to_value, reason, comment) VALUES (?, ?, ?, ?, NULL, NULL, NULL, ?)').run(id, now, who, 'comment', r.data.text);
    })();
    return { at: new Date(now).toISOString(), who, text: r.data.text };
  }

  suppressions(): Suppression[] {
    return (this.db.prepare('SELECT * FROM suppressions ORDER BY created, id').all() as SuppressionRow[]).map(suppressionOf);
  }

  addSuppression(raw: unknown, who: string): Suppression {
    const now = this.now();
    const { input, until } = parseSuppression(raw, now);
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO suppressions(id, rule_id, entity, field_values, until, reason, created, who) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, input.rule_id ?? null, input.entity !== undefined ? (canonicalIp(input.entity) ?? input.entity) : null, input.field_values ? JSON.stringify(input.field_values) : null, until, input.reason, now, who);
    return suppressionOf(this.db.prepare('SELECT * FROM suppressions WHERE id = ?').get(id) as SuppressionRow);
  }

  /** Adds the configured suppressions that are not there yet (same reason, rule, entity and field values). */
  seedSuppressions(list: readonly unknown[]): number {
    let n = 0;
    const have = new Set(this.suppressions().map((s) => JSON.stringify([s.reason, s.rule_id ?? null, s.entity ?? null, s.field_values ?? null])));
    for (const raw of list) {
      const { input } = parseSuppression(raw, this.now());
      const entity = input.entity !== undefined ? (canonicalIp(input.entity) ?? input.entity) : null;
      if (have.has(JSON.stringify([input.reason, input.rule_id ?? null, entity, input.field_values ?? null]))) continue;
      this.addSuppression(raw, 'config');
      n++;
    }
    return n;
  }

  deleteSuppression(id: string): boolean {
    if (!ID.test(id)) return false;
    return this.db.prepare('DELETE FROM suppressions WHERE id = ?').run(id).changes > 0;
  }
}

function check(c: StatusChange): StatusChange {
  if (c.status === 'closed' && c.reason === undefined) throw bad('reason: closing an alert needs a reason (true_positive, false_positive or benign)');
  if (c.status !== 'closed' && c.reason !== undefined) throw bad('reason: only a close has a reason');
  return c;
}

function stripUndefined<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
