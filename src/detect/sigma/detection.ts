import { patternMatcher } from './condition.js';
import type { Getter } from './fields.js';
import type { ConditionNode, Detection, LogSource } from './model.js';
import { compileItem, MAX_SCAN_LITERAL, type CompiledItem, type Need as ItemNeed, type Pred } from './predicates.js';

/*
 * A detection (a rule's or a filter's) compiled to one predicate, with its prefilter requirements registered:
 * search identifiers → OR of AND groups of item predicates → the condition's closures.
 */

/** Prefilter requirements: literal ids per field key (deduplicated), exact-value ids, the getter of each key. */
export class Registry {
  readonly lits = new Map<string, Map<string, number>>();
  readonly exact = new Map<string, Map<string, number[]>>();
  readonly getters = new Map<string, Getter | undefined>();
  next = 0;

  reqOf(n: ItemNeed, get: Getter | undefined): number[] {
    if (!this.getters.has(n.key)) this.getters.set(n.key, get);
    const ids: number[] = [];
    let lm = this.lits.get(n.key);
    if (!lm) this.lits.set(n.key, (lm = new Map<string, number>()));
    for (const full of n.lits) {
      const l = full.length > MAX_SCAN_LITERAL ? full.slice(0, MAX_SCAN_LITERAL) : full;
      let id = lm.get(l);
      if (id === undefined) lm.set(l, (id = this.next++));
      ids.push(id);
    }
    let em = this.exact.get(n.key);
    if (!em) this.exact.set(n.key, (em = new Map<string, number[]>()));
    for (const x of n.exact) {
      const id = this.next++;
      const list = em.get(x);
      if (list) list.push(id);
      else em.set(x, [id]);
      ids.push(id);
    }
    return ids;
  }
}

/**
 * A requirement in conjunctive form: every clause must have one of its ids seen (undefined: no requirement). At most
 * MAX_CLAUSES clauses are kept (the shortest): fewer clauses are still a necessary condition.
 */
export type Need = number[][] | undefined;

export const MAX_CLAUSES = 4;

const shortest = (c: number[][]): number[] => c.reduce((a, b) => (b.length < a.length ? b : a));

/** AND: the clauses of every operand that has some (an operand without a requirement adds none). */
function needAnd(xs: readonly Need[]): Need {
  const out: number[][] = [];
  for (const x of xs) if (x) out.push(...x);
  return out.length > 0 ? out : undefined;
}

/** OR: one clause, the shortest clause of each operand joined; none when an operand has no requirement. */
function needOr(xs: readonly Need[]): Need {
  if (xs.length === 0 || xs.some((x) => x === undefined || x.length === 0)) return undefined;
  if (xs.length === 1) return xs[0];
  return [xs.flatMap((x) => (x ? shortest(x) : []))];
}

/** Clauses deduplicated (ids within each, equal clauses), the shortest MAX_CLAUSES kept. */
export function normalizeNeed(n: Need): Need {
  if (!n || n.length === 0) return undefined;
  const seen = new Set<string>();
  const out: number[][] = [];
  for (const c of n) {
    const ids = [...new Set(c)].sort((a, b) => a - b);
    const k = ids.join(',');
    if (ids.length === 0 || seen.has(k)) continue;
    seen.add(k);
    out.push(ids);
  }
  out.sort((a, b) => a.length - b.length);
  return out.length > 0 ? out.slice(0, MAX_CLAUSES) : undefined;
}

/** Necessary ids of a condition, in conjunctive form. */
function condNeed(n: ConditionNode, searchNeed: (name: string) => Need, names: readonly string[]): Need {
  switch (n.kind) {
    case 'ref':
      return searchNeed(n.name);
    case 'not':
      return undefined;
    case 'and':
      return needAnd(n.operands.map((o) => condNeed(o, searchNeed, names)));
    case 'or':
      return needOr(n.operands.map((o) => condNeed(o, searchNeed, names)));
    case 'of': {
      const m = patternMatcher(n.pattern);
      const xs = names.filter(m).map((s) => searchNeed(s));
      return n.quantifier === 'all' ? needAnd(xs) : needOr(xs);
    }
  }
}

function condPred(n: ConditionNode, search: (name: string) => Pred, names: readonly string[]): Pred {
  switch (n.kind) {
    case 'ref':
      return search(n.name);
    case 'not': {
      const p = condPred(n.operand, search, names);
      return (v) => !p(v);
    }
    case 'and': {
      const ps = n.operands.map((o) => condPred(o, search, names));
      return (v) => ps.every((p) => p(v));
    }
    case 'or': {
      const ps = n.operands.map((o) => condPred(o, search, names));
      return (v) => ps.some((p) => p(v));
    }
    case 'of': {
      const ps = names.filter(patternMatcher(n.pattern)).map((s) => search(s));
      return n.quantifier === 'all' ? (v) => ps.every((p) => p(v)) : (v) => ps.some((p) => p(v));
    }
  }
}

export interface CompiledDetection {
  test: Pred;
  /** necessary prefilter ids, in conjunctive form */
  need: Need;
  searches: Array<{ name: string; test: Pred; text: string }>;
  keys: string[];
}

export interface Gate {
  /** the test, run only when one of the ids was seen */
  gated(ids: readonly number[], test: Pred): Pred;
  /** true when, for one alternative, one of its ids was seen and its verify (if any) holds */
  anyOf(alts: ReadonlyArray<{ ids: readonly number[]; verify: Pred | undefined }>): Pred;
}

export function compileDetection(d: Detection, ls: LogSource, reg: Registry, placeholders: Record<string, readonly string[]>, gate: Gate): CompiledDetection {
  const names = [...d.searches.keys()];
  const preds = new Map<string, Pred>();
  const needs = new Map<string, Need>();
  const searches: CompiledDetection['searches'] = [];
  const keys = new Set<string>();
  for (const [name, s] of d.searches) {
    const groups: Array<{ items: CompiledItem[]; need: Need }> = [];
    for (const g of s.groups) {
      const items = g.map((it) => compileItem(it, ls, placeholders)).sort((a, b) => a.cost - b.cost);
      const clauses: number[][] = [];
      for (const it of items) {
        const ids = it.need ? reg.reqOf(it.need, it.get) : undefined;
        if (it.need) keys.add(it.need.key);
        const plan = it.plan;
        if (plan && plan.groups.some((g) => g.some((a) => a.need !== undefined))) {
          // alternative by alternative: only those whose literal was seen are verified, most need no verifying
          const gates = (g: NonNullable<CompiledItem['plan']>['groups'][number]): Pred =>
            gate.anyOf(
              g.map((a) => {
                if (a.need) keys.add(a.need.key);
                return { ids: a.need ? reg.reqOf(a.need, it.get) : [], verify: a.verify };
              }),
            );
          // OR of the values: one gate over all their alternatives; AND (`all`): one gate per value
          const per = plan.all ? plan.groups.map(gates) : [gates(plan.groups.flat())];
          it.test = per.length === 1 && per[0] ? per[0] : plan.all ? (v) => per.every((p) => p(v)) : (v) => per.some((p) => p(v));
          it.cost = 0;
        } else if (ids && it.cost > 0) it.test = gate.gated(ids, it.test); // patterns are not run when none of the item's literals was seen
        if (ids && ids.length > 0) clauses.push(ids);
      }
      groups.push({ items, need: clauses.length > 0 ? clauses : undefined });
    }
    const groupPreds: Pred[] = groups.map(({ items }) => {
      const tests = items.map((i) => i.test);
      if (tests.length === 1 && tests[0]) return tests[0];
      return (v) => {
        for (const t of tests) if (!t(v)) return false;
        return true;
      };
    });
    const pred: Pred = groupPreds.length === 1 && groupPreds[0] ? groupPreds[0] : (v) => groupPreds.some((p) => p(v));
    preds.set(name, pred);
    needs.set(name, needOr(groups.map((g) => g.need)));
    // explanation text: the items with their values (e.g. `Image|endswith '\\cmd.exe'`), groups separated by ` | `
    const text = groups.map((g) => g.items.map((it) => it.text).join(', ')).join(' | ');
    searches.push({ name, test: pred, text: text.length > 400 ? `${text.slice(0, 399)}…` : text });
  }
  const test = condPred(d.condition, (n) => preds.get(n) ?? (() => false), names);
  const need = normalizeNeed(condNeed(d.condition, (n) => needs.get(n), names));
  return { test, need, searches, keys: [...keys] };
}
