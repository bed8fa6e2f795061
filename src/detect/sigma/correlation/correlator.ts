import { LruMap } from '../../../core/lru.js';
import type { RuleMeta, RuleProblem } from '../../types.js';
import { describeCriteria, testCriteria, type CorrelationRule, type Criterion } from './model.js';
import { expandCompact, groupJson, Interner, savedWindow, type CompactSnapshot } from './snapshot-json.js';
import { WindowAggregate, insertSorted, lowerBound, upperBound, type Entry, type EvidenceRef } from './window.js';

export interface CorrelatorOptions {
  /** groups kept per correlation rule; the least recently used group is evicted beyond it */
  maxGroups?: number;
  /** window entries kept per group (the oldest go first) */
  maxEntries?: number;
  /** how far behind the newest event of a group an event may arrive and still count, ms */
  latenessMs?: number;
  /** evidence events kept per group and shown per alert */
  maxEvidence?: number;
  /** called when a group is evicted (cap reached), an event arrives too late, or a window entry is dropped */
  onDrop?: (ruleId: string, reason: 'group_evicted' | 'late_event' | 'entry_cap') => void;
}

/** A correlation rule that fired for one group. */
export interface Firing {
  rule: CorrelationRule;
  /** end of the window that satisfied the condition (event time, ms) */
  time: number;
  group: Record<string, string>;
  value: number;
  explanation: string[];
  evidence: EvidenceRef[];
}

interface GroupState {
  values: Record<string, string>;
  entries: Entry[];
  maxTime: number;
  firedAt: number | null;
  armed: boolean;
  evidence: EvidenceRef[];
  /** the running count of the newest window, kept while events arrive in order (not snapshotted) */
  window?: WindowAggregate | undefined;
}

interface Node {
  rule: CorrelationRule;
  criteria: Criterion[];
  /** groups by key, least recently used first; beyond the cap the oldest is evicted */
  groups: LruMap<GroupState>;
}

interface Consumer {
  node: Node;
  refIndex: number;
  /** the referenced rule's name (for aliases), if it has one */
  sourceName: string | undefined;
  sourceId: string;
}

/** Reads a field of the observed event (or of a chained correlation's group). */
export type FieldReader = (field: string) => unknown;

export interface SavedGroup {
  key: string;
  values: Record<string, string>;
  entries: Array<[number, number, number, string | number | null]>;
  maxTime: number;
  firedAt: number | null;
  armed: boolean;
  evidence: EvidenceRef[];
}

export interface CorrelatorSnapshot {
  version: 1;
  seq: number;
  rules: Record<string, { fingerprint: string; groups: SavedGroup[] }>;
}

export const DEFAULTS = { maxGroups: 10_000, maxEntries: 1000, latenessMs: 60_000, maxEvidence: 10 } as const;
const MAX_CHAIN_DEPTH = 16;

/** A group-by or condition value as text: scalars as written, arrays joined by commas; objects and absent → undefined. */
export function groupValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) {
    const parts = v.slice(0, 32).map(groupValue);
    return parts.every((p) => p !== undefined) && parts.length > 0 ? parts.join(',') : undefined;
  }
  return undefined;
}

/** The key of a group: its one group-by value as is, or the values as a JSON array when there are several. */
function groupKey(groupBy: readonly string[], values: Record<string, string>): string {
  if (groupBy.length === 0) return '';
  if (groupBy.length === 1) return values[groupBy[0] as string] ?? '';
  return JSON.stringify(groupBy.map((g) => values[g] ?? ''));
}

function numberValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Runs Sigma correlation rules over a stream of rule matches. Windows slide over event time with inclusive bounds
 * [t − timespan, t]; a group fires when its condition becomes true (edge), and again while it stays true only once
 * the previous firing's time is more than a timespan in the past. See docs/detection.md.
 */
export class Correlator {
  readonly problems: RuleProblem[] = [];
  private readonly nodes = new Map<string, Node>();
  private readonly consumers = new Map<string, Consumer[]>();
  private readonly opts: Required<Omit<CorrelatorOptions, 'onDrop'>> & Pick<CorrelatorOptions, 'onDrop'>;
  private seq = 0;
  /** told about every eviction, late event and capped entry (the engine counts them in a metric) */
  onDrop: CorrelatorOptions['onDrop'];

  /**
   * @param rules correlation rules (parsed)
   * @param detections the detection rules they may refer to (by id or name)
   */
  constructor(rules: readonly CorrelationRule[], detections: readonly RuleMeta[], options: CorrelatorOptions = {}) {
    this.opts = { ...DEFAULTS, ...options };
    this.onDrop = options.onDrop;
    const byKey = new Map<string, { id: string; name: string | undefined }>();
    for (const d of detections) {
      byKey.set(d.id, { id: d.id, name: d.name });
      if (d.name !== undefined && !byKey.has(d.name)) byKey.set(d.name, { id: d.id, name: d.name });
    }
    const corrIds = new Set<string>();
    for (const r of rules) {
      if (corrIds.has(r.meta.id) || byKey.has(r.meta.id)) {
        this.problem(r, 'SIGMA_DUPLICATE_ID', `rule id ${r.meta.id} is already used`);
        continue;
      }
      corrIds.add(r.meta.id);
      byKey.set(r.meta.id, { id: r.meta.id, name: r.meta.name });
      if (r.meta.name !== undefined && !byKey.has(r.meta.name)) byKey.set(r.meta.name, { id: r.meta.id, name: r.meta.name });
    }
    const candidates: Node[] = [];
    for (const r of rules) {
      if (!corrIds.has(r.meta.id) || this.nodes.has(r.meta.id)) continue;
      const criteria = r.condition.length > 0 ? r.condition : [{ op: 'gte' as const, value: r.rules.length }];
      const capped = (r.type === 'event_count' || r.type === 'value_count') && criteria.some((c) => (c.op === 'gt' || c.op === 'gte' || c.op === 'eq') && c.value >= this.opts.maxEntries);
      if (capped) {
        this.problem(r, 'SIGMA_CORR_THRESHOLD_CAP', `the threshold must stay below the per-group window cap of ${this.opts.maxEntries} events`);
        continue;
      }
      const unknown = r.rules.filter((ref) => !byKey.has(ref));
      if (unknown.length > 0) {
        this.problem(r, 'SIGMA_CORR_UNKNOWN_RULE', `correlation refers to unknown rule(s): ${unknown.join(', ')}`);
        continue;
      }
      const node: Node = { rule: r, criteria, groups: new LruMap<GroupState>(this.opts.maxGroups, () => this.onDrop?.(r.meta.id, 'group_evicted')) };
      this.nodes.set(r.meta.id, node);
      candidates.push(node);
    }
    for (const node of candidates) {
      node.rule.rules.forEach((ref, refIndex) => {
        const target = byKey.get(ref);
        if (!target) return;
        const list = this.consumers.get(target.id) ?? [];
        list.push({ node, refIndex, sourceName: target.name, sourceId: target.id });
        this.consumers.set(target.id, list);
      });
    }
    this.dropCycles();
  }

  private problem(r: CorrelationRule, code: string, message: string): void {
    this.problems.push({ code, message, location: r.meta.location, ruleId: r.meta.id });
  }

  /** A correlation that (through chaining) refers to itself can never be evaluated: it is disabled. */
  private dropCycles(): void {
    const state = new Map<string, 1 | 2>();
    const cyclic = new Set<string>();
    const visit = (id: string, path: string[]): void => {
      const s = state.get(id);
      if (s === 2) return;
      if (s === 1) {
        for (const p of path.slice(path.indexOf(id))) cyclic.add(p);
        return;
      }
      state.set(id, 1);
      const node = this.nodes.get(id);
      if (node) for (const ref of node.rule.rules) for (const [cid, n] of this.nodes) if (n.rule.meta.id === ref || n.rule.meta.name === ref) visit(cid, [...path, id]);
      state.set(id, 2);
    };
    for (const id of this.nodes.keys()) visit(id, []);
    for (const id of cyclic) {
      const node = this.nodes.get(id);
      if (!node) continue;
      this.problem(node.rule, 'SIGMA_CORR_CYCLE', 'correlation refers to itself through a chain of correlations');
      this.nodes.delete(id);
    }
    for (const [k, list] of this.consumers) this.consumers.set(k, list.filter((c) => this.nodes.has(c.node.rule.meta.id)));
  }

  get rules(): CorrelationRule[] {
    return [...this.nodes.values()].map((n) => n.rule);
  }

  /** True when some correlation consumes matches of this rule id. */
  consumes(ruleId: string): boolean {
    return (this.consumers.get(ruleId)?.length ?? 0) > 0;
  }

  /** Ids of every rule some correlation refers to, with whether any referring correlation says `generate: true`. */
  referenced(): Map<string, boolean> {
    const out = new Map<string, boolean>();
    for (const [id, list] of this.consumers) if (list.length > 0) out.set(id, list.some((c) => c.node.rule.generateReferenced));
    return out;
  }

  groupCount(ruleId: string): number {
    return this.nodes.get(ruleId)?.groups.size ?? 0;
  }

  /**
   * One match of rule `sourceId` at event time `time`. Returns every correlation that fired, including chained ones
   * (a correlation's firing is itself an observation for correlations that refer to it).
   */
  observe(sourceId: string, time: number, read: FieldReader, evidence: readonly EvidenceRef[], depth = 0): Firing[] {
    const list = this.consumers.get(sourceId);
    if (!list || list.length === 0 || depth > MAX_CHAIN_DEPTH || !Number.isFinite(time)) return [];
    const out: Firing[] = [];
    for (const c of list) {
      const f = this.observeOne(c, time, read, evidence);
      if (!f) continue;
      out.push(f);
      const group = f.group;
      out.push(...this.observe(f.rule.meta.id, f.time, (field) => group[field], f.evidence, depth + 1));
    }
    return out;
  }

  private fieldFor(c: Consumer, name: string): string {
    const alias = c.node.rule.aliases.get(name);
    if (!alias) return name;
    return (c.sourceName !== undefined ? alias.get(c.sourceName) : undefined) ?? alias.get(c.sourceId) ?? name;
  }

  private observeOne(c: Consumer, time: number, read: FieldReader, evidence: readonly EvidenceRef[]): Firing | undefined {
    const { node } = c;
    const rule = node.rule;
    const values: Record<string, string> = {};
    for (const g of rule.groupBy) {
      const v = groupValue(read(this.fieldFor(c, g)));
      if (v === undefined) return undefined; // an event without the group-by field is not part of any group
      values[g] = v;
    }
    let v: string | number | undefined;
    if (rule.fields.length > 0) {
      if (rule.type === 'value_sum' || rule.type === 'value_avg') v = numberValue(read(this.fieldFor(c, rule.fields[0] as string)));
      else {
        const parts = rule.fields.map((f) => groupValue(read(this.fieldFor(c, f))));
        if (parts.every((p) => p !== undefined)) v = parts.length === 1 ? (parts[0]) : JSON.stringify(parts);
      }
      if (v === undefined) return undefined;
    }
    const key = groupKey(rule.groupBy, values);
    let g = node.groups.touch(key);
    if (!g) {
      g = { values, entries: [], maxTime: -Infinity, firedAt: null, armed: true, evidence: [] };
      node.groups.set(key, g);
    }
    if (time < g.maxTime - this.opts.latenessMs) {
      this.onDrop?.(rule.meta.id, 'late_event');
      return undefined;
    }
    const seq = ++this.seq;
    const entry: Entry = { t: time, seq, r: c.refIndex };
    if (v !== undefined) entry.v = v;
    const inOrder = time >= g.maxTime;
    if (inOrder) g.maxTime = time;
    else g.window = undefined; // an insertion inside the list moves the running count's bounds
    insertSorted(g.entries, entry);
    for (const e of evidence.slice(-this.opts.maxEvidence)) insertSorted(g.evidence, { ...e, seq });
    this.trim(g, rule);
    const ends = inOrder ? [time] : this.lateEnds(g, time, rule.timespanMs);
    // in order: the group's running count moves forward with the window; late: one count slides across the later ends
    const windows = inOrder ? (g.window ??= new WindowAggregate(rule.type, g.entries, rule.rules.length)) : new WindowAggregate(rule.type, g.entries, rule.rules.length);
    for (const end of ends) {
      const lo = lowerBound(g.entries, end - rule.timespanMs);
      const hi = upperBound(g.entries, end);
      const value = windows.value(lo, hi);
      const sat = value !== undefined && testCriteria(node.criteria, value);
      if (!sat) {
        if (end === g.maxTime) g.armed = true;
        continue;
      }
      if (!g.armed && !(g.firedAt !== null && end > g.firedAt + rule.timespanMs)) continue;
      g.armed = false;
      g.firedAt = end;
      return this.firing(node, g, end, value);
    }
    return undefined;
  }

  /** Window ends to re-evaluate for an event that arrived out of order: its own time and every later entry's within a timespan. */
  private lateEnds(g: GroupState, time: number, span: number): number[] {
    const ends = [time];
    for (let i = upperBound(g.entries, time); i < g.entries.length && ends.length < this.opts.maxEntries; i++) {
      const t = (g.entries[i] as Entry).t;
      if (t > time + span) break;
      if (t !== ends[ends.length - 1]) ends.push(t);
    }
    return ends;
  }

  /** Drops entries no window can still reach (older than newest − timespan − lateness) and enforces the caps. */
  private trim(g: GroupState, rule: CorrelationRule): void {
    const horizon = g.maxTime - rule.timespanMs - this.opts.latenessMs;
    const cut = lowerBound(g.entries, horizon);
    if (cut > 0) {
      g.window?.dropFront(cut);
      g.entries.splice(0, cut);
    }
    if (g.entries.length > this.opts.maxEntries) {
      const extra = g.entries.length - this.opts.maxEntries;
      g.window?.dropFront(extra);
      g.entries.splice(0, extra);
      for (let i = 0; i < extra; i++) this.onDrop?.(rule.meta.id, 'entry_cap');
    }
    let ev = 0;
    while (ev < g.evidence.length && (g.evidence[ev] as EvidenceRef).t < horizon) ev++;
    if (ev > 0) g.evidence.splice(0, ev);
    if (g.evidence.length > this.opts.maxEvidence * 4) g.evidence.splice(0, g.evidence.length - this.opts.maxEvidence * 4);
  }

  private firing(node: Node, g: GroupState, end: number, value: number): Firing {
    const rule = node.rule;
    const start = end - rule.timespanMs;
    const evidence = g.evidence.filter((e) => e.t >= start && e.t <= end).slice(-this.opts.maxEvidence);
    const groupText = rule.groupBy.map((k) => `${k}=${g.values[k] ?? ''}`).join(', ');
    const shown = Number.isInteger(value) ? String(value) : value.toFixed(2);
    const what = rule.type === 'temporal' || rule.type === 'temporal_ordered' ? `${rule.type}: ${shown} of ${rule.rules.length} rules` : `${rule.type}${rule.fields.length > 0 ? `(${rule.fields.join(', ')})` : ''} = ${shown}`;
    const explanation = [`${what} (condition ${describeCriteria(node.criteria)}) within ${rule.timespan}${groupText ? ` for ${groupText}` : ''}`];
    return { rule, time: end, group: { ...g.values }, value, explanation, evidence };
  }

  /** The windows of every group, for a snapshot (JSON-safe). */
  snapshot(): CorrelatorSnapshot {
    const rules: CorrelatorSnapshot['rules'] = {};
    for (const [id, node] of this.nodes) {
      const groups: SavedGroup[] = [];
      for (const [key, g] of node.groups.entries()) {
        groups.push({ ...savedWindow(key, g), evidence: g.evidence.map((e) => ({ id: e.id, t: e.t, seq: e.seq, rule: e.rule, fields: e.fields })) });
      }
      rules[id] = { fingerprint: node.rule.fingerprint, groups };
    }
    return { version: 1, seq: this.seq, rules };
  }

  /**
   * The state as JSON text (a CompactSnapshot), one group per piece, so that it can be written in time slices
   * between events. Each group is read when its piece is made: a group that changes meanwhile is saved as it is then.
   */
  *snapshotJson(): Generator<string> {
    const sources = new Interner<string>();
    const fields = new Interner<EvidenceRef['fields']>();
    const plan = [...this.nodes].map(([id, node]) => ({ id, fingerprint: node.rule.fingerprint, groups: [...node.groups.entries()] }));
    yield '{"version":2,"rules":{';
    for (const [i, r] of plan.entries()) {
      yield `${i === 0 ? '' : ','}${JSON.stringify(r.id)}:{"fingerprint":${JSON.stringify(r.fingerprint)},"groups":[`;
      for (const [j, [key, g]] of r.groups.entries()) yield (j === 0 ? '' : ',') + groupJson(key, g, sources, fields);
      yield ']}';
    }
    yield `},"sources":${JSON.stringify(sources.list)},"fields":[`;
    for (let i = 0; i < fields.list.length; i += 200) yield (i === 0 ? '' : ',') + fields.list.slice(i, i + 200).map((f) => JSON.stringify(f)).join(',');
    yield `],"seq":${this.seq}}`;
  }

  /** Restores saved windows; state of rules that changed (fingerprint) or no longer exist is ignored. Returns groups restored. */
  restore(saved: CorrelatorSnapshot | CompactSnapshot): number {
    const s = saved.version === 2 ? expandCompact(saved) : saved;
    if (s.version !== 1) return 0;
    if (Number.isFinite(s.seq) && s.seq > this.seq) this.seq = s.seq;
    let restored = 0;
    for (const [id, saved] of Object.entries(s.rules)) {
      const node = this.nodes.get(id);
      if (!node || node.rule.fingerprint !== saved.fingerprint || !Array.isArray(saved.groups)) continue;
      for (const sg of saved.groups.slice(-this.opts.maxGroups)) {
        const entries: Entry[] = [];
        for (const [t, seq, r, v] of sg.entries.slice(-this.opts.maxEntries)) {
          const e: Entry = { t, seq, r };
          if (v !== null) e.v = v;
          entries.push(e);
        }
        node.groups.set(groupKey(node.rule.groupBy, sg.values), { values: sg.values, entries, maxTime: entries.length > 0 ? sg.maxTime : -Infinity, firedAt: sg.firedAt, armed: sg.armed, evidence: sg.evidence.slice(-this.opts.maxEvidence * 4) });
        restored++;
      }
    }
    return restored;
  }
}
