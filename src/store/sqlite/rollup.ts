import type Database from 'better-sqlite3';
import { compileFilter } from '../../query/compile.js';
import type { FieldRef, SqlFragment, SqlTarget } from '../../query/target.js';
import { F } from '../../schema/fields.js';
import { fieldType } from '../../schema/types.js';
import type { AggregateRequest } from '../store.js';
import { hasTable } from './open.js';

/*
 * Rollups: a sealed partition keeps the count of its events per minute, event.dataset and event.outcome (built once
 * at sealing, a few thousand rows for 100,000 events). A count over time buckets of whole minutes, grouped and
 * filtered by nothing but those two fields, reads the rollup instead of every event: the dashboard queries
 * (`* | timechart span=1h count()`, `… by event.outcome`, `event.dataset:sshd | timechart …`) over weeks.
 */

export const ROLLUP_MS = 60_000;

export const ROLLUP_TABLE_DDL = 'CREATE TABLE IF NOT EXISTS rollup_1m(m INTEGER NOT NULL, dataset TEXT, outcome TEXT, n INTEGER NOT NULL)';

/** The rollup built from the events (the writer counts it instead for the partitions it filled: rollup-counter.ts). */
export const ROLLUP_DDL = `
${ROLLUP_TABLE_DDL};
INSERT INTO rollup_1m(m, dataset, outcome, n) SELECT ts / ${ROLLUP_MS}, dataset, outcome, count(*) FROM events GROUP BY 1, 2, 3;`;

const COLUMN: ReadonlyMap<string, string> = new Map([
  [F.eventDataset, 'r.dataset'],
  [F.eventOutcome, 'r.outcome'],
]);

class NotRollup extends Error {}

/** The rollup's columns as a filter target: any other field, or a word search, cannot be answered from it. */
class RollupTarget implements SqlTarget {
  field(name: string): FieldRef {
    const col = COLUMN.get(name);
    if (col === undefined) throw new NotRollup(name);
    return { kind: 'scalar', sql: col, type: fieldType(name) };
  }

  text(): SqlFragment {
    throw new NotRollup('text');
  }
}

export interface RollupSql {
  /** SQL over the whole partition */
  whole: { sql: string; params: (string | number | null)[] };
  /** SQL over the minutes inside [from, to), or undefined when the range does not fall on whole minutes */
  ranged: { sql: string; params: (string | number | null)[] } | undefined;
}

/**
 * The rollup form of an aggregation, when it has one: every metric a plain count(), every group a time bucket of
 * whole minutes or event.dataset / event.outcome, and a filter on those two fields only. The columns are named as
 * buildAggregateSql names them (k0…, c0…), so the same merger takes either.
 */
export function buildRollupSql(req: AggregateRequest): RollupSql | undefined {
  if (req.metrics.length === 0 || req.metrics.some((m) => m.func !== 'count' || m.field !== undefined)) return undefined;
  const keys: string[] = [];
  const notNull: string[] = [];
  for (const g of req.groups) {
    if (g.kind === 'time') {
      const span = Math.trunc(g.spanMs);
      if (span <= 0 || span % ROLLUP_MS !== 0) return undefined;
      keys.push(`(r.m * ${ROLLUP_MS} / ${span}) * ${span}`);
      continue;
    }
    const col = COLUMN.get(g.field);
    if (col === undefined) return undefined;
    keys.push(col);
    notNull.push(`${col} IS NOT NULL`);
  }
  let f: SqlFragment;
  try {
    f = compileFilter(req.filter, new RollupTarget());
  } catch (err) {
    if (err instanceof NotRollup) return undefined;
    throw err;
  }
  const select = [...keys.map((k, i) => `${k} AS k${i}`), ...req.metrics.map((_, i) => `sum(r.n) AS c${i}`)].join(', ');
  const group = keys.length > 0 ? ` GROUP BY ${keys.map((_, i) => `k${i}`).join(', ')}` : '';
  const build = (range: boolean): string => {
    const where = [...(range ? ['r.m >= ? AND r.m < ?'] : []), `(${f.sql})`, ...notNull].join(' AND ');
    return `SELECT ${select} FROM rollup_1m r WHERE ${where}${group}`;
  };
  const aligned = req.from % ROLLUP_MS === 0 && req.to % ROLLUP_MS === 0;
  return {
    whole: { sql: build(false), params: f.params },
    ranged: aligned ? { sql: build(true), params: [req.from / ROLLUP_MS, req.to / ROLLUP_MS, ...f.params] } : undefined,
  };
}

const HAS_ROLLUP = new WeakMap<Database.Database, boolean>();

/** Whether a partition has its rollup (partitions sealed before rollups existed do not). */
export function hasRollup(db: Database.Database): boolean {
  let has = HAS_ROLLUP.get(db);
  if (has === undefined) {
    has = hasTable(db, 'rollup_1m');
    HAS_ROLLUP.set(db, has);
  }
  return has;
}
