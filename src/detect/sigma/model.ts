import type { RuleLocation, RuleMeta } from '../types.js';

/*
 * The Sigma rule model: what the loader makes of a YAML document, before any compilation. Layers as in pySigma:
 * rule → detection (search identifiers → detection items: field, modifiers, values) → condition AST → value types.
 * Both back ends read this model: the streaming matcher (compile.ts) and the hunting query compiler.
 */

/** One piece of a Sigma string: literal text, `*` (any run of characters) or `?` (exactly one character). */
export type StringPart = { t: 'lit'; s: string } | { t: 'star' } | { t: 'one' };

/**
 * A value as written in the rule. Strings keep their source text (`raw`) and their parsed form (`parts`: escapes
 * resolved, wildcards as parts); numbers keep their source text so that `0x17` or `0012` compare as written.
 */
export type SigmaValue =
  | { kind: 'string'; raw: string; parts: StringPart[] }
  | { kind: 'number'; value: number; raw: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' };

/** `Field|mod1|mod2: values` — values are OR'ed unless the modifiers include `all`. */
export interface DetectionItem {
  /** Sigma field name as written (before field mapping); undefined for keyword (field-less) searches */
  field: string | undefined;
  /** modifiers in the order written, lower-cased (`re` sub-modifiers `i`/`m`/`s` included as written) */
  modifiers: string[];
  values: SigmaValue[];
  location: RuleLocation;
}

/**
 * A search identifier (`selection: …`): a map is one AND group, a list of maps is OR of AND groups, a list of plain
 * values is one keyword item. `groups` is therefore an OR of ANDs of detection items.
 */
export interface SearchIdentifier {
  name: string;
  groups: DetectionItem[][];
  location: RuleLocation;
}

/** Position of a condition node: which condition of the list (0-based) and the character offset in it. */
export interface CondPos {
  condition: number;
  offset: number;
}

/** The condition AST. `of` quantifies over search identifiers matching `pattern` (`them` = all not `_`-prefixed). */
export type ConditionNode =
  | { kind: 'and'; operands: ConditionNode[]; pos: CondPos }
  | { kind: 'or'; operands: ConditionNode[]; pos: CondPos }
  | { kind: 'not'; operand: ConditionNode; pos: CondPos }
  | { kind: 'ref'; name: string; pos: CondPos }
  | { kind: 'of'; quantifier: 'any' | 'all'; pattern: string; pos: CondPos };

export interface Detection {
  /** search identifiers by name, in source order */
  searches: Map<string, SearchIdentifier>;
  /** the condition list (OR of them) as written */
  conditionText: string[];
  /** the parsed condition: OR of the list */
  condition: ConditionNode;
  /** `timeframe` of old-style rules, kept as written */
  timeframe?: string;
}

export interface LogSource {
  product?: string;
  category?: string;
  service?: string;
  definition?: string;
}

/** A Sigma detection rule. */
export interface SigmaRule {
  kind: 'detection';
  meta: RuleMeta;
  logsource: LogSource;
  detection: Detection;
  fields: string[];
  falsepositives: string[];
  references: string[];
  author?: string;
  date?: string;
  modified?: string;
  /** the document as parsed, for tools that want other attributes */
  raw: Record<string, unknown>;
}

/** A Sigma filter (`filter:` document): `rule condition and not filter condition` for each rule it names. */
export interface SigmaFilter {
  kind: 'filter';
  id: string;
  title: string;
  logsource: LogSource;
  /** rule ids or names the filter applies to */
  rules: string[];
  detection: Detection;
  location: RuleLocation;
}

/** A correlation document, handed over unparsed (with where it came from) to the correlation engine. */
export interface RawCorrelation {
  doc: Record<string, unknown>;
  location: RuleLocation;
}
