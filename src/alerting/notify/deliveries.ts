import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/*
 * Deliveries, kept in DATA_DIR/notify.db: every message a channel owes, with its status and attempts. A delivery
 * that was pending or retrying when the process stopped is sent after the restart. Rate-limited alerts are rows too
 * (status rate_limited), so an alert storm is visible here and never silently lost.
 */

export type DeliveryStatus = 'pending' | 'retrying' | 'sent' | 'failed' | 'rate_limited';

export interface DeliveryRow {
  id: number;
  alert_id: string | null;
  channel: string;
  change: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  at: number;
  updated_at: number;
  next_at: number;
  /** the message's data: the alert (JSON), or for a digest the summary */
  payload: string;
  /** a digest: how many rate-limited alerts it summarises */
  digest_of: number | null;
}

/** The API shape (GET /api/v1/notifications/deliveries). */
export interface DeliveryView {
  id: number;
  alert_id: string | null;
  channel: string;
  change: string;
  status: DeliveryStatus;
  attempts: number;
  last_error?: string;
  at: string;
  updated_at: string;
  next_attempt_at?: string;
  digest_of?: number;
}

export function viewOf(r: DeliveryRow): DeliveryView {
  return {
    id: r.id,
    alert_id: r.alert_id,
    channel: r.channel,
    change: r.change,
    status: r.status,
    attempts: r.attempts,
    ...(r.last_error !== null ? { last_error: r.last_error } : {}),
    at: new Date(r.at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
    ...(r.status === 'pending' || r.status === 'retrying' ? { next_attempt_at: new Date(r.next_at).toISOString() } : {}),
    ...(r.digest_of !== null ? { digest_of: r.digest_of } : {}),
  };
}

export interface NewDelivery {
  alertId: string | null;
  channel: string;
  change: string;
  status: DeliveryStatus;
  now: number;
  payload: string;
  digestOf?: number;
}

export interface DeliveryFilter {
  alertId?: string;
  status?: string;
  channel?: string;
  limit?: number;
}

export class DeliveryStore {
  private readonly db: Database.Database;
  private readonly insertStmt: Database.Statement;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS deliveries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      alert_id TEXT, channel TEXT NOT NULL, change TEXT NOT NULL, status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
      next_at INTEGER NOT NULL, payload TEXT NOT NULL, digest_of INTEGER);
      CREATE INDEX IF NOT EXISTS deliveries_alert ON deliveries(alert_id);
      CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(status, next_at);`);
    this.insertStmt = this.db.prepare(
      'INSERT INTO deliveries (alert_id, channel, change, status, attempts, at, updated_at, next_at, payload, digest_of) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)',
    );
  }

  add(d: NewDelivery): number {
    const r = this.insertStmt.run(d.alertId, d.channel, d.change, d.status, d.now, d.now, d.now, d.payload, d.digestOf ?? null);
    return Number(r.lastInsertRowid);
  }

  /** Inserts many in one transaction (an alert storm costs one commit per batch, not one per row); answers the ids. */
  addMany(ds: readonly NewDelivery[]): number[] {
    return this.db.transaction(() => ds.map((d) => this.add(d)))();
  }

  get(id: number): DeliveryRow | undefined {
    return this.db.prepare('SELECT * FROM deliveries WHERE id = ?').get(id) as DeliveryRow | undefined;
  }

  /** Deliveries still owed (pending or retrying), oldest first; after a restart these are sent again. */
  owed(limit = 10_000): DeliveryRow[] {
    return this.db.prepare("SELECT * FROM deliveries WHERE status IN ('pending', 'retrying') ORDER BY next_at, id LIMIT ?").all(limit) as DeliveryRow[];
  }

  attempted(id: number, outcome: { status: DeliveryStatus; error?: string; nextAt?: number; now: number }): void {
    this.db
      .prepare('UPDATE deliveries SET status = ?, attempts = attempts + 1, last_error = ?, next_at = ?, updated_at = ? WHERE id = ?')
      .run(outcome.status, outcome.error?.slice(0, 2000) ?? null, outcome.nextAt ?? outcome.now, outcome.now, id);
  }

  list(f: DeliveryFilter): DeliveryRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (f.alertId !== undefined) {
      where.push('alert_id = ?');
      args.push(f.alertId);
    }
    if (f.status !== undefined) {
      where.push('status = ?');
      args.push(f.status);
    }
    if (f.channel !== undefined) {
      where.push('channel = ?');
      args.push(f.channel);
    }
    args.push(Math.max(1, Math.min(f.limit ?? 1000, 10_000)));
    const sql = `SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.db.prepare(sql).all(...args) as DeliveryRow[];
  }

  counts(): Record<string, number> {
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status').all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Deletes finished deliveries (sent, failed, rate-limited) older than `before`. */
  prune(before: number): number {
    return this.db.prepare("DELETE FROM deliveries WHERE at < ? AND status IN ('sent', 'failed', 'rate_limited')").run(before).changes;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
