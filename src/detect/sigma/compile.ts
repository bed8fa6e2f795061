import { isObject, type EcsEvent } from '../../schema/event.js';
import type { EventMatcher, RuleMatch, RuleMeta, RuleProblem } from '../types.js';
import { isKeywordKey, keywordScanTexts, RENAME_4688, RENAME_DEFENDER, SlotCache, slotOf, type EventView, type Getter } from './fields.js';
import { eventKeys, eventSources, logsourceKey, type EventSources } from './logsource.js';
import type { SigmaFilter, SigmaRule } from './model.js';
import { ModifierError } from './modifiers.js';
import { compileDetection, MAX_CLAUSES, Registry, type Gate } from './detection.js';
import { textValues, type Pred } from './predicates.js';
import { LiteralAutomaton } from './prefilter.js';

/*
 * compileRules: every rule compiled once into closures, routed by logsource, gated by the literal prefilter.
 * Per event: route → scan the fields the routed rules need through one Aho-Corasick automaton per field (and an
 * exact-value index) → evaluate only rules whose necessary literals were seen → explain the matches.
 */

export interface CompileOptions {
  filters?: readonly SigmaFilter[];
  /** values of `%name%` placeholders for the `expand` modifier */
  placeholders?: Record<string, readonly string[]>;
  /** a rule whose evaluation of one event takes longer than this is disabled (default 50 ms) */
  ruleBudgetMs?: number;
  /** clock for the budget (tests) */
  now?: () => number;
}

export interface MatcherStats {
  events: number;
  /** rule evaluations run (after routing and prefilter) */
  evaluated: number;
  /** rules routed to an event but skipped by the prefilter */
  prefiltered: number;
  matches: number;
  /** rules disabled at run time (threw or overran the budget) */
  disabled: number;
  /** events that could not be read at all (a throwing property where routing looks): no rule saw them */
  unreadable: number;
}

export interface SigmaMatcher extends EventMatcher {
  /** compile problems (rules left out) and run-time problems (rules disabled) */
  readonly problems: RuleProblem[];
  readonly stats: MatcherStats;
}

/**
 * A need as prefilter ids (literal ids found by the automaton, exact ids by the value index), in conjunctive form:
 * the rule is evaluated when every clause had one of its ids seen.
 */
interface Req {
  clauses: Int32Array[];
}

interface CRule {
  idx: number;
  bucket: number;
  meta: RuleMeta;
  test: Pred;
  req: Req | undefined;
  searches: Array<{ name: string; test: Pred; text: string }>;
  disabled: boolean;
  keys: string[];
}

interface FieldScan {
  /** the event it was last scanned for */
  seen: number;
  key: string;
  slot: number;
  get: Getter | undefined;
  auto: LiteralAutomaton | undefined;
  exact: Map<string, number[]> | undefined;
  /** the longest whole value in `exact`: longer field values are not looked up */
  exactMax: number;
}

interface Bucket {
  idx: number;
  rules: CRule[];
  /** rules without a literal requirement: evaluated for every event routed here */
  ungated: CRule[];
  gatedCount: number;
  scans: FieldScan[];
}


/** CPU milliseconds one evaluation of a rule takes (errors are reported on the normal path). */
function cpuTime(r: CRule, v: EventView): number {
  const c = process.cpuUsage();
  try {
    r.test(v);
  } catch {
    // reported on the normal path
  }
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

/**
 * A Windows event's routing key from what its logsources depend on (see windowsSources: channel, provider, event
 * code, and the event type of Sysmon event 12), or undefined (not Windows, a NUL in a part, a throwing property).
 */
function winKey(e: EcsEvent): string | undefined {
  try {
    const w = e['winlog'];
    if (!isObject(w)) return undefined;
    const ev = e['event'];
    const ch = w['channel'];
    const pr = w['provider_name'];
    const id = w['event_id'];
    const code = isObject(ev) && typeof ev['code'] === 'string' ? ev['code'] : typeof id === 'number' ? String(id) : undefined;
    // read as eventSources reads it, so that an event it cannot read is not routed from the cache either
    if (isObject(ev)) void ev['dataset'];
    const ed = w['event_data'];
    const et = code === '12' && isObject(ed) && typeof ed['EventType'] === 'string' ? ed['EventType'] : '';
    const k = `${typeof ch === 'string' ? ch : '\u0001'}\u0000${typeof pr === 'string' ? pr : '\u0001'}\u0000${code ?? '\u0001'}\u0000${et}`;
    // four parts and three separators, or a part held a NUL of its own
    let nul = 0;
    for (let i = k.indexOf('\u0000'); i >= 0; i = k.indexOf('\u0000', i + 1)) nul++;
    return nul === 3 ? k : undefined;
  } catch {
    return undefined;
  }
}

/** The view of one event: Windows data and renames worked out once; `into` is reused (its caches cleared). */
function viewOf(e: EcsEvent, into: EventView): EventView {
  const w = e['winlog'];
  let ed: Record<string, unknown> | undefined;
  let ud: Record<string, unknown> | undefined;
  let rename: Readonly<Record<string, string>> | undefined;
  if (isObject(w)) {
    ed = isObject(w['event_data']) ? w['event_data'] : undefined;
    ud = isObject(w['user_data']) ? w['user_data'] : undefined;
    const id = w['event_id'];
    const ch = w['channel'];
    if ((id === 4688 || id === '4688') && ch === 'Security') rename = RENAME_4688;
    else if (typeof ch === 'string' && ch.endsWith('Windows Defender/Operational')) rename = RENAME_DEFENDER;
  }
  into.e = e;
  into.ed = ed;
  into.ud = ud;
  into.rename = rename;
  into.lower.clear();
  into.text.clear();
  return into;
}

export function compileRules(rules: readonly SigmaRule[], options: CompileOptions = {}): SigmaMatcher {
  const problems: RuleProblem[] = [];
  const reg = new Registry();
  const placeholders = options.placeholders ?? {};
  const budget = options.ruleBudgetMs ?? 50;
  const now = options.now ?? (() => performance.now());
  const byRule = new Map<string, SigmaFilter[]>();
  for (const f of options.filters ?? []) for (const r of f.rules) byRule.set(r, [...(byRule.get(r) ?? []), f]);
  // prefilter stamps: stamp[id] === epoch when requirement id was seen in the current event
  let stamp = new Uint32Array(1);
  let epoch = 0;
  // items decided by the stamps: requirement id → items it makes true; itemStamp[k] === epoch when item k is
  let itemCount = 0;
  const idItems: number[][] = [];
  let itemStamp = new Uint32Array(1);
  const gate: Gate = {
    gated: (ids, test) => {
      const a = Int32Array.from(ids);
      return (v) => {
        for (const id of a) if (stamp[id] === epoch) return test(v);
        return false;
      };
    },
    anyOf: (alts) => {
      // alternatives the stamp alone decides: their ids mark the item itself when seen (itemStamp)
      const k = itemCount++;
      for (const a of alts) if (a.verify === undefined) for (const id of a.ids) (idItems[id] ??= []).push(k);
      // the others: ids[i] belongs to alternative owner[i], verified when seen
      const ids: number[] = [];
      const owner: Pred[] = [];
      for (const a of alts) {
        const f = a.verify;
        if (f !== undefined) for (const id of a.ids) {
          ids.push(id);
          owner.push(f);
        }
      }
      const idArr = Int32Array.from(ids);
      // alternatives without a literal are always tested
      const always = alts.flatMap((a) => (a.ids.length === 0 && a.verify ? [a.verify] : []));
      return (v) => {
        if (itemStamp[k] === epoch) return true;
        for (let i = 0; i < idArr.length; i++) {
          if (stamp[idArr[i] ?? 0] !== epoch) continue;
          const f = owner[i];
          if (f === undefined || f(v)) return true;
        }
        for (const f of always) if (f(v)) return true;
        return false;
      };
    },
  };
  const compiled: Array<{ r: CRule; key: string }> = [];
  for (const rule of rules) {
    try {
      const d = compileDetection(rule.detection, rule.logsource, reg, placeholders, gate);
      let test = d.test;
      const filters = [...(byRule.get(rule.meta.id) ?? []), ...(rule.meta.name !== undefined ? (byRule.get(rule.meta.name) ?? []) : [])];
      for (const f of filters) {
        const fd = compileDetection(f.detection, rule.logsource, reg, placeholders, gate);
        const prev = test;
        test = (v) => prev(v) && !fd.test(v);
        d.keys.push(...fd.keys);
      }
      const req = d.need ? { clauses: d.need.map((c) => Int32Array.from(c)) } : undefined;
      compiled.push({ r: { idx: compiled.length, bucket: -1, meta: rule.meta, test, req, searches: d.searches, disabled: false, keys: d.keys }, key: logsourceKey(rule.logsource) });
    } catch (e) {
      const code = e instanceof ModifierError ? e.code : 'SIGMA_COMPILE';
      problems.push({ code, message: e instanceof Error ? e.message : String(e), location: rule.meta.location, ruleId: rule.meta.id });
    }
  }
  // automata and exact indexes per field key
  const scans = new Map<string, FieldScan>();
  const allKeys = new Set<string>([...reg.lits.keys(), ...reg.exact.keys()]);
  for (const key of allKeys) {
    const lm = reg.lits.get(key);
    const em = reg.exact.get(key);
    const auto = lm && lm.size > 0 ? new LiteralAutomaton([...lm.keys()], [...lm.values()]) : undefined;
    let exactMax = 0;
    for (const x of em?.keys() ?? []) exactMax = Math.max(exactMax, x.length);
    scans.set(key, { seen: 0, key, slot: slotOf(key), get: undefined, auto, exact: em && em.size > 0 ? em : undefined, exactMax });
  }
  // getters: any item's getter for the key reads the same values; take them from the compiled items' keys
  const buckets = new Map<string, Bucket>();
  for (const { r, key } of compiled) {
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = { idx: buckets.size, rules: [], ungated: [], gatedCount: 0, scans: [] }));
    b.rules.push(r);
    r.bucket = b.idx;
    if (r.req) b.gatedCount++;
    else b.ungated.push(r);
  }
  for (const b of buckets.values()) {
    const ks = new Set<string>();
    for (const r of b.rules) for (const k of r.keys) ks.add(k);
    b.scans = [...ks].map((k) => scans.get(k)).filter((s): s is FieldScan => s !== undefined);
  }
  for (const s of scans.values()) s.get = reg.getters.get(s.key);
  // keyword literals are scanned in the line once (event.original when it holds the message), see keywordScanTexts
  for (const s of scans.values()) {
    if (!isKeywordKey(s.key)) continue;
    s.key = `${s.key}:scan`;
    s.slot = slotOf(s.key);
    s.get = keywordScanTexts;
  }

  stamp = new Uint32Array(Math.max(1, reg.next));
  // requirement id → (rule, clause) pairs as rule * MAX_CLAUSES + clause; a rule is a candidate when every clause had
  // one of its ids seen (ruleMask reaches ruleFull; ruleStamp says the mask is of the current event)
  const idRules: number[][] = Array.from({ length: reg.next }, () => []);
  const ruleFull = new Uint8Array(Math.max(1, compiled.length));
  for (const { r } of compiled) {
    if (!r.req) continue;
    for (const [ci, c] of r.req.clauses.entries()) for (const id of c) idRules[id]?.push(r.idx * MAX_CLAUSES + ci);
    ruleFull[r.idx] = (1 << r.req.clauses.length) - 1;
  }
  const ruleStamp = new Uint32Array(Math.max(1, compiled.length));
  const ruleMask = new Uint8Array(Math.max(1, compiled.length));
  itemStamp = new Uint32Array(Math.max(1, itemCount));
  const bucketStamp = new Uint32Array(Math.max(1, buckets.size));
  const byIdx = compiled.map((c) => c.r);
  const hits: number[] = [];
  const cand: CRule[] = [];
  // the rules evaluated for the current event (for the budget check)
  const ran: CRule[] = [];
  const stats: MatcherStats = { events: 0, evaluated: 0, prefiltered: 0, matches: 0, disabled: 0, unreadable: 0 };
  const routeCache = new Map<string, Bucket[]>();
  const winRoutes = new Map<string, Bucket[]>();
  /** routes of the shared (frozen) sources of non-Windows events, by identity: no key to build per event */
  const sharedRoutes = new Map<EventSources, Bucket[]>();
  const routeOf = (src: EventSources): Bucket[] => {
    const shared = sharedRoutes.get(src);
    if (shared !== undefined) return shared;
    const routed = routeByKey(src);
    if (Object.isFrozen(src) && sharedRoutes.size < 10_000) sharedRoutes.set(src, routed);
    return routed;
  };
  const routeByKey = (src: EventSources): Bucket[] => {
    const routeKey = `${src.product ?? ''}\u0000${src.categories.join(',')}\u0000${src.services.join(',')}`;
    let routed = routeCache.get(routeKey);
    if (!routed) {
      routed = eventKeys(src).flatMap((k) => {
        const b = buckets.get(k);
        return b ? [b] : [];
      });
      if (routeCache.size < 10_000) routeCache.set(routeKey, routed);
    }
    return routed;
  };
  // one view, reused event after event (match is synchronous and not re-entered)
  const view: EventView = { e: {}, ed: undefined, ud: undefined, rename: undefined, lower: new SlotCache(), text: new SlotCache() };

  const disable = (r: CRule, code: string, message: string): void => {
    if (r.disabled) return;
    r.disabled = true;
    stats.disabled++;
    problems.push({ code, message, location: r.meta.location, ruleId: r.meta.id });
  };

  const explain = (r: CRule, v: EventView): string[] => {
    const out: string[] = [];
    for (const s of r.searches) {
      try {
        if (s.test(v)) out.push(`${s.name}: ${s.text}`);
      } catch {
        // explanation only
      }
    }
    return out;
  };

  /** One rule on the current event: counted, remembered for the budget check, disabled when it throws. */
  const evaluate = (r: CRule, v: EventView, out: RuleMatch[]): void => {
    if (r.disabled) return;
    stats.evaluated++;
    ran.push(r);
    let hit: boolean;
    try {
      hit = r.test(v);
    } catch (e) {
      disable(r, 'SIGMA_RULE_THREW', `rule disabled: it threw ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (hit) {
      stats.matches++;
      out.push({ rule: r.meta, explanation: explain(r, v) });
    }
  };

  const match = (event: EcsEvent): RuleMatch[] => {
    stats.events++;
    let v: EventView;
    const wk = winKey(event);
    let routed = wk !== undefined ? winRoutes.get(wk) : undefined;
    if (routed !== undefined) {
      // routed as the last Windows event of the same channel, provider, code (and Sysmon 12 event type)
      try {
        v = viewOf(event, view);
      } catch {
        stats.unreadable++;
        return [];
      }
    } else {
      let src: EventSources;
      try {
        src = eventSources(event);
        v = viewOf(event, view);
      } catch {
        // a hostile event object (throwing getters on winlog/event): never thrown out of match
        stats.unreadable++;
        return [];
      }
      routed = routeOf(src);
      if (wk !== undefined && winRoutes.size < 10_000) winRoutes.set(wk, routed);
    }
    if (routed.length === 0) return [];
    epoch = (epoch + 1) >>> 0;
    if (epoch === 0) {
      stamp.fill(0);
      ruleStamp.fill(0);
      itemStamp.fill(0);
      bucketStamp.fill(0);
      for (const sc of scans.values()) sc.seen = 0;
      epoch = 1;
    }
    for (const b of routed) {
      bucketStamp[b.idx] = epoch;
      for (const s of b.scans) {
        if (s.seen === epoch) continue;
        s.seen = epoch;
        let vals: readonly string[];
        try {
          vals = textValues(v, s.slot, s.get);
        } catch {
          // a hostile event (a throwing getter): the field counts as absent
          vals = [];
          v.lower.set(s.slot, vals);
          v.text.set(s.slot, vals);
        }
        for (const t of vals) {
          // ASCII values are scanned as they are; others lower-cased first
          const auto = s.auto;
          if (auto !== undefined && !auto.scanAscii(t, stamp, epoch, hits)) auto.scan(t.toLowerCase(), stamp, epoch, hits);
          // lower-casing never shortens a value: longer ones cannot equal an indexed value
          if (s.exact === undefined || t.length > s.exactMax) continue;
          const ids = s.exact.get(t.toLowerCase());
          if (ids) {
            for (const id of ids) {
              stamp[id] = epoch;
              hits.push(id);
            }
          }
        }
      }
    }
    // the gated rules of routed buckets one of whose literals was seen
    for (const id of hits) {
      const its = idItems[id];
      if (its) for (const k of its) itemStamp[k] = epoch;
      const rs = idRules[id];
      if (!rs) continue;
      for (const x of rs) {
        const ri = (x / MAX_CLAUSES) | 0;
        const bit = 1 << x % MAX_CLAUSES;
        if (ruleStamp[ri] !== epoch) {
          ruleStamp[ri] = epoch;
          ruleMask[ri] = 0;
        }
        const m = ruleMask[ri] ?? 0;
        if ((m & bit) !== 0) continue;
        ruleMask[ri] = m | bit;
        if ((m | bit) !== ruleFull[ri]) continue;
        const r = byIdx[ri];
        if (r && bucketStamp[r.bucket] === epoch) cand.push(r);
      }
    }
    hits.length = 0;
    let gated = 0;
    let ungated = 0;
    for (const b of routed) {
      gated += b.gatedCount;
      ungated += b.ungated.length;
    }
    stats.prefiltered += gated - cand.length;
    // no rule to evaluate (every gated one lacked a literal): nothing to time either
    if (ungated === 0 && cand.length === 0) return [];
    const out: RuleMatch[] = [];
    const t0 = now();
    for (const b of routed) for (const r of b.ungated) evaluate(r, v, out);
    for (const r of cand) evaluate(r, v, out);
    cand.length = 0;
    if (now() - t0 > budget) findSlow(v);
    ran.length = 0;
    return out;
  };

  /**
   * An event took longer than the budget (wall clock): when the rules evaluated for it take that long in CPU time
   * too (not merely a descheduled process), time each of them and disable those over budget.
   */
  const findSlow = (v: EventView): void => {
    const c = process.cpuUsage();
    for (const r of ran) {
      try {
        r.test(v);
      } catch {
        // reported on the normal path
      }
    }
    const d = process.cpuUsage(c);
    if ((d.user + d.system) / 1000 <= budget) return;
    for (const r of ran) {
      if (r.disabled) continue;
      // CPU time, twice: a rule is not disabled because the process was descheduled while it ran
      const took = Math.min(cpuTime(r, v), cpuTime(r, v));
      if (took > budget) disable(r, 'SIGMA_RULE_BUDGET', `rule disabled: one event took ${took.toFixed(1)} ms of CPU (budget ${budget} ms)`);
    }
  };

  return { match, rules: compiled.map((c) => c.r.meta), problems, stats };
}

