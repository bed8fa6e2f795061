import type Database from 'better-sqlite3';
import { ROLLUP_MS, ROLLUP_TABLE_DDL } from './rollup.js';

/** One (minute, dataset, outcome) group and its count. */
interface Cell {
  m: number;
  dataset: string | null;
  outcome: string | null;
  n: number;
}

/** Groups kept at most: past this (a partition spread over very many minutes), the sealer counts instead. */
const MAX_CELLS = 200_000;

/**
 * The rollup of a hot partition (rollup.ts), counted by the writer as it appends: what
 * `SELECT ts / 60000, dataset, outcome, count(*) … GROUP BY 1, 2, 3` gives for the same rows. Consecutive rows mostly
 * share their group, so the last one is kept at hand. It gives up (the sealer then groups the events itself) on a
 * time that is not a whole number (SQLite would divide it as a real), on text that is not well-formed UTF-16, and past
 * MAX_CELLS groups.
 */
export class RollupCounter {
  private readonly cells = new Map<string, Cell>();
  private last: Cell | undefined;
  private valid = true;

  add(ts: number, dataset: string | null, outcome: string | null): void {
    if (!this.valid) return;
    if (!Number.isSafeInteger(ts)) {
      this.valid = false;
      return;
    }
    const l = this.last;
    // the last group's minute, when it is not before 1970 (there truncation toward zero makes minute 0 twice as long)
    if (l !== undefined && l.dataset === dataset && l.outcome === outcome && l.m >= 0 && ts >= l.m * ROLLUP_MS && ts < (l.m + 1) * ROLLUP_MS) {
      l.n++;
      return;
    }
    // text SQLite would store differently (a lone surrogate becomes U+FFFD) could group differently there
    if (!wellFormed(dataset) || !wellFormed(outcome)) {
      this.valid = false;
      return;
    }
    // SQLite divides integers truncating toward zero
    const m = Math.trunc(ts / ROLLUP_MS);
    const key = JSON.stringify([m, dataset, outcome]);
    let c = this.cells.get(key);
    if (c === undefined) {
      if (this.cells.size >= MAX_CELLS) {
        this.valid = false;
        return;
      }
      c = { m, dataset, outcome, n: 0 };
      this.cells.set(key, c);
    }
    c.n++;
    this.last = c;
  }

  /** Writes the rollup table into the partition, in one transaction (nothing when the count gave up). */
  write(db: Database.Database): void {
    if (!this.valid) return;
    db.transaction(() => {
      db.exec(ROLLUP_TABLE_DDL);
      const insert = db.prepare('INSERT INTO rollup_1m(m, dataset, outcome, n) VALUES (?, ?, ?, ?)');
      for (const c of this.cells.values()) insert.run(c.m, c.dataset, c.outcome, c.n);
    })();
  }
}

function wellFormed(v: string | null): boolean {
  return v === null || v.isWellFormed();
}
