import { opendir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';

const MAGIC = /[*?[{]/;
const MAX_BRACE_DEPTH = 8;
/** directory levels `**` descends at most */
const MAX_DEPTH = 16;

export function hasMagic(glob: string): boolean {
  return MAGIC.test(glob);
}

function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/**
 * A glob as an anchored regular expression over a whole path: `*` and `?` stay within one path segment, `**` spans
 * segments, `{a,b}` is an alternation, `[…]` (`[!…]` negated) a character class. Throws on an unbalanced brace.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        if (atStart && glob[i + 2] === '/') {
          out += '(?:[^/]*/)*';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        const neg = body.startsWith('!') || body.startsWith('^');
        if (neg) body = body.slice(1);
        out += `[${neg ? '^/' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
        i = end;
      }
    } else if (c === '{') {
      if (++braces > MAX_BRACE_DEPTH) throw new Error(`too many nested braces in ${glob}`);
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else if (c === '\\' && i + 1 < glob.length) out += escapeChar(glob[++i] as string);
    else out += escapeChar(c);
  }
  if (braces !== 0) throw new Error(`unbalanced braces in ${glob}`);
  return new RegExp(`^${out}$`);
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
  const res = globs.map((g) => ({ whole: g.includes('/'), re: globToRegExp(g) }));
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
  const re = globToRegExp(abs);
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
