import type { EcsEvent } from '../schema/event.js';
import type { Expr } from '../query/ast.js';

/** One event ready to store: a normalized ECS document and its event time in epoch milliseconds. */
export interface AppendEvent {
  event: EcsEvent;
  ts: number;
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
  append(events: readonly AppendEvent[]): Promise<AppendResult>;
  search(req: SearchRequest): Promise<SearchResult>;
  verify(): Promise<VerifyReport>;
  /** Seals the hot partition now (normally done by size or age). */
  seal(): Promise<void>;
  applyRetention(now: number): Promise<RetentionResult>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}
