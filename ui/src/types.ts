/** Shapes of the API answers the UI reads (see docs/api and the alerting contract). Fields not listed are shown raw. */

export type Doc = Record<string, unknown> & { id?: string };

export interface EventsResult {
  total: number;
  total_relation: 'eq' | 'gte';
  took_ms: number;
  events: Doc[];
}
export type Cell = string | number | boolean | null | unknown[];
export interface TableResult {
  columns: string[];
  rows: Cell[][];
  truncated: boolean;
  took_ms: number;
}
export type SearchResult = EventsResult | TableResult;
export const isTable = (r: SearchResult): r is TableResult => 'columns' in r;

export interface AlertHistory {
  at: string;
  who: string;
  action: string;
  from?: string;
  to?: string;
  reason?: string;
  comment?: string;
}
export interface AlertComment {
  at: string;
  who: string;
  text: string;
}
export interface AlertAsset {
  name?: string;
  criticality?: number;
  kind?: string;
}
export interface Alert extends Doc {
  id: string;
  '@timestamp'?: string;
  message?: string;
  event?: { severity?: number; risk_score?: number; reason?: string; created?: string };
  rule?: { id?: string; name?: string; description?: string; reference?: string };
  tags?: string[];
  vigil?: {
    alert?: {
      status?: string;
      level?: string;
      explanation?: string[];
      evidence?: Doc[];
      evidence_ids?: string[];
      group?: unknown;
      count?: number;
      first_seen?: string;
      last_seen?: string;
      assignee?: string;
      close_reason?: string;
      entities?: Record<string, string[]>;
      assets?: AlertAsset[];
      building_block?: boolean;
      history?: AlertHistory[];
      comments?: AlertComment[];
    };
  };
}
export interface AlertList {
  total?: number;
  alerts: Alert[];
}

export interface RuleStatus {
  id: string;
  title: string;
  kind: string;
  type: string;
  level?: string;
  status?: string;
  tags: string[];
  file?: string;
  enabled?: boolean;
  hits: number;
  alerts: number;
  last_hit?: string | null;
  groups?: number;
}
export interface Problem {
  file?: string;
  line?: number;
  ruleId?: string;
  message?: string;
  [k: string]: unknown;
}

export interface Asset {
  name: string;
  kind: 'host' | 'address' | 'network' | 'user' | 'service';
  match: string[];
  criticality: number;
  owner?: string;
  environment?: string;
  tags: string[];
}

export interface SavedSearch {
  id: string;
  name: string;
  query: string;
  from?: string;
  to?: string;
  owner?: string;
  created_at?: string;
}

export interface ResponseAction {
  id: string;
  alert_id?: string;
  action: string;
  target: string;
  dry_run?: boolean;
  status: string;
  at: string;
  expires_at?: string;
  undone_at?: string;
  output?: string;
}
