/** "Did you mean" for names: the closest candidates by edit distance (with transpositions). */

const MAX_LEN = 128;

/** Optimal string alignment distance, bounded: returns `limit + 1` as soon as the distance must exceed `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a.length > MAX_LEN || b.length > MAX_LEN) return a === b ? 0 : limit + 1;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] as number) + 1);
      cur.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] as number;
}

/**
 * Up to `max` candidates close to `word`: within an edit distance of about a third of its length (at least 1, at
 * most 3), or, for dotted field names, with the same last part (`ip` → `source.ip`). Closest first.
 */
export function closest(word: string, candidates: Iterable<string>, max = 3, bySuffix = true): string[] {
  const w = word.toLowerCase();
  const limit = w.length <= 2 ? 1 : Math.min(3, Math.max(2, Math.floor(w.length / 3)));
  const scored: [string, number][] = [];
  for (const c of candidates) {
    const lc = c.toLowerCase();
    if (lc === w) continue;
    const d = editDistance(w, lc, limit);
    if (d <= limit) scored.push([c, d]);
    else if (bySuffix && w.length >= 2 && (lc.endsWith(`.${w}`) || lc.split('.').pop() === w.split('.').pop())) scored.push([c, limit + 1]);
  }
  scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]));
  return scored.slice(0, max).map(([c]) => c);
}
