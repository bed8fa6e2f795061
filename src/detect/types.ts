import type { EcsEvent } from '../schema/event.js';

/** Where a rule came from, for errors and for `vigil rules lint`. */
export interface RuleLocation {
  file: string;
  line?: number;
  column?: number;
}

/** A problem found while loading a rule file: stable code, message, location. */
export interface RuleProblem {
  code: string;
  message: string;
  location: RuleLocation;
  /** the rule id, when the problem belongs to a known rule */
  ruleId?: string;
}

/** What every detection rule carries, whatever its kind (Sigma detection, Sigma correlation, Vigil baseline). */
export interface RuleMeta {
  id: string;
  title: string;
  /** informational | low | medium | high | critical */
  level: string;
  status?: string;
  description?: string;
  tags: readonly string[];
  /** Sigma `name` (used by correlation rules to refer to other rules) */
  name?: string;
  /** false for rules that only feed correlations (`generate: false` base rules and building blocks) */
  generate: boolean;
  location: RuleLocation;
}

/** One rule matching one event: which rule, and what matched (for the alert's explanation). */
export interface RuleMatch {
  rule: RuleMeta;
  /** human-readable: which selections were true, e.g. `selection: Image|endswith '\\cmd.exe'` */
  explanation: string[];
}

/** The streaming matcher over single events (Sigma detection rules). Must not throw. */
export interface EventMatcher {
  /** every rule that matches the event (a rule that throws or overruns is disabled and reported, never rethrown) */
  match(event: EcsEvent): RuleMatch[];
  readonly rules: readonly RuleMeta[];
}

/** An alert raised by the detection engine before it is stored (event.kind: alert). */
export interface DetectionAlert {
  rule: RuleMeta;
  /** epoch ms of the triggering event (the last one for correlations) */
  time: number;
  explanation: string[];
  /** the evidence: the matching events (bounded) */
  events: readonly EcsEvent[];
  /** correlation group-by values, e.g. { 'source.ip': '192.0.2.1' } */
  group?: Record<string, string>;
  /** correlation aggregate, e.g. count 12 */
  value?: number;
}
