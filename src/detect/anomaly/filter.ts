import type { Expr } from '../../query/ast.js';
import { parseNumber } from '../../query/convert.js';
import { evaluate, type EvalSource } from '../../query/evaluate.js';
import { valueText } from '../../query/value.js';
import { getPathParts, type EcsEvent } from '../../schema/event.js';
import { F } from '../../schema/fields.js';
import { fieldType, isArrayField } from '../../schema/types.js';
import { eventSource } from '../../search/tail.js';

/**
 * One event as the compiled filters see it. The fast paths read fields straight from the event (their path split once,
 * at compile time); the query evaluator, for every other node, gets the live tail's EvalSource, built at most once per
 * event and only when a rule needs it. One Subject is reused for every event (`reset`): detection is synchronous.
 */
export class Subject {
  event: EcsEvent = {};
  private src: EvalSource | undefined;

  reset(e: EcsEvent): this {
    this.event = e;
    this.src = undefined;
    return this;
  }

  source(): EvalSource {
    return (this.src ??= eventSource(this.event));
  }
}

/** A rule's query filter, ready to run on many events. */
export type Predicate = (s: Subject) => boolean;

/** Cheapest first: existence tests before value tests, so that `and` stops early on events that lack the field. */
const cost = (e: Expr): number => (e.kind === 'all' ? 0 : e.kind === 'exists' ? 1 : e.kind === 'not' ? cost(e.arg) + 1 : e.kind === 'and' || e.kind === 'or' ? 3 : 2);

/** The text a `field:value` node compares by plain equality, or undefined when the evaluator must decide it. */
function plainMatch(e: Expr): string | undefined {
  if (e.kind !== 'match') return undefined;
  const text = valueText(e.value);
  // `field:word` on a keyword field with a value that is not a number: plain equality with the text, as the evaluator
  // decides it (numbers and booleans never equal a non-numeric text; objects compare as their JSON)
  if (e.value.wildcard || fieldType(e.field) !== 'keyword' || (!e.value.quoted && parseNumber(text) !== null)) return undefined;
  return text;
}

/**
 * Compiles a filter once: `and`, `or`, `not`, `*`, `field:*` and plain `field:word` become closures (the baseline
 * rules' usual shape, and the hot path at 10,000 events/s); every other node is evaluated by the query evaluator, with
 * its semantics unchanged (the result is the same as `evaluate(expr, eventSource(event))` for every event; the unit
 * test checks it).
 */
export function compilePredicate(e: Expr): Predicate {
  switch (e.kind) {
    case 'all':
      return () => true;
    case 'exists': {
      const path = e.field.split('.');
      const list = isArrayField(e.field);
      return (s) => {
        const v = getPathParts(s.event, path);
        if (v === undefined || v === null) return false;
        if (list && Array.isArray(v)) return v.some((x) => x !== null && x !== undefined);
        return true;
      };
    }
    case 'not': {
      const p = compilePredicate(e.arg);
      return (s) => !p(s);
    }
    case 'and': {
      const ps = [...e.args].sort((a, b) => cost(a) - cost(b)).map(compilePredicate);
      return (s) => ps.every((p) => p(s));
    }
    case 'or': {
      const ps = [...e.args].sort((a, b) => cost(a) - cost(b)).map(compilePredicate);
      return (s) => ps.some((p) => p(s));
    }
    case 'match': {
      const text = plainMatch(e);
      if (text === undefined) return (s) => evaluate(e, s.source());
      const path = e.field.split('.');
      const list = isArrayField(e.field);
      const eq = (x: unknown): boolean => (typeof x === 'string' ? x === text : typeof x === 'object' && x !== null ? JSON.stringify(x) === text : false);
      return (s) => {
        const v = getPathParts(s.event, path);
        if (v === undefined || v === null) return false;
        return list && Array.isArray(v) ? v.some(eq) : eq(v);
      };
    }
    default:
      return (s) => evaluate(e, s.source());
  }
}

/**
 * The `event.dataset` values a filter requires (it can match only events whose dataset is one of them), or undefined
 * when it requires none: `event.dataset:x`, `event.dataset:(x or y)`, or such a term and-ed with anything.
 */
export function requiredDatasets(e: Expr): ReadonlySet<string> | undefined {
  if (e.kind === 'match') {
    if (e.field !== F.eventDataset) return undefined;
    const text = plainMatch(e);
    return text === undefined ? undefined : new Set([text]);
  }
  if (e.kind === 'or') {
    const out = new Set<string>();
    for (const a of e.args) {
      const s = requiredDatasets(a);
      if (!s) return undefined;
      for (const x of s) out.add(x);
    }
    return out;
  }
  if (e.kind === 'and') {
    for (const a of e.args) {
      const s = requiredDatasets(a);
      if (s) return s;
    }
  }
  return undefined;
}

/**
 * A cheap first test before a rule's filter: false only when the event's `event.dataset` is missing or a text outside
 * the rule's required datasets (then the filter is false too); an array or other value is left to the filter.
 */
export function datasetScreen(required: ReadonlySet<string> | undefined): ((dataset: unknown) => boolean) | undefined {
  if (!required) return undefined;
  return (ds) => (typeof ds === 'string' ? required.has(ds) : ds !== undefined && ds !== null);
}

const DATASET_PATH = F.eventDataset.split('.');

/** The dataset value the screen reads, once per event (read as the filters read it). */
export const datasetOf = (e: EcsEvent): unknown => getPathParts(e, DATASET_PATH);
