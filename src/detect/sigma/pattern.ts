import type { PatternPart } from './modifiers.js';

/*
 * Sigma string patterns compiled to string predicates. The common shapes (plain, `x*`, `*x`, `*x*`) become
 * ===, startsWith, endsWith, includes; anything else runs a linear-backtracking glob matcher (no RegExp, so no
 * catastrophic backtracking: O(text × pattern) worst case, with bounded inputs).
 */

export type StrTest = (s: string) => boolean;

/** A segment between stars: literal characters, `?` (any one) and sets (windash), as per-position tests. */
type Seg = Array<string | null | { set: string }>;

function toSegments(parts: readonly PatternPart[]): { segs: Seg[]; leadStar: boolean; trailStar: boolean } {
  const segs: Seg[] = [[]];
  for (const p of parts) {
    const cur = segs[segs.length - 1] ?? [];
    if (p.t === 'star') segs.push([]);
    else if (p.t === 'one') cur.push(null);
    else if (p.t === 'set') cur.push({ set: p.chars });
    else for (const ch of p.s) cur.push(ch);
  }
  const leadStar = parts[0]?.t === 'star';
  const trailStar = parts[parts.length - 1]?.t === 'star';
  return { segs, leadStar, trailStar };
}

/** Code-unit positions: a segment of characters as an array of single-code-unit tests. */
function units(seg: Seg): Array<string | null | { set: string }> {
  const out: Array<string | null | { set: string }> = [];
  for (const x of seg) {
    if (typeof x === 'string' && x.length > 1) for (let i = 0; i < x.length; i++) out.push(x[i] ?? '');
    else out.push(x);
  }
  return out;
}

function segAt(seg: ReadonlyArray<string | null | { set: string }>, s: string, at: number): boolean {
  if (at + seg.length > s.length) return false;
  for (let i = 0; i < seg.length; i++) {
    const want = seg[i];
    const c = s[at + i] ?? '';
    if (want === null || want === undefined) continue;
    if (typeof want === 'string') {
      if (want !== c) return false;
    } else if (!want.set.includes(c)) return false;
  }
  return true;
}

function findSeg(seg: ReadonlyArray<string | null | { set: string }>, s: string, from: number): number {
  for (let at = from; at + seg.length <= s.length; at++) if (segAt(seg, s, at)) return at;
  return -1;
}

/** General glob: first segment anchored at the start (unless a leading star), last at the end, middles leftmost. */
function globTest(parts: readonly PatternPart[]): StrTest {
  const { segs, leadStar, trailStar } = toSegments(parts);
  const u = segs.map(units);
  if (u.length === 1) {
    const only = u[0] ?? [];
    return (s) => s.length === only.length && segAt(only, s, 0);
  }
  const first = u[0] ?? [];
  const last = u[u.length - 1] ?? [];
  const middle = u.slice(1, -1).filter((x) => x.length > 0);
  const minLen = u.reduce((n, x) => n + x.length, 0);
  return (s) => {
    if (s.length < minLen) return false;
    let pos = 0;
    if (!leadStar) {
      if (!segAt(first, s, 0)) return false;
      pos = first.length;
    }
    const end = trailStar ? s.length : s.length - last.length;
    if (!trailStar && (end < pos || !segAt(last, s, end))) return false;
    for (const m of middle) {
      const at = findSeg(m, s, pos);
      if (at < 0 || at + m.length > end) return false;
      pos = at + m.length;
    }
    return true;
  };
}

/** The pattern as a predicate on (already case-folded when not cased) text. */
export function patternTest(parts: readonly PatternPart[]): StrTest {
  const lits: string[] = [];
  let shape = '';
  for (const p of parts) {
    if (p.t === 'lit') {
      lits.push(p.s);
      shape += 'L';
    } else if (p.t === 'star') shape += '*';
    else shape += '?';
  }
  const a = lits[0] ?? '';
  switch (shape) {
    case '':
      return (s) => s.length === 0;
    case 'L':
      return (s) => s === a;
    case '*':
      return () => true;
    case 'L*':
      return (s) => s.startsWith(a);
    case '*L':
      return (s) => s.endsWith(a);
    case '*L*':
      return (s) => s.includes(a);
    case 'L*L': {
      const b = lits[1] ?? '';
      return (s) => s.length >= a.length + b.length && s.startsWith(a) && s.endsWith(b);
    }
    case '*L*L*': {
      const b = lits[1] ?? '';
      return (s) => {
        const i = s.indexOf(a);
        return i >= 0 && s.indexOf(b, i + a.length) >= 0;
      };
    }
    default:
      return globTest(parts);
  }
}

/** Parts with literal text lower-cased (sets too), for case-insensitive matching on lower-cased text. */
export function foldParts(parts: readonly PatternPart[]): PatternPart[] {
  return parts.map((p) => (p.t === 'lit' ? { t: 'lit', s: p.s.toLowerCase() } : p.t === 'set' ? { t: 'set', chars: p.chars.toLowerCase() } : p));
}
