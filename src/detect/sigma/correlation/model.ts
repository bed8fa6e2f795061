import type { RuleMeta } from '../../types.js';

/** The correlation types of Sigma correlation rules (spec v2.1). */
export const CORRELATION_TYPES = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile'] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

export const CONDITION_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** One criterion of a correlation condition; several are AND'ed (a range). */
export interface Criterion {
  op: ConditionOp;
  value: number;
}

/** A correlation rule as parsed and validated (before its rule references are resolved). */
export interface CorrelationRule {
  kind: 'correlation';
  meta: RuleMeta;
  type: CorrelationType;
  /** referenced rules (ids or names), in the order written (the order matters for temporal_ordered) */
  rules: string[];
  /** group-by fields or alias names; empty means one group for every event */
  groupBy: string[];
  /** alias name → (rule name or id → field name) */
  aliases: Map<string, Map<string, string>>;
  timespanMs: number;
  /** as written, e.g. `5m` */
  timespan: string;
  /** AND of criteria; empty for temporal types without a condition (then every referenced rule must match) */
  condition: Criterion[];
  /** `condition.field` for value_* types (several fields: their values as one tuple) */
  fields: string[];
  /** the correlation's own `generate`: true makes the referenced rules raise their own alerts too */
  generateReferenced: boolean;
  /** a stable fingerprint of the definition: saved state is dropped when the rule changes */
  fingerprint: string;
}

export function testCriteria(criteria: readonly Criterion[], v: number): boolean {
  for (const c of criteria) {
    switch (c.op) {
      case 'gt':
        if (!(v > c.value)) return false;
        break;
      case 'gte':
        if (!(v >= c.value)) return false;
        break;
      case 'lt':
        if (!(v < c.value)) return false;
        break;
      case 'lte':
        if (!(v <= c.value)) return false;
        break;
      case 'eq':
        if (v !== c.value) return false;
        break;
      case 'neq':
        if (v === c.value) return false;
        break;
    }
  }
  return true;
}

export function describeCriteria(criteria: readonly Criterion[]): string {
  const sym: Record<ConditionOp, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=', neq: '!=' };
  return criteria.map((c) => `${sym[c.op]} ${c.value}`).join(' and ');
}
