import type { EcsEvent } from '../schema/event.js';
import type { AggFunc, Expr } from '../query/ast.js';

/** One event ready to store: a normalized ECS document and its event time in epoch milliseconds. */
export interface AppendEvent {
  event: EcsEvent;
  ts: number;
}

/** Named values committed in the same transaction as the events (read back with `committedState`). */
export interface AppendOptions {
  state?: readonly { key: string; value: string }[];
}

/**
 * Events already in a store's stored form (`Store.encode`), in order. The pipeline encodes events as they arrive, so
 * the event objects are not kept alive while they wait for the store. Opaque to everyone but the store that made it.
 */
export interface EncodedEvents {
  readonly count: number;
  readonly data: string;
}

export interface AppendResult {
  /** events durably committed */
  stored: number;
  /** ids of the chained batches that hold them */
  batches: number[];
}

export interface SearchRequest {
  filter: Expr;
  /** inclusive lower bound, epoch ms */
  from: number;
  /** exclusive upper bound, epoch ms */
  to: number;
  limit: number;
  /** stop with VIGIL_ERR_QUERY_BUDGET once the search has run this long (checked between partitions) */
  budgetMs?: number;
}

/** A group key of an aggregation: a field's value, or the start of the `spanMs` time bucket an event falls in. */
export type GroupKey = { kind: 'field'; field: string } | { kind: 'time'; spanMs: number };

export interface Metric {
  func: AggFunc;
  /** absent for count() */
  field?: string;
  /** for percentile: 0–100 */
  percent?: number;
}

/**
 * Counts and other metrics of the matching events, grouped. Events whose group field is absent are left out (a list
 * field groups by each element). Reading stops with VIGIL_ERR_QUERY_BUDGET past `budgetMs` or `maxGroups`.
 */
export interface AggregateRequest {
  filter: Expr;
  from: number;
  to: number;
  groups: GroupKey[];
  metrics: Metric[];
  maxGroups: number;
  budgetMs: number;
}

/** One group: its key values (in `groups` order) and metric values (in `metrics` order). */
export interface AggregateRow {
  key: (string | number | null)[];
  values: unknown[];
}

export interface AggregateResult {
  rows: AggregateRow[];
  partitionsScanned: number;
  tookMs: number;
}

export interface SearchHit {
  /** `<partition>:<row>`: stable while the event is stored */
  id: string;
  ts: number;
  event: EcsEvent;
}

export interface SearchResult {
  total: number;
  /** 'eq' when total is exact, 'gte' when counting stopped at the cap */
  totalRelation: 'eq' | 'gte';
  events: SearchHit[];
  partitionsScanned: number;
  tookMs: number;
}

export interface VerifyProblem {
  batch: number;
  partition: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  batches: number;
  events: number;
  partitions: number;
  /** the first broken batch, when not ok */
  firstProblem?: VerifyProblem;
}

export interface StoreStats {
  events: number;
  partitions: { hot: number; sealing: number; sealed: number };
  bytes: number;
  walBytes: number;
}

export interface RetentionResult {
  partitionsDeleted: number;
  eventsDeleted: number;
}

/** The contract every store (embedded SQLite now, PostgreSQL later) fulfils; checked by store.case.ts. */
export interface Store {
  open(): Promise<void>;
  /** Resolves only once every event is durably committed and chained. */
  append(events: readonly AppendEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** The stored form of events, made now (synchronously): what `appendEncoded` takes. */
  encode(events: readonly AppendEvent[]): EncodedEvents[];
  /** `append` of events encoded earlier by this store (chunks in order; the same guarantees). */
  appendEncoded(chunks: readonly EncodedEvents[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * The latest value given as `state` to an append that committed: a crash never leaves events stored without the
   * value committed with them, nor the value without its events (a file source's read positions).
   */
  committedState(key: string): Promise<string | undefined>;
  search(req: SearchRequest): Promise<SearchResult>;
  /** grouped metrics over the matching events; reads only partitions in range and yields between them */
  aggregate(req: AggregateRequest): Promise<AggregateResult>;
  /** field names seen in (a sample of) the events between from and to, for query validation */
  fieldNames(from: number, to: number): Promise<string[]>;
  /** small named JSON documents kept with the store (saved searches): read one, or undefined */
  getState(key: string): Promise<string | undefined>;
  putState(key: string, value: string): Promise<void>;
  verify(): Promise<VerifyReport>;
  /** Seals the hot partition now (normally done by size or age). */
  seal(): Promise<void>;
  applyRetention(now: number): Promise<RetentionResult>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}
