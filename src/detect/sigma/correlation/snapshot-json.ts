import type { CorrelatorSnapshot, SavedGroup } from './correlator.js';
import type { EvidenceRef } from './window.js';

/**
 * The compact form of correlation state on disk (version 2). An event that several rules matched is evidence in
 * several groups: its fields are written once, in `fields`, and evidence refers to them (and to its rule id, in
 * `sources`) by index — version 1 repeated them in every group, which made the file many times larger.
 */
export interface CompactSnapshot {
  version: 2;
  seq: number;
  rules: Record<string, { fingerprint: string; groups: CompactGroup[] }>;
  sources: string[];
  fields: EvidenceRef['fields'][];
}

/** A group with evidence as [event id, time, seq, index in sources, index in fields]. */
export type CompactGroup = Omit<SavedGroup, 'evidence'> & { evidence: Array<[string, number, number, number, number]> };

/** The group of a live correlator that a snapshot piece is made of (read when its piece is made). */
export interface LiveGroup {
  values: Record<string, string>;
  entries: ReadonlyArray<{ t: number; seq: number; r: number; v?: string | number }>;
  maxTime: number;
  firedAt: number | null;
  armed: boolean;
  evidence: readonly EvidenceRef[];
}

/** Index tables built while the groups are written. */
export class Interner<T> {
  private readonly index = new Map<T, number>();
  readonly list: T[] = [];

  of(v: T): number {
    let i = this.index.get(v);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(v, i);
      this.list.push(v);
    }
    return i;
  }
}

/** A group's window as saved (both forms): everything but its evidence. */
export function savedWindow(key: string, g: LiveGroup): Omit<SavedGroup, 'evidence'> {
  return {
    key,
    values: g.values,
    entries: g.entries.map((e) => [e.t, e.seq, e.r, e.v ?? null]),
    maxTime: Number.isFinite(g.maxTime) ? g.maxTime : 0,
    firedAt: g.firedAt,
    armed: g.armed,
  };
}

/** One group as JSON text, its evidence pointing into the tables. */
export function groupJson(key: string, g: LiveGroup, sources: Interner<string>, fields: Interner<EvidenceRef['fields']>): string {
  const c: CompactGroup = { ...savedWindow(key, g), evidence: g.evidence.map((e) => [e.id, e.t, e.seq, sources.of(e.rule), fields.of(e.fields)]) };
  return JSON.stringify(c);
}

/** Version 2 read back into the in-memory form `Correlator.restore` takes; evidence with a bad index is left out. */
export function expandCompact(s: CompactSnapshot): CorrelatorSnapshot {
  const rules: CorrelatorSnapshot['rules'] = {};
  for (const [id, r] of Object.entries(s.rules)) {
    rules[id] = {
      fingerprint: r.fingerprint,
      groups: r.groups.map((g) => ({
        ...g,
        evidence: g.evidence.flatMap(([eid, t, seq, src, f]) => {
          const rule = s.sources[src];
          const fields = s.fields[f];
          return typeof rule === 'string' && typeof fields === 'object' && fields !== null ? [{ id: eid, t, seq, rule, fields }] : [];
        }),
      })),
    };
  }
  return { version: 1, seq: s.seq, rules };
}
