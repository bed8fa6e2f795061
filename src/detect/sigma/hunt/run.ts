import { VigilError } from '../../../core/errors.js';
import { parseTimeArg } from '../../../core/time.js';
import { parseQuery } from '../../../query/parser.js';
import type { EcsEvent } from '../../../schema/event.js';
import type { Store } from '../../../store/store.js';
import { DetectionEngine } from '../../engine.js';
import { loadRuleSet, ruleFiles } from '../../ruleset.js';
import { compileRules } from '../compile.js';
import { loadSigmaPaths } from '../load.js';
import { huntQuery, type HuntQuery } from './compile.js';

export interface HuntOptions {
  from?: string | undefined;
  to?: string | undefined;
  /** matches to return at most (default 1000) */
  limit?: number;
  /** candidate events examined at most (default 2,000,000) */
  maxScanned?: number;
  now?: number;
}

export interface HuntResult {
  rules: Array<{ id: string; title: string } & HuntQuery>;
  /** the filter run against the store (the rules' filters OR'ed) */
  query: string;
  /** candidates the filter returned and the matcher examined */
  scanned: number;
  matched: number;
  /** true when the limit or the scan cap stopped the hunt early */
  truncated: boolean;
  events: Array<Record<string, unknown> & { id: string; vigil_hunt_rules: string[] }>;
  /** the alerts the file's correlation rules raise when the matched events are replayed oldest first */
  alerts: EcsEvent[];
  problems: Array<{ code: string; message: string; file: string; line?: number }>;
}

const PAGE = 5000;
/** matched events replayed through the correlations at most */
const MAX_CORRELATED = 200_000;

/** `--from 30d` (as in `vigil hunt RULE.yml --from 30d`) means 30 days back, like `-30d`. */
function timeArg(v: string, now: number, name: string): number {
  return parseTimeArg(/^\d{1,9}(s|m|h|d|w)$/.test(v.trim()) ? `-${v.trim()}` : v, now, name);
}

/** Runs the Sigma detection rules of a file over stored events in [from, to), newest first. */
export async function hunt(store: Store, path: string, o: HuntOptions = {}): Promise<HuntResult> {
  const now = o.now ?? Date.now();
  const loaded = loadSigmaPaths(ruleFiles([path]));
  const problems = loaded.problems.map((p) => ({ code: p.code, message: p.message, file: p.location.file, ...(p.location.line !== undefined ? { line: p.location.line } : {}) }));
  if (loaded.rules.length === 0) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `no Sigma detection rule loaded from ${path}${problems[0] ? `: ${problems[0].message}` : ''}`);
  const matcher = compileRules(loaded.rules, { filters: loaded.filters });
  const ids = new Set(matcher.rules.map((r) => r.id));
  const rules = loaded.rules.filter((r) => ids.has(r.meta.id)).map((r) => ({ id: r.meta.id, title: r.meta.title, ...huntQuery(r) }));
  const texts = [...new Set(rules.map((r) => r.query))];
  const query = texts.includes('*') ? '*' : texts.length === 1 ? (texts[0] as string) : texts.map((t) => `(${t})`).join(' or ');
  const filter = parseQuery(query).filter;
  const from = o.from !== undefined && o.from !== '' ? timeArg(o.from, now, 'from') : 0;
  let to = o.to !== undefined && o.to !== '' ? timeArg(o.to, now, 'to') : Number.MAX_SAFE_INTEGER;
  const limit = o.limit ?? 1000;
  const maxScanned = o.maxScanned ?? 2_000_000;
  const out: HuntResult = { rules, query, scanned: 0, matched: 0, truncated: false, events: [], alerts: [], problems };
  const corr = loaded.correlations.length > 0 ? loadRuleSet([path], { shipped: false }) : undefined;
  const replay: Array<{ ts: number; event: EcsEvent }> = [];
  const seenAtEdge = new Set<string>();
  while (to > from) {
    const r = await store.search({ filter, from, to, limit: PAGE });
    let minTs = Infinity;
    let fresh = 0;
    for (const h of r.events) {
      if (seenAtEdge.has(h.id)) continue;
      fresh++;
      minTs = Math.min(minTs, h.ts);
      out.scanned++;
      const matches = matcher.match(structuredClone<EcsEvent>(h.event));
      if (matches.length === 0) continue;
      out.matched++;
      if (corr && matches.some((m) => corr.correlator.consumes(m.rule.id))) {
        if (replay.length < MAX_CORRELATED) replay.push({ ts: h.ts, event: h.event });
        else out.truncated = true;
      }
      if (out.events.length < limit) {
        const ev = h.event['event'] as Record<string, unknown> | undefined;
        const id = typeof ev?.['id'] === 'string' ? ev['id'] : h.id;
        out.events.push({ ...h.event, id, vigil_hunt_rules: matches.map((m) => m.rule.id) });
      } else out.truncated = true;
    }
    if (r.events.length < PAGE) break;
    if (fresh === 0) {
      out.truncated = true; // more than a page of candidates at one millisecond
      break;
    }
    if (out.scanned >= maxScanned) {
      out.truncated = true;
      break;
    }
    // the next page: events at or before the oldest seen, skipping those already seen at that instant
    const edge = r.events.filter((h) => h.ts === minTs).map((h) => h.id);
    if (to !== minTs + 1) seenAtEdge.clear();
    for (const id of edge) seenAtEdge.add(id);
    to = minTs + 1;
  }
  if (corr && replay.length > 0) {
    // the store answers newest first: replay oldest first, as the stream saw them
    replay.reverse();
    replay.sort((a, b) => a.ts - b.ts);
    const engine = new DetectionEngine({ rules: corr, now: () => now });
    for (const r of replay) engine.process([structuredClone(r.event)]);
    out.alerts = engine.takeQueued().filter((a) => (a['rule'] as { category?: string } | undefined)?.category !== 'detection');
  }
  return out;
}
