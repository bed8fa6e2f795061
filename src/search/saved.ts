import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { VigilError } from '../core/errors.js';
import { parseTimeArg } from '../core/time.js';
import { parseQuery } from '../query/parser.js';
import { spanMs } from '../query/stages.js';
import type { Store } from '../store/store.js';

/** The store state key under which saved searches are kept (one JSON document). */
export const STATE_KEY = 'saved_searches';
export const MAX_SAVED = 1000;
/** The shortest schedule interval. */
export const MIN_INTERVAL_MS = 1000;

const CONDITION = /^\s*count\s*(>=|<=|==|!=|>|<|=)\s*([0-9]{1,12})\s*$/;

/** `count > 0` and friends: `count` is the number of matching events, or of rows for a query that makes a table. */
export function parseCondition(text: string): (count: number) => boolean {
  const m = CONDITION.exec(text);
  if (!m) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `condition '${text.slice(0, 80)}' is not 'count OP N' (OP one of > >= < <= == !=)`);
  const n = Number(m[2]);
  switch (m[1]) {
    case '>':
      return (c) => c > n;
    case '>=':
      return (c) => c >= n;
    case '<':
      return (c) => c < n;
    case '<=':
      return (c) => c <= n;
    case '!=':
      return (c) => c !== n;
    default:
      return (c) => c === n;
  }
}

const time = (name: string) =>
  z.string().max(64).refine((v) => {
    try {
      parseTimeArg(v, Date.now(), name);
      return true;
    } catch {
      return false;
    }
  }, `${name} is not a time (ISO 8601, epoch ms, now, -15m, -7d)`);

/** A saved search as the API takes it. */
export const SavedInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    query: z
      .string()
      .max(10_000)
      .superRefine((q, ctx) => {
        try {
          parseQuery(q);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
    from: time('from').optional(),
    to: time('to').optional(),
    owner: z.string().trim().min(1).max(200).optional(),
    schedule: z
      .object({
        interval: z.string().refine((v) => (spanMs(v) ?? 0) >= MIN_INTERVAL_MS, 'interval is a number and s, m, h, d or w (30s, 5m, 1h)'),
        condition: z.string().max(100).refine((v) => CONDITION.test(v), "condition is 'count OP N', e.g. 'count > 0'"),
        severity: z.number().int().min(0).max(100).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type SavedInputT = z.infer<typeof SavedInput>;

export interface SavedSearch {
  id: string;
  name: string;
  query: string;
  from?: string;
  to?: string;
  owner: string;
  created_at: string;
  schedule?: { interval: string; condition: string; severity?: number };
  /** set by the scheduler */
  last_run?: { at: string; count: number; alerted: boolean; error?: string };
}

/**
 * The saved searches, kept as one JSON document in the store's state table. Changes go one at a time through a
 * promise chain, so concurrent requests never lose each other's writes.
 */
export class SavedSearches {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: Store) {}

  async list(): Promise<SavedSearch[]> {
    const text = await this.store.getState(STATE_KEY);
    if (text === undefined) return [];
    try {
      const v = JSON.parse(text) as unknown;
      return Array.isArray(v) ? (v as SavedSearch[]) : [];
    } catch {
      return [];
    }
  }

  async get(idOrName: string): Promise<SavedSearch | undefined> {
    return (await this.list()).find((s) => s.id === idOrName || s.name === idOrName);
  }

  create(input: SavedInputT, owner: string, now = Date.now()): Promise<SavedSearch> {
    return this.change((all) => {
      if (all.some((s) => s.name === input.name)) throw new VigilError('VIGIL_ERR_CONFLICT', `a saved search named '${input.name}' exists`);
      if (all.length >= MAX_SAVED) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `at most ${MAX_SAVED} saved searches`);
      const s: SavedSearch = {
        id: randomUUID(),
        name: input.name,
        query: input.query,
        owner: input.owner ?? owner,
        created_at: new Date(now).toISOString(),
        ...(input.from !== undefined ? { from: input.from } : {}),
        ...(input.to !== undefined ? { to: input.to } : {}),
        ...(input.schedule ? { schedule: { interval: input.schedule.interval, condition: input.schedule.condition, ...(input.schedule.severity !== undefined ? { severity: input.schedule.severity } : {}) } } : {}),
      };
      return { all: [...all, s], result: s };
    });
  }

  remove(idOrName: string): Promise<boolean> {
    return this.change((all) => {
      const rest = all.filter((s) => s.id !== idOrName && s.name !== idOrName);
      return { all: rest, result: rest.length !== all.length };
    });
  }

  recordRun(id: string, run: NonNullable<SavedSearch['last_run']>): Promise<void> {
    return this.change((all) => ({ all: all.map((s) => (s.id === id ? { ...s, last_run: run } : s)), result: undefined }));
  }

  private change<T>(f: (all: SavedSearch[]) => { all: SavedSearch[]; result: T }): Promise<T> {
    const next = this.chain.then(async () => {
      const { all, result } = f(await this.list());
      await this.store.putState(STATE_KEY, JSON.stringify(all));
      return result;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
