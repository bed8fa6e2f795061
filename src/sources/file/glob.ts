import { opendir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';

const MAGIC = /[*?[{]/;
/** directory levels `**` descends at most */
const MAX_DEPTH = 16;

export function hasMagic(glob: string): boolean {
  return MAGIC.test(glob);
}

const MAX_ALTERNATIVES = 1024;

/** One character position of a segment pattern. */
type Tok = { k: 'lit'; c: string } | { k: 'one' } | { k: 'star' } | { k: 'class'; neg: boolean; ranges: [string, string][] };
/** A path segment pattern, or `**` (any number of segments). */
type Seg = Tok[] | 'globstar';

export interface Glob {
  test(path: string): boolean;
}

/** `a{b,c{d,e}}f` → `abf`, `acdf`, `acef` (at most MAX_ALTERNATIVES, or it throws). */
function expandBraces(glob: string, depth = 0): string[] {
  let open = -1;
  let level = 0;
  const commas: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '{') {
      if (level++ === 0) {
        open = i;
        commas.length = 0;
      }
    } else if (c === ',' && level === 1) commas.push(i);
    else if (c === '}' && level > 0 && --level === 0) {
      if (depth > 8) throw new Error(`too many nested braces in ${glob}`);
      const parts: string[] = [];
      let from = open + 1;
      for (const k of [...commas, i]) {
        parts.push(glob.slice(from, k));
        from = k + 1;
      }
      const out: string[] = [];
      for (const rest of expandBraces(glob.slice(i + 1), depth)) {
        for (const p of parts) {
          for (const x of expandBraces(p, depth + 1)) {
            out.push(glob.slice(0, open) + x + rest);
            if (out.length > MAX_ALTERNATIVES) throw new Error(`${glob} expands to more than ${MAX_ALTERNATIVES} patterns`);
          }
        }
      }
      return out;
    }
  }
  if (level !== 0) throw new Error(`unbalanced braces in ${glob}`);
  return [glob];
}

function compileSegment(seg: string): Tok[] {
  const toks: Tok[] = [];
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string;
    if (c === '*') {
      if (toks[toks.length - 1]?.k !== 'star') toks.push({ k: 'star' });
    } else if (c === '?') toks.push({ k: 'one' });
    else if (c === '[' && seg.indexOf(']', i + 2) > 0) {
      const end = seg.indexOf(']', i + 2);
      let body = seg.slice(i + 1, end);
      const neg = body.startsWith('!') || body.startsWith('^');
      if (neg) body = body.slice(1);
      const ranges: [string, string][] = [];
      for (let j = 0; j < body.length; j++) {
        const a = body[j] as string;
        if (body[j + 1] === '-' && j + 2 < body.length) {
          ranges.push([a, body[j + 2] as string]);
          j += 2;
        } else ranges.push([a, a]);
      }
      toks.push({ k: 'class', neg, ranges });
      i = end;
    } else if (c === '\\' && i + 1 < seg.length) toks.push({ k: 'lit', c: seg[++i] as string });
    else toks.push({ k: 'lit', c });
  }
  return toks;
}

function tokMatches(t: Tok, c: string): boolean {
  if (t.k === 'lit') return t.c === c;
  if (t.k === 'one') return true;
  if (t.k === 'class') return t.ranges.some(([lo, hi]) => c >= lo && c <= hi) !== t.neg;
  return false;
}

/** Wildcard match of one segment: the two-pointer method, O(pattern × text) at worst, no exponential backtracking. */
function matchSegment(toks: Tok[], s: string): boolean {
  let ti = 0;
  let si = 0;
  let starT = -1;
  let starS = 0;
  while (si < s.length) {
    const t = toks[ti];
    if (t && t.k !== 'star' && tokMatches(t, s[si] as string)) {
      ti++;
      si++;
    } else if (t?.k === 'star') {
      starT = ti++;
      starS = si;
    } else if (starT >= 0) {
      ti = starT + 1;
      si = ++starS;
    } else return false;
  }
  while (toks[ti]?.k === 'star') ti++;
  return ti === toks.length;
}

function matchSegments(segs: Seg[], parts: string[]): boolean {
  // memo over (segment, part): O(segments × parts) states
  const seen = new Set<number>();
  const width = parts.length + 1;
  const go = (i: number, j: number): boolean => {
    const key = i * width + j;
    if (seen.has(key)) return false;
    seen.add(key);
    if (i === segs.length) return j === parts.length;
    const seg = segs[i] as Seg;
    if (seg === 'globstar') {
      for (let k = j; k <= parts.length; k++) if (go(i + 1, k)) return true;
      return false;
    }
    return j < parts.length && matchSegment(seg, parts[j] as string) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

/**
 * A glob over whole paths: `*` and `?` stay within one path segment, `**` as a segment spans any number of them,
 * `{a,b}` is an alternation (expanded, at most 1024 patterns), `[…]` (`[!…]` negated) a character class. Matching is
 * linear-ish in the path (no regular expression, no catastrophic backtracking). Throws on unbalanced braces.
 */
export function compileGlob(glob: string): Glob {
  const alternatives = expandBraces(glob).map((g) => g.split('/').map((seg): Seg => (seg === '**' ? 'globstar' : compileSegment(seg))));
  return { test: (path) => alternatives.some((segs) => matchSegments(segs, path.split('/'))) };
}

/** The longest leading directory of the glob that has no wildcard in it. */
export function globBase(glob: string): string {
  const parts = glob.split('/');
  const fixed: string[] = [];
  for (const p of parts.slice(0, -1)) {
    if (hasMagic(p)) break;
    fixed.push(p);
  }
  if (fixed.length === parts.length - 1 && !hasMagic(parts[parts.length - 1] ?? '')) return dirname(glob);
  const base = fixed.join('/');
  return base === '' ? (glob.startsWith('/') ? '/' : '.') : base;
}

/** A pattern for excluded files: one with a `/` is matched against the whole path, one without against the name. */
export function excludeMatcher(globs: readonly string[]): (path: string) => boolean {
  const res = globs.map((g) => ({ whole: g.includes('/'), re: compileGlob(g) }));
  return (path) => res.some(({ whole, re }) => re.test(whole ? path : basename(path)));
}

export interface ScanResult {
  files: string[];
  /** the scan stopped at its bound on directory entries */
  truncated: boolean;
  errors: { path: string; message: string }[];
}

/**
 * The regular files a glob matches now (absolute paths, sorted). A bounded walk: at most `maxEntries` directory entries
 * read, `**` descends at most 16 levels, directories reached through symbolic links are not entered (no loops).
 */
export async function scanGlob(glob: string, maxEntries: number): Promise<ScanResult> {
  const abs = isAbsolute(glob) ? glob : resolve(glob);
  const result: ScanResult = { files: [], truncated: false, errors: [] };
  if (!hasMagic(abs)) {
    try {
      if ((await stat(abs)).isFile()) result.files.push(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') result.errors.push({ path: abs, message: (err as Error).message });
    }
    return result;
  }
  const re = compileGlob(abs);
  const base = globBase(abs);
  const rest = abs.slice(base.length).split('/').filter(Boolean);
  const maxDepth = abs.includes('**') ? MAX_DEPTH : rest.length;
  let seen = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    let handle;
    try {
      handle = await opendir(dir, { bufferSize: 64 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') result.errors.push({ path: dir, message: (err as Error).message });
      return;
    }
    const subdirs: string[] = [];
    try {
      for await (const ent of handle) {
        if (++seen > maxEntries) {
          result.truncated = true;
          break;
        }
        const p = dir === sep ? `${sep}${ent.name}` : join(dir, ent.name);
        if (ent.isDirectory()) {
          if (depth + 1 < maxDepth) subdirs.push(p);
        } else if ((ent.isFile() || ent.isSymbolicLink()) && re.test(p)) {
          if (ent.isSymbolicLink()) {
            try {
              if (!(await stat(p)).isFile()) continue;
            } catch {
              continue;
            }
          }
          result.files.push(p);
        }
      }
    } catch (err) {
      result.errors.push({ path: dir, message: (err as Error).message });
    }
    for (const d of subdirs) {
      if (result.truncated) return;
      await walk(d, depth + 1);
    }
  };
  await walk(base, 0);
  result.files.sort();
  return result;
}
