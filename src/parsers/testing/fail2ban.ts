import { readFileSync } from 'node:fs';
import { getPath, type EcsEvent } from '../../schema/event.js';
import { LineParser } from '../line.js';

/**
 * Conformance against fail2ban's annotated sample logs (../shared/data/fail2ban/logs, read by tests only, never
 * shipped). Each `# failJSON: {...}` describes the next line: `match: true` lines must give a failure (or deny/attack)
 * event whose source is the annotated host and whose user.name is the annotated user where given; `match: false`
 * lines must not give a failure for that host.
 */
export const FAIL2BAN_LOGS = new URL('../../../../shared/data/fail2ban/logs/', import.meta.url);

export interface Fail2banCase {
  /** 1-based line number in the file */
  line: number;
  text: string;
  match: boolean;
  host?: string;
  user?: string;
}

const DIRECTIVE = /^#+ ?(failJSON|fileOptions|filterOptions|addFILE):(.+)$/;

export function readFail2banLog(name: string): Fail2banCase[] {
  const lines = readFileSync(new URL(name, FAIL2BAN_LOGS), 'utf8').split('\n');
  const out: Fail2banCase[] = [];
  let pending: Record<string, unknown> | undefined;
  lines.forEach((text, i) => {
    const d = DIRECTIVE.exec(text);
    if (d) {
      if (d[1] === 'failJSON') pending = JSON.parse(d[2] as string) as Record<string, unknown>;
      return;
    }
    if (text.startsWith('#') || text.trim() === '') return;
    const j = pending ?? {};
    pending = undefined;
    const c: Fail2banCase = { line: i + 1, text, match: j['match'] === true };
    if (typeof j['host'] === 'string') c.host = j['host'];
    if (typeof j['user'] === 'string') c.user = j['user'];
    out.push(c);
  });
  return out;
}

/** A failed authentication, a denied connection or a detected attack. */
export function isFailureEvent(e: EcsEvent): boolean {
  if (getPath(e, 'event.outcome') === 'failure') return true;
  const type = getPath(e, 'event.type');
  if (Array.isArray(type) && (type.includes('denied') || type.includes('indicator'))) return true;
  const action = getPath(e, 'event.action');
  return action === 'deny' || action === 'drop' || action === 'reject';
}

function sourceMatches(e: EcsEvent, host: string): boolean {
  return [getPath(e, 'source.ip'), getPath(e, 'source.domain'), getPath(e, 'source.address')].includes(host);
}

/** Why this case fails, or undefined when it passes. */
export function checkCase(e: EcsEvent, c: Fail2banCase): string | undefined {
  if (getPath(e, 'event.original') !== c.text) return 'event.original is not the line';
  const failure = isFailureEvent(e);
  if (!c.match) return failure && c.host !== undefined && sourceMatches(e, c.host) ? `failure reported for ${c.host}` : undefined;
  if (!failure) return 'no failure event';
  if (c.host !== undefined && !sourceMatches(e, c.host)) return `source ${String(getPath(e, 'source.ip') ?? getPath(e, 'source.domain'))} is not ${c.host}`;
  if (c.user !== undefined && getPath(e, 'user.name') !== c.user) return `user.name ${String(getPath(e, 'user.name'))} is not ${c.user}`;
  return undefined;
}

export interface FileResult {
  file: string;
  format?: string;
  matchLines: number;
  matchPassed: number;
  noMatchLines: number;
  noMatchPassed: number;
  failures: { line: number; reason: string; text: string }[];
}

/** Runs every annotated line of one file through the line parser (with `format` when given). */
export function runFail2banFile(file: string, format?: string): FileResult {
  const parser = new LineParser(() => Date.UTC(2005, 7, 14, 10));
  const r: FileResult = { file, matchLines: 0, matchPassed: 0, noMatchLines: 0, noMatchPassed: 0, failures: [] };
  if (format !== undefined) r.format = format;
  for (const c of readFail2banLog(file)) {
    const e = parser.parse({ message: c.text, receivedAt: 0, ...(format !== undefined ? { format } : {}) });
    const why = checkCase(e, c);
    if (c.match) r.matchLines++;
    else r.noMatchLines++;
    if (why === undefined) {
      if (c.match) r.matchPassed++;
      else r.noMatchPassed++;
    } else r.failures.push({ line: c.line, reason: why, text: c.text.slice(0, 160) });
  }
  return r;
}

/** One table row per file, for the test output and the README's coverage figure. */
export function formatTable(results: readonly FileResult[]): string {
  const rows = results.map((r) => `${r.file.padEnd(24)} match ${r.matchPassed}/${r.matchLines}  no-match ${r.noMatchPassed}/${r.noMatchLines}`);
  const m = results.reduce((a, r) => a + r.matchPassed, 0);
  const mt = results.reduce((a, r) => a + r.matchLines, 0);
  return [...rows, `${results.length} files: ${m}/${mt} match lines pass`].join('\n');
}

/** A sample line where Vigil deliberately differs from fail2ban: why, and what the line must give instead. */
export interface SpecialCase {
  reason: string;
  check(e: EcsEvent, c: Fail2banCase): void;
}

/** Special cases keyed `file:line`. */
export type SpecialCases = Readonly<Record<string, SpecialCase>>;

/** The failures of a file that are not listed as special cases. */
export function unexpectedFailures(r: FileResult, special: SpecialCases): FileResult['failures'] {
  return r.failures.filter((f) => special[`${r.file}:${f.line}`] === undefined);
}

/**
 * Every special case still differs from fail2ban (it is among its file's failures; otherwise it should be removed)
 * and gives what its check asserts. Throws the first problem.
 */
export function checkSpecialCases(special: SpecialCases, results: readonly FileResult[]): void {
  const parser = new LineParser(() => Date.UTC(2005, 7, 14, 10));
  for (const [key, s] of Object.entries(special)) {
    const [file, line] = key.split(':') as [string, string];
    const c = readFail2banLog(file).find((x) => x.line === Number(line));
    if (!c) throw new Error(`${key} does not exist`);
    const r = results.find((x) => x.file === file);
    if (!r?.failures.some((f) => f.line === c.line)) throw new Error(`${key} is listed but passes: remove it from the special cases`);
    s.check(parser.parse({ message: c.text, receivedAt: 0 }), c);
  }
}
