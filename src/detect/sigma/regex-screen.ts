/**
 * Screens a rule's regular expression (JavaScript syntax, after compileSigmaRegex's translation) for the shapes that
 * make a backtracking engine take exponential time on a failing input:
 *  - a repeated group whose body holds a variable quantifier whose characters can also start what comes after it in
 *    the same repetition or the next one: `(a+)+`, `(a*)*`, `(\w+\s?)+`, `(.*,)*x` — the same text splits many ways;
 *  - an alternation under a repetition whose branches can match the same text: `(a|a)*`, `(\d|[0-9])+`;
 *  - backreferences (`\1`, `\k<name>`), which no automaton can run and which Sigma's regex subset does not need.
 * The analysis is on character sets (ASCII exactly, everything else as one "other" class), so it is conservative in
 * one direction only: what it flags can be rewritten (possessive forms, atomic alternatives) and what it passes
 * still runs under the per-rule CPU budget.
 */

/** a character set: 128 ASCII bits and one bit for everything beyond */
type CharSet = { bits: Uint8Array; other: boolean };

type Node =
  | { t: 'set'; set: CharSet }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; branches: Node[] }
  | { t: 'quant'; node: Node; min: number; max: number }
  | { t: 'empty' };

/** repetitions above this count as unbounded (a{1,1000} backtracks like a+) */
const MANY = 16;
/** expressions longer than this are not analysed in detail (only backreferences are looked for) */
const MAX_SOURCE = 4096;
const MAX_DEPTH = 64;

function emptySet(): CharSet {
  return { bits: new Uint8Array(128), other: false };
}
function fullSet(): CharSet {
  return { bits: new Uint8Array(128).fill(1), other: true };
}
function rangeSet(lo: number, hi: number, set = emptySet()): CharSet {
  for (let c = lo; c <= Math.min(hi, 127); c++) set.bits[c] = 1;
  if (hi > 127) set.other = true;
  return set;
}
function union(a: CharSet, b: CharSet): CharSet {
  const out = emptySet();
  for (let i = 0; i < 128; i++) out.bits[i] = (a.bits[i] ?? 0) | (b.bits[i] ?? 0);
  out.other = a.other || b.other;
  return out;
}
function invert(a: CharSet): CharSet {
  const out = emptySet();
  for (let i = 0; i < 128; i++) out.bits[i] = a.bits[i] ? 0 : 1;
  // beyond ASCII a negated class still matches something unless it named everything
  out.other = true;
  return out;
}
function overlaps(a: CharSet, b: CharSet): boolean {
  if (a.other && b.other) return true;
  for (let i = 0; i < 128; i++) if (a.bits[i] && b.bits[i]) return true;
  return false;
}

const DIGIT = rangeSet(48, 57);
const WORD = rangeSet(95, 95, rangeSet(97, 122, rangeSet(65, 90, rangeSet(48, 57))));
const SPACE = (() => {
  const s = emptySet();
  for (const c of [9, 10, 11, 12, 13, 32]) s.bits[c] = 1;
  s.other = true;
  return s;
})();

class ParseLimit extends Error {}

/** A small parser for the regex syntax rules use; anything it does not know is read as "any character". */
class Parser {
  i = 0;
  backref = false;
  constructor(
    private readonly s: string,
    private readonly ignoreCase: boolean,
  ) {}

  parse(): Node {
    const n = this.alt(0);
    return n;
  }

  private alt(depth: number): Node {
    if (depth > MAX_DEPTH) throw new ParseLimit();
    const branches = [this.seq(depth)];
    while (this.s[this.i] === '|') {
      this.i++;
      branches.push(this.seq(depth));
    }
    return branches.length === 1 ? (branches[0] as Node) : { t: 'alt', branches };
  }

  private seq(depth: number): Node {
    const items: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const atom = this.atom(depth);
      items.push(this.quantifier(atom));
    }
    return items.length === 1 ? (items[0] as Node) : { t: 'seq', items };
  }

  private quantifier(atom: Node): Node {
    const c = this.s[this.i];
    let min = -1;
    let max = -1;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(this.s.slice(this.i));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' || m[3] === undefined ? Infinity : Number(m[3]);
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    if (this.s[this.i] === '?') this.i++;
    return this.quantifier({ t: 'quant', node: atom, min, max });
  }

  private atom(depth: number): Node {
    const c = this.s[this.i++] ?? '';
    if (c === '(') {
      let lookaround = false;
      if (this.s.startsWith('?:', this.i)) this.i += 2;
      else if (this.s.startsWith('?=', this.i) || this.s.startsWith('?!', this.i)) [this.i, lookaround] = [this.i + 2, true];
      else if (this.s.startsWith('?<=', this.i) || this.s.startsWith('?<!', this.i)) [this.i, lookaround] = [this.i + 3, true];
      else if (this.s.startsWith('?<', this.i)) {
        const end = this.s.indexOf('>', this.i);
        this.i = end < 0 ? this.s.length : end + 1;
      }
      const inner = this.alt(depth + 1);
      if (this.s[this.i] === ')') this.i++;
      // a lookaround consumes nothing
      return lookaround ? { t: 'empty' } : inner;
    }
    if (c === '[') return { t: 'set', set: this.charClass() };
    if (c === '.') return { t: 'set', set: fullSet() };
    if (c === '^' || c === '$') return { t: 'empty' };
    if (c === '\\') {
      const e = this.escape(false);
      return e === undefined ? { t: 'empty' } : { t: 'set', set: e };
    }
    return { t: 'set', set: this.literal(c.charCodeAt(0)) };
  }

  private literal(code: number): CharSet {
    const s = rangeSet(code, code);
    if (this.ignoreCase && code < 128) {
      const ch = String.fromCharCode(code);
      s.bits[ch.toLowerCase().charCodeAt(0) & 127] = 1;
      s.bits[ch.toUpperCase().charCodeAt(0) & 127] = 1;
    }
    return s;
  }

  /** After a backslash: a character set, or undefined for an assertion (\b, \B). */
  private escape(inClass: boolean): CharSet | undefined {
    const c = this.s[this.i++] ?? '';
    switch (c) {
      case 'd':
        return DIGIT;
      case 'D':
        return invert(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return invert(WORD);
      case 's':
        return SPACE;
      case 'S':
        return invert(SPACE);
      case 'b':
        return inClass ? rangeSet(8, 8) : undefined;
      case 'B':
        return undefined;
      case 'n':
        return rangeSet(10, 10);
      case 'r':
        return rangeSet(13, 13);
      case 't':
        return rangeSet(9, 9);
      case 'x': {
        const h = /^[0-9a-fA-F]{2}/.exec(this.s.slice(this.i));
        if (!h) return this.literal(120);
        this.i += 2;
        return this.literal(parseInt(h[0], 16));
      }
      case 'u': {
        const h = /^[0-9a-fA-F]{4}/.exec(this.s.slice(this.i));
        if (!h) return this.literal(117);
        this.i += 4;
        return this.literal(parseInt(h[0], 16));
      }
      case 'k':
        if (!inClass && this.s[this.i] === '<') {
          this.backref = true;
          const end = this.s.indexOf('>', this.i);
          this.i = end < 0 ? this.s.length : end + 1;
          return emptySet();
        }
        return this.literal(107);
      default:
        if (!inClass && c >= '1' && c <= '9') {
          this.backref = true;
          while (/[0-9]/.test(this.s[this.i] ?? '')) this.i++;
          return emptySet();
        }
        if (c === 'p' || c === 'P') {
          if (this.s[this.i] === '{') {
            const end = this.s.indexOf('}', this.i);
            this.i = end < 0 ? this.s.length : end + 1;
          }
          return fullSet();
        }
        return this.literal(c.charCodeAt(0));
    }
  }

  private charClass(): CharSet {
    let negate = false;
    if (this.s[this.i] === '^') {
      negate = true;
      this.i++;
    }
    let set = emptySet();
    let first = true;
    while (this.i < this.s.length && (this.s[this.i] !== ']' || first)) {
      first = false;
      let lo: CharSet | undefined;
      let loCode = -1;
      const c = this.s[this.i++] ?? '';
      if (c === '\\') lo = this.escape(true) ?? emptySet();
      else {
        loCode = c.charCodeAt(0);
        lo = this.literal(loCode);
      }
      if (loCode >= 0 && this.s[this.i] === '-' && this.s[this.i + 1] !== ']' && this.i + 1 < this.s.length) {
        this.i++;
        let hiCode = (this.s[this.i++] ?? '').charCodeAt(0);
        if (hiCode === 92) hiCode = (this.s[this.i++] ?? '').charCodeAt(0);
        if (hiCode >= loCode) {
          lo = rangeSet(loCode, hiCode);
          if (this.ignoreCase) for (let x = loCode; x <= Math.min(hiCode, 127); x++) lo = union(lo, this.literal(x));
        }
      }
      set = union(set, lo);
    }
    if (this.s[this.i] === ']') this.i++;
    return negate ? invert(set) : set;
  }
}

/** Characters a node can start with, and whether it can match the empty string. */
function first(n: Node): { set: CharSet; nullable: boolean } {
  switch (n.t) {
    case 'set':
      return { set: n.set, nullable: false };
    case 'empty':
      return { set: emptySet(), nullable: true };
    case 'quant': {
      const f = first(n.node);
      return { set: f.set, nullable: n.min === 0 || f.nullable };
    }
    case 'alt': {
      let set = emptySet();
      let nullable = false;
      for (const b of n.branches) {
        const f = first(b);
        set = union(set, f.set);
        nullable ||= f.nullable;
      }
      return { set, nullable };
    }
    case 'seq': {
      let set = emptySet();
      for (const it of n.items) {
        const f = first(it);
        set = union(set, f.set);
        if (!f.nullable) return { set, nullable: false };
      }
      return { set, nullable: true };
    }
  }
}

/** Every character a node can consume anywhere (for "can this loop body re-match what it just matched"). */
function chars(n: Node): CharSet {
  switch (n.t) {
    case 'set':
      return n.set;
    case 'empty':
      return emptySet();
    case 'quant':
      return chars(n.node);
    case 'alt':
    case 'seq': {
      let set = emptySet();
      for (const x of n.t === 'alt' ? n.branches : n.items) set = union(set, chars(x));
      return set;
    }
  }
}

/** A branch made only of single characters: its sets in order (undefined when it has quantifiers or alternations). */
function fixedString(n: Node): CharSet[] | undefined {
  if (n.t === 'set') return [n.set];
  if (n.t === 'seq') {
    const out: CharSet[] = [];
    for (const it of n.items) {
      const f = fixedString(it);
      if (!f) return undefined;
      out.push(...f);
    }
    return out;
  }
  return n.t === 'empty' ? [] : undefined;
}

/**
 * Inside the body of a repetition: a variable quantifier whose characters overlap what may follow it — the rest of
 * this iteration, or (when the rest can be empty) the start of the next iteration.
 */
function ambiguousInside(body: Node, loopFirst: CharSet): string | undefined {
  const walk = (n: Node, follow: CharSet): string | undefined => {
    switch (n.t) {
      case 'quant': {
        if (n.max > n.min && n.max >= 2 && overlaps(chars(n.node), follow)) return 'a repeated group holds a quantifier whose text can also be matched by what follows it';
        return walk(n.node, union(follow, first(n.node).set));
      }
      case 'alt':
        for (const b of n.branches) {
          const r = walk(b, follow);
          if (r) return r;
        }
        return undefined;
      case 'seq': {
        // what follows item k: the first characters of the items after it, up to the first one that cannot be empty
        for (let k = 0; k < n.items.length; k++) {
          let f = emptySet();
          let open = true;
          for (let j = k + 1; j < n.items.length && open; j++) {
            const fj = first(n.items[j] as Node);
            f = union(f, fj.set);
            open = fj.nullable;
          }
          const r = walk(n.items[k] as Node, open ? union(f, follow) : f);
          if (r) return r;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  };
  return walk(body, loopFirst);
}

function screen(n: Node): string | undefined {
  switch (n.t) {
    case 'quant': {
      if (n.max >= MANY) {
        const body = n.node;
        const alts = body.t === 'alt' ? body.branches : [];
        for (let a = 0; a < alts.length; a++) {
          for (let b = a + 1; b < alts.length; b++) {
            const x = fixedString(alts[a] as Node);
            const y = fixedString(alts[b] as Node);
            if (!x || !y || x.length === 0 || y.length === 0) continue;
            // the same text, or one branch the start of the other (`(a|aa)+`: the text splits many ways)
            const [short, long] = x.length <= y.length ? [x, y] : [y, x];
            if (short.every((s, i) => overlaps(s, long[i] as CharSet))) return 'a repeated alternation has branches that match the same text';
          }
        }
        const r = ambiguousInside(body, first(body).set);
        if (r) return r;
      }
      return screen(n.node);
    }
    case 'alt':
    case 'seq':
      for (const x of n.t === 'alt' ? n.branches : n.items) {
        const r = screen(x);
        if (r) return r;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Why a regular expression risks catastrophic backtracking, or undefined when the screen finds nothing. */
export function backtrackingRisk(source: string, ignoreCase = false): string | undefined {
  const p = new Parser(source.length > MAX_SOURCE ? '' : source, ignoreCase);
  let tree: Node;
  try {
    tree = p.parse();
  } catch (e) {
    if (e instanceof ParseLimit) return 'groups nested too deeply to analyse';
    throw e;
  }
  if (source.length > MAX_SOURCE) return /\\[1-9]|\\k</.test(source) ? 'a backreference' : undefined;
  if (p.backref) return 'a backreference (Sigma regular expressions are matched without them)';
  return screen(tree);
}
