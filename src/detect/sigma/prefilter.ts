/*
 * The literal prefilter: an Aho-Corasick automaton over lower-cased literals, compiled to a dense DFA over the
 * literals' own alphabet (characters that occur in no literal share one class). One automaton per field key; a scan
 * marks every literal found in the text in a stamp array, so that rules whose required literals are absent are
 * never evaluated.
 */

const MAX_LITERAL = 256;

export class LiteralAutomaton {
  private readonly classOf: Uint16Array;
  private readonly nClasses: number;
  private readonly goto: Int32Array | Uint16Array;
  /** per node: start/end into outIds (patterns ending here, suffix outputs included) */
  private readonly outStart: Int32Array;
  private readonly outEnd: Int32Array;
  private readonly outIds: Int32Array;
  /** states numbered from here on have outputs */
  private readonly firstOut: number;

  /** `literals[i]` is reported as `ids[i]` (several literals may share an id's text; ids need not be unique). */
  constructor(literals: readonly string[], ids: readonly number[]) {
    const classOf = new Uint16Array(65536);
    let nClasses = 1;
    for (const l of literals) {
      for (let i = 0; i < l.length && i < MAX_LITERAL; i++) {
        const c = l.charCodeAt(i);
        if (classOf[c] === 0) classOf[c] = nClasses++;
      }
    }
    this.classOf = classOf;
    this.nClasses = nClasses;
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
    const go = new Int32Array(nNodes * nClasses);
    const fail = new Int32Array(nNodes);
    const outs: number[][] = ends.map((e) => [...e]);
    // BFS: fill the DFA row of each node from its failure node's row
    const queue: number[] = [];
    for (let c = 0; c < nClasses; c++) {
      const child = children[0]?.get(c);
      go[c] = child ?? 0;
      if (child !== undefined) {
        fail[child] = 0;
        queue.push(child);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const node = queue[qi] ?? 0;
      const f = fail[node] ?? 0;
      const fo = outs[f];
      if (fo && fo.length > 0) outs[node]?.push(...fo);
      for (let c = 0; c < nClasses; c++) {
        const child = children[node]?.get(c);
        if (child !== undefined) {
          fail[child] = go[f * nClasses + c] ?? 0;
          go[node * nClasses + c] = child;
          queue.push(child);
        } else go[node * nClasses + c] = go[f * nClasses + c] ?? 0;
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
    const remapped = new Int32Array(nNodes * nClasses);
    for (const [n, old] of order.entries()) {
      for (let c = 0; c < nClasses; c++) remapped[n * nClasses + c] = newId[go[old * nClasses + c] ?? 0] ?? 0;
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
  }

  get nodes(): number {
    return this.outStart.length;
  }

  /** Stamps `stamp[id] = epoch` for every literal found in `text` (lower-cased by the caller); new ids go to `hits`. */
  scan(text: string, stamp: Uint32Array, epoch: number, hits: number[]): void {
    const go = this.goto;
    const cls = this.classOf;
    const nc = this.nClasses;
    const os = this.outStart;
    const oe = this.outEnd;
    const ids = this.outIds;
    const first = this.firstOut;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      node = go[node * nc + (cls[text.charCodeAt(i)] ?? 0)] ?? 0;
      if (node < first) continue;
      const s = os[node] ?? 0;
      const e = oe[node] ?? 0;
      for (let k = s; k < e; k++) {
        const id = ids[k] ?? 0;
        if (stamp[id] !== epoch) {
          stamp[id] = epoch;
          hits.push(id);
        }
      }
    }
  }
}
