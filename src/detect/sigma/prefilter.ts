/*
 * The literal prefilter: an Aho-Corasick automaton over lower-cased literals. One automaton per field key; a scan
 * marks every literal found in the text in a stamp array, so that rules whose required literals are absent are
 * never evaluated.
 *
 * Transitions on ASCII characters that occur in some literal are a dense DFA table (one row per state, one column per
 * such character; characters that occur in no literal share column 0 and lead back to the root). Characters outside
 * ASCII that occur in literals (homoglyphs, emoji, other scripts in a few rules) are not columns: they would multiply
 * the table by the size of their alphabet (a thousand columns for command-line literals, tens of MB of rows that no
 * cache holds). Their transitions follow the failure links instead, through a small map of the trie edges on such
 * characters: at most one step per character of the longest literal, and only for those characters. Upper-case ASCII
 * letters share the columns of their lower-case letters, so ASCII values are scanned without lower-casing them.
 */

const MAX_LITERAL = 256;
/** code units below this are dense columns */
const DENSE_LIMIT = 128;
/**
 * With this few literals, a long text is lower-cased and searched for each literal (the engine's string search skips
 * ahead where the automaton reads every character): 3.4 → 1.3 µs for two literals in a 300-character syslog line
 * holding a BOM (a two-byte string, slow to read character by character). With up to eight, the SigmaHQ stream bench
 * (Windows event data: mixed-case values, lower-cased into copies) measured slower than the automaton; with two, the same.
 */
const FEW_LITERALS = 2;
/** ... for texts at least this long (a short one is read faster by the automaton than lower-cased) */
const FEW_LITERALS_MIN_TEXT = 64;
/**
 * Automata of at most this many states also get a table indexed by ASCII code directly (128 columns, 2 MB at most),
 * which saves scanAscii the class lookup of every character (14 literals on a 237-character ASCII line: 1.3 → 1.1 µs;
 * the shipped rules on a loggen line: 3.3–3.8 → 3.1–3.5 µs). Larger automata keep only the class table.
 */
const ASCII_TABLE_MAX_STATES = 8192;

/**
 * Texts at least this long are scanned as UTF-8 bytes, copied by the encoder into SCRATCH: reading a string character
 * by character is slower when it is a slice of another (a syslog message is a slice of its line). The shipped rules'
 * message automaton on a 236-character loggen message: 1.1 µs read from the string, 0.7 µs from the bytes, the copy
 * included.
 */
const BYTES_MIN_TEXT = 64;
/** what scanAscii reads bytes from (a longer text: the rest from the text itself) */
const SCRATCH = new Uint8Array(65536);
const ENCODER = new TextEncoder();

export class LiteralAutomaton {
  /** code unit → class: 0 none, 1 … nDense-1 dense columns, nDense … rare characters */
  private readonly classOf: Uint16Array;
  private readonly nDense: number;
  private readonly goto: Int32Array | Uint16Array;
  /** failure link of each state (renumbered) */
  private readonly fail: Int32Array;
  /** trie edges on rare characters: (state * nRare + rare class) → child state */
  private readonly rareChild: Map<number, number>;
  private readonly nRare: number;
  /** per node: start/end into outIds (patterns ending here, suffix outputs included) */
  private readonly outStart: Int32Array;
  private readonly outEnd: Int32Array;
  private readonly outIds: Int32Array;
  /** states numbered from here on have outputs */
  private readonly firstOut: number;
  /** upper-case ASCII letters share their lower-case letter's column (no literal has one) */
  private readonly foldsCase: boolean;
  /** state * 128 + ASCII code → next state (see ASCII_TABLE_MAX_STATES), when the automaton folds case */
  private readonly asciiGo: Uint16Array | undefined;
  /** the literals (as the automaton reads them) and their ids, when there are at most FEW_LITERALS */
  private readonly few: { lits: string[]; ids: number[] } | undefined;

  /** `literals[i]` is reported as `ids[i]` (several literals may share an id's text; ids need not be unique). */
  constructor(literals: readonly string[], ids: readonly number[]) {
    if (literals.length <= FEW_LITERALS) {
      const few = { lits: [] as string[], ids: [] as number[] };
      // an empty literal is never reported (see outStart below)
      literals.forEach((l, i) => {
        if (l.length === 0) return;
        few.lits.push(l.slice(0, MAX_LITERAL));
        few.ids.push(ids[i] ?? -1);
      });
      this.few = few;
    }
    const classOf = new Uint16Array(65536);
    let nDense = 1;
    for (const l of literals) {
      for (let i = 0; i < l.length && i < MAX_LITERAL; i++) {
        const c = l.charCodeAt(i);
        if (c < DENSE_LIMIT && classOf[c] === 0) classOf[c] = nDense++;
      }
    }
    let nRare = 0;
    for (const l of literals) {
      for (let i = 0; i < l.length && i < MAX_LITERAL; i++) {
        const c = l.charCodeAt(i);
        if (c >= DENSE_LIMIT && classOf[c] === 0) classOf[c] = nDense + nRare++;
      }
    }
    // upper-case ASCII letters read as their lower-case letter, so that ASCII text is scanned as it is (scanAscii);
    // lower-cased text has none of them, so scan is unchanged (unless a literal has one: then no folding)
    let upperInLiterals = false;
    for (let c = 65; c <= 90; c++) if (classOf[c] !== 0) upperInLiterals = true;
    if (!upperInLiterals) for (let c = 65; c <= 90; c++) classOf[c] = classOf[c + 32] ?? 0;
    this.foldsCase = !upperInLiterals;
    this.classOf = classOf;
    this.nDense = nDense;
    this.nRare = nRare;
    // trie
    const children: Array<Map<number, number>> = [new Map<number, number>()];
    const ends: number[][] = [[]];
    for (const [k, l] of literals.entries()) {
      let node = 0;
      const n = Math.min(l.length, MAX_LITERAL);
      for (let i = 0; i < n; i++) {
        const cls = classOf[l.charCodeAt(i)] ?? 0;
        const map = children[node] ?? new Map<number, number>();
        let next = map.get(cls);
        if (next === undefined) {
          next = children.length;
          children.push(new Map<number, number>());
          ends.push([]);
          map.set(cls, next);
        }
        node = next;
      }
      ends[node]?.push(ids[k] ?? -1);
    }
    const nNodes = children.length;
    const go = new Int32Array(nNodes * nDense);
    const fail = new Int32Array(nNodes);
    const outs: number[][] = ends.map((e) => [...e]);
    // failure of a child reached on a rare class: follow failures until a state has that edge (the root stops)
    const rareGo = (s: number, cls: number): number => {
      for (let t = s; ; t = fail[t] ?? 0) {
        const c = children[t]?.get(cls);
        if (c !== undefined) return c;
        if (t === 0) return 0;
      }
    };
    // BFS: fill the dense row of each node from its failure node's row
    const queue: number[] = [];
    for (const [c, child] of children[0] ?? []) {
      if (c < nDense) go[c] = child;
      fail[child] = 0;
      queue.push(child);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const node = queue[qi] ?? 0;
      const f = fail[node] ?? 0;
      const fo = outs[f];
      if (fo && fo.length > 0) outs[node]?.push(...fo);
      for (let c = 0; c < nDense; c++) go[node * nDense + c] = go[f * nDense + c] ?? 0;
      for (const [c, child] of children[node] ?? []) {
        // a child's failure is where the failure of its parent goes on the same character
        fail[child] = c < nDense ? (go[f * nDense + c] ?? 0) : rareGo(f, c);
        if (c < nDense) go[node * nDense + c] = child;
        queue.push(child);
      }
    }
    // states renumbered: those without output first (the root stays 0), so a scan tests `state >= firstOut`
    // instead of reading the output table at every character
    const order: number[] = [];
    for (let i = 0; i < nNodes; i++) if ((outs[i]?.length ?? 0) === 0 || i === 0) order.push(i);
    this.firstOut = order.length;
    for (let i = 1; i < nNodes; i++) if ((outs[i]?.length ?? 0) > 0) order.push(i);
    const newId = new Int32Array(nNodes);
    for (const [n, old] of order.entries()) newId[old] = n;
    const remapped = new Int32Array(nNodes * nDense);
    this.fail = new Int32Array(nNodes);
    this.rareChild = new Map<number, number>();
    for (const [n, old] of order.entries()) {
      for (let c = 0; c < nDense; c++) remapped[n * nDense + c] = newId[go[old * nDense + c] ?? 0] ?? 0;
      this.fail[n] = newId[fail[old] ?? 0] ?? 0;
      for (const [c, child] of children[old] ?? []) if (c >= nDense) this.rareChild.set(n * nRare + (c - nDense), newId[child] ?? 0);
    }
    // rows of 16-bit states when they fit: half the memory, fewer cache misses while scanning
    this.goto = nNodes <= 65535 ? Uint16Array.from(remapped) : remapped;
    this.outStart = new Int32Array(nNodes);
    this.outEnd = new Int32Array(nNodes);
    const flat: number[] = [];
    for (const [n, old] of order.entries()) {
      this.outStart[n] = flat.length;
      // the root's outputs (empty literals) are never reported: literals are at least one character
      if (old !== 0) for (const id of outs[old] ?? []) flat.push(id);
      this.outEnd[n] = flat.length;
    }
    this.outIds = Int32Array.from(flat);
    if (this.foldsCase && nNodes <= ASCII_TABLE_MAX_STATES && nNodes <= 65535) {
      const ag = new Uint16Array(nNodes * DENSE_LIMIT);
      for (let n = 0; n < nNodes; n++) for (let c = 0; c < DENSE_LIMIT; c++) ag[n * DENSE_LIMIT + c] = remapped[n * nDense + (classOf[c] ?? 0)] ?? 0;
      this.asciiGo = ag;
    }
  }

  get nodes(): number {
    return this.outStart.length;
  }

  /** Columns of the dense table (ASCII characters of the literals, plus one for all others). */
  get denseColumns(): number {
    return this.nDense;
  }

  /** The state after `node` on a rare character (class `rc` among the rare ones): the failure chain's first edge. */
  private rareStep(node: number, rc: number): number {
    const nr = this.nRare;
    const fail = this.fail;
    const edges = this.rareChild;
    // the chain is at most as long as the state's depth (≤ MAX_LITERAL), ending at the root
    for (let t = node; ; t = fail[t] ?? 0) {
      const c = edges.get(t * nr + rc);
      if (c !== undefined) return c;
      if (t === 0) return 0;
    }
  }

  /**
   * As scan on `text.toLowerCase()`, without lower-casing the whole text: ASCII is read as it is (upper case folded by
   * the classes), a character outside ASCII is lower-cased alone. Returns false when it cannot stand for scan (the
   * automaton does not fold case, or a capital sigma, whose lower case depends on its neighbours): the caller then
   * scans the lower-cased text (the literals stamped so far do occur in it).
   */
  scanAscii(text: string, stamp: Uint32Array, epoch: number, hits: number[]): boolean {
    if (this.few !== undefined && text.length >= FEW_LITERALS_MIN_TEXT) {
      this.searchFew(text.toLowerCase(), stamp, epoch, hits);
      return true;
    }
    if (!this.foldsCase) return false;
    const ag = this.asciiGo;
    if (ag === undefined) return this.scanFolding(text, 0, 0, stamp, epoch, hits);
    // the common case in a loop of its own: ASCII, one read of the direct table per character (row = state << 7:
    // DENSE_LIMIT is 128)
    const first = this.firstOut;
    const n = text.length;
    let node = 0;
    let i = 0;
    if (n >= BYTES_MIN_TEXT) {
      // a long text is read as UTF-8 bytes: up to its first character outside ASCII, one byte per character, so `i`
      // indexes the text too (every byte of a longer sequence is 128 or more); the rest is read from the text
      const written = ENCODER.encodeInto(text, SCRATCH).written;
      const b = SCRATCH;
      for (; i < written; i++) {
        const c = b[i] as number;
        if (c >= DENSE_LIMIT) break;
        node = ag[(node << 7) | c] as number;
        if (node >= first) this.emit(node, stamp, epoch, hits);
      }
    } else {
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c >= DENSE_LIMIT) break;
        node = ag[(node << 7) | c] as number;
        if (node >= first) this.emit(node, stamp, epoch, hits);
      }
    }
    return i === n || this.scanFolding(text, i, node, stamp, epoch, hits);
  }

  /** scanAscii from `start` in state `node`, through the class table, lower-casing what is not ASCII one by one. */
  private scanFolding(text: string, start: number, node: number, stamp: Uint32Array, epoch: number, hits: number[]): boolean {
    const go = this.goto;
    const cls = this.classOf;
    const nd = this.nDense;
    const first = this.firstOut;
    const n = text.length;
    for (let i = start; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < DENSE_LIMIT) {
        node = go[node * nd + (cls[c] as number)] as number;
        if (node >= first) this.emit(node, stamp, epoch, hits);
        continue;
      }
      // a character outside ASCII: its own lower case, scanned as scan would (one code point; a surrogate pair
      // whole). Lower-casing is per code point except the final sigma, which depends on its neighbours: give up.
      if (c === 0x3a3) return false;
      const next = text.charCodeAt(i + 1);
      const pair = c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
      const low = (pair ? text.slice(i, i + 2) : text[i] ?? '').toLowerCase();
      if (pair) i++;
      for (let u = 0; u < low.length; u++) {
        const k = cls[low.charCodeAt(u)] ?? 0;
        node = k < nd ? (go[node * nd + k] ?? 0) : this.rareStep(node, k - nd);
        if (node >= first) this.emit(node, stamp, epoch, hits);
      }
    }
    return true;
  }

  /** Stamps the literals that end at `node`. */
  private emit(node: number, stamp: Uint32Array, epoch: number, hits: number[]): void {
    const ids = this.outIds;
    for (let j = this.outStart[node] ?? 0, e = this.outEnd[node] ?? 0; j < e; j++) {
      const id = ids[j] ?? 0;
      if (stamp[id] !== epoch) {
        stamp[id] = epoch;
        hits.push(id);
      }
    }
  }

  /** Stamps `stamp[id] = epoch` for every literal found in `text` (lower-cased by the caller); new ids go to `hits`. */
  scan(text: string, stamp: Uint32Array, epoch: number, hits: number[]): void {
    if (this.few !== undefined && text.length >= FEW_LITERALS_MIN_TEXT) {
      this.searchFew(text, stamp, epoch, hits);
      return;
    }
    const go = this.goto;
    const cls = this.classOf;
    const nd = this.nDense;
    const first = this.firstOut;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const k = cls[text.charCodeAt(i)] ?? 0;
      node = k < nd ? (go[node * nd + k] ?? 0) : this.rareStep(node, k - nd);
      if (node >= first) this.emit(node, stamp, epoch, hits);
    }
  }

  /** As scan, by searching the (lower-cased) text for each of a few literals. */
  private searchFew(lower: string, stamp: Uint32Array, epoch: number, hits: number[]): void {
    const few = this.few;
    if (few === undefined) return;
    for (let i = 0; i < few.lits.length; i++) {
      const id = few.ids[i] ?? -1;
      if (stamp[id] === epoch || !lower.includes(few.lits[i] ?? '')) continue;
      stamp[id] = epoch;
      hits.push(id);
    }
  }
}
