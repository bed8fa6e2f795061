import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/*
 * DATA_DIR/response.db: the audit of every action and its undo (actions), the blocks in force (blocks, which survive
 * a restart with the exact unblock command to run), and earlier blocks per address (offenders, for escalation).
 */

export type ActionKind = 'block' | 'unblock' | 'webhook' | 'script';
/** ok: done; dry_run: audited, not run; failed: ran and failed; skipped: refused (allowlist, bad address) */
export type ActionStatus = 'ok' | 'dry_run' | 'failed' | 'skipped';

export interface ActionRow {
  id: number;
  alert_id: string | null;
  action: ActionKind;
  name: string;
  target: string;
  dry_run: number;
  status: ActionStatus;
  at: number;
  expires_at: number | null;
  undone_at: number | null;
  command: string | null;
  output: string | null;
  who: string;
}

export interface BlockRow {
  target: string;
  ip: string;
  name: string;
  alert_id: string | null;
  action_id: number;
  dry_run: number;
  at: number;
  expires_at: number;
  ttl_s: number;
  /** argv (JSON) that lifts the block, resolved when it was made */
  unblock: string;
  attempts: number;
  next_try: number;
  last_error: string | null;
}

export interface ActionView {
  id: number;
  alert_id: string | null;
  action: ActionKind;
  name: string;
  target: string;
  dry_run: boolean;
  status: ActionStatus;
  at: string;
  who: string;
  expires_at?: string;
  undone_at?: string;
  command?: string[];
  output?: string;
}

export interface BlockView {
  target: string;
  ip: string;
  action: string;
  alert_id: string | null;
  action_id: number;
  dry_run: boolean;
  at: string;
  expires_at: string;
  ttl_seconds: number;
  unblock_attempts: number;
  last_error?: string;
}

const iso = (t: number): string => new Date(t).toISOString();

export function actionView(r: ActionRow): ActionView {
  return {
    id: r.id,
    alert_id: r.alert_id,
    action: r.action,
    name: r.name,
    target: r.target,
    dry_run: r.dry_run === 1,
    status: r.status,
    at: iso(r.at),
    who: r.who,
    ...(r.expires_at !== null ? { expires_at: iso(r.expires_at) } : {}),
    ...(r.undone_at !== null ? { undone_at: iso(r.undone_at) } : {}),
    ...(r.command !== null ? { command: JSON.parse(r.command) as string[] } : {}),
    ...(r.output !== null && r.output !== '' ? { output: r.output } : {}),
  };
}

export function blockView(b: BlockRow): BlockView {
  return {
    target: b.target,
    ip: b.ip,
    action: b.name,
    alert_id: b.alert_id,
    action_id: b.action_id,
    dry_run: b.dry_run === 1,
    at: iso(b.at),
    expires_at: iso(b.expires_at),
    ttl_seconds: b.ttl_s,
    unblock_attempts: b.attempts,
    ...(b.last_error !== null ? { last_error: b.last_error } : {}),
  };
}

export class ResponseAudit {
  private readonly db: Database.Database;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS actions (
      id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT, action TEXT NOT NULL, name TEXT NOT NULL, target TEXT NOT NULL,
      dry_run INTEGER NOT NULL, status TEXT NOT NULL, at INTEGER NOT NULL, expires_at INTEGER, undone_at INTEGER,
      command TEXT, output TEXT, who TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS actions_alert ON actions(alert_id);
    CREATE INDEX IF NOT EXISTS actions_target ON actions(target);
    CREATE TABLE IF NOT EXISTS blocks (
      target TEXT PRIMARY KEY, ip TEXT NOT NULL, name TEXT NOT NULL, alert_id TEXT, action_id INTEGER NOT NULL,
      dry_run INTEGER NOT NULL, at INTEGER NOT NULL, expires_at INTEGER NOT NULL, ttl_s INTEGER NOT NULL,
      unblock TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_try INTEGER NOT NULL, last_error TEXT);
    CREATE TABLE IF NOT EXISTS offenders (target TEXT PRIMARY KEY, count INTEGER NOT NULL, last_at INTEGER NOT NULL);`);
  }

  record(a: Omit<ActionRow, 'id' | 'undone_at'>): number {
    const r = this.db
      .prepare(
        'INSERT INTO actions (alert_id, action, name, target, dry_run, status, at, expires_at, command, output, who) VALUES (@alert_id, @action, @name, @target, @dry_run, @status, @at, @expires_at, @command, @output, @who)',
      )
      .run({ ...a, output: a.output?.slice(0, 4096) ?? null });
    return Number(r.lastInsertRowid);
  }

  addBlock(b: Omit<BlockRow, 'attempts' | 'last_error' | 'next_try'>): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO blocks (target, ip, name, alert_id, action_id, dry_run, at, expires_at, ttl_s, unblock, attempts, next_try, last_error) VALUES (@target, @ip, @name, @alert_id, @action_id, @dry_run, @at, @expires_at, @ttl_s, @unblock, 0, @expires_at, NULL)',
      )
      .run(b);
  }

  block(target: string): BlockRow | undefined {
    return this.db.prepare('SELECT * FROM blocks WHERE target = ?').get(target) as BlockRow | undefined;
  }

  blocksOf(alertId: string): BlockRow[] {
    return this.db.prepare('SELECT * FROM blocks WHERE alert_id = ?').all(alertId) as BlockRow[];
  }

  blocks(): BlockRow[] {
    return this.db.prepare('SELECT * FROM blocks ORDER BY expires_at').all() as BlockRow[];
  }

  /** Blocks due to be lifted (expired, and not waiting for a retry of a failed unblock). */
  due(now: number): BlockRow[] {
    return this.db.prepare('SELECT * FROM blocks WHERE expires_at <= ? AND next_try <= ? ORDER BY expires_at LIMIT 1000').all(now, now) as BlockRow[];
  }

  /** The block is lifted: it leaves `blocks` and its block action gets its undone_at. */
  lifted(b: BlockRow, now: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM blocks WHERE target = ?').run(b.target);
      this.db.prepare('UPDATE actions SET undone_at = ? WHERE id = ?').run(now, b.action_id);
    })();
  }

  unblockFailed(target: string, error: string, nextTry: number): void {
    this.db.prepare('UPDATE blocks SET attempts = attempts + 1, last_error = ?, next_try = ? WHERE target = ?').run(error.slice(0, 2000), nextTry, target);
  }

  /** Counts one more block of `target`, forgetting earlier ones older than the window; answers the earlier count. */
  offend(target: string, now: number, windowMs: number): number {
    const row = this.db.prepare('SELECT count, last_at FROM offenders WHERE target = ?').get(target) as { count: number; last_at: number } | undefined;
    const before = row && now - row.last_at <= windowMs ? row.count : 0;
    this.db.prepare('INSERT OR REPLACE INTO offenders (target, count, last_at) VALUES (?, ?, ?)').run(target, before + 1, now);
    return before;
  }

  actions(f: { alertId?: string; target?: string; limit?: number }): ActionRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (f.alertId !== undefined) {
      where.push('alert_id = ?');
      args.push(f.alertId);
    }
    if (f.target !== undefined) {
      where.push('target = ?');
      args.push(f.target);
    }
    args.push(Math.max(1, Math.min(f.limit ?? 1000, 10_000)));
    return this.db.prepare(`SELECT * FROM actions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`).all(...args) as ActionRow[];
  }

  prune(before: number): void {
    this.db.prepare('DELETE FROM actions WHERE at < ? AND id NOT IN (SELECT action_id FROM blocks)').run(before);
    this.db.prepare('DELETE FROM offenders WHERE last_at < ?').run(before);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
