import { patternMatcher } from './condition.js';
import type { Getter } from './fields.js';
import type { ConditionNode, Detection, LogSource } from './model.js';
import { compileItem, MAX_SCAN_LITERAL, type CompiledItem, type Need, type Pred } from './predicates.js';

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

  reqOf(n: Need, get: Getter | undefined): number[] {
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

/** Necessary ids of a condition: undefined = no literal requirement. AND picks one operand, OR needs all. */
function condNeed(n: ConditionNode, searchNeed: (name: string) => number[] | undefined, names: readonly string[]): number[] | undefined {
  const pickAnd = (xs: Array<number[] | undefined>): number[] | undefined => {
    let best: number[] | undefined;
    for (const x of xs) if (x && (!best || x.length < best.length)) best = x;
    return best;
  };
  const unionOr = (xs: Array<number[] | undefined>): number[] | undefined => (xs.some((x) => x === undefined) ? undefined : xs.flatMap((x) => x ?? []));
  switch (n.kind) {
    case 'ref':
      return searchNeed(n.name);
    case 'not':
      return undefined;
    case 'and':
      return pickAnd(n.operands.map((o) => condNeed(o, searchNeed, names)));
    case 'or':
      return unionOr(n.operands.map((o) => condNeed(o, searchNeed, names)));
    case 'of': {
      const m = patternMatcher(n.pattern);
      const xs = names.filter(m).map((s) => searchNeed(s));
      return n.quantifier === 'all' ? pickAnd(xs) : unionOr(xs);
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
  need: number[] | undefined;
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
  const needs = new Map<string, number[] | undefined>();
  const searches: CompiledDetection['searches'] = [];
  const keys = new Set<string>();
  for (const [name, s] of d.searches) {
    const groups: Array<{ items: CompiledItem[]; need: number[] | undefined }> = [];
    for (const g of s.groups) {
      const items = g.map((it) => compileItem(it, ls, placeholders)).sort((a, b) => a.cost - b.cost);
      let best: number[] | undefined;
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
        if (ids && (!best || ids.length < best.length)) best = ids;
      }
      groups.push({ items, need: best });
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
    needs.set(name, groups.some((g) => g.need === undefined) ? undefined : groups.flatMap((g) => g.need ?? []));
    // explanation text: the items with their values (e.g. `Image|endswith '\\cmd.exe'`), groups separated by ` | `
    const text = groups.map((g) => g.items.map((it) => it.text).join(', ')).join(' | ');
    searches.push({ name, test: pred, text: text.length > 400 ? `${text.slice(0, 399)}…` : text });
  }
  const test = condPred(d.condition, (n) => preds.get(n) ?? (() => false), names);
  const need = condNeed(d.condition, (n) => needs.get(n), names);
  return { test, need, searches, keys: [...keys] };
}
