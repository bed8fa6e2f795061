import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { LineParser } from '../parsers/line.js';
import { isObject, normalizeEvent, type EcsEvent } from '../schema/event.js';
import { DetectionEngine } from './engine.js';
import { loadRuleSet, ruleFiles, TESTS_SUFFIX } from './ruleset.js';
import type { RuleProblem } from './types.js';

/*
 * Rule tests: `x.yml` may have `x.tests.yml` beside it. Format (docs/detection.md, rules/README.md):
 *
 *   tests:                       # or, for one case, match/no_match/rule/alerts at the top level
 *     - rule: <rule id>          # optional: default every rule of the file that raises alerts
 *       description: …
 *       alerts: 1                # optional: exact number of alerts the rule raises for `match`
 *       match: [events]          # fed in order to a fresh engine: the rule must fire (detection: on every event)
 *       no_match: [events]       # fed in order to another fresh engine: the rule must not fire at all
 *
 * An event is a raw log line (a string, parsed as `vigil ingest` parses it) or an ECS document (a map).
 */

const MAX_TEST_FILE_BYTES = 8 * 1024 * 1024;
const MAX_EVENTS = 100_000;

export interface TestResult {
  file: string;
  test_file: string;
  case: number;
  rule: string;
  description?: string;
  ok: boolean;
  /** what went wrong, when not ok */
  failures: string[];
}

export interface TestReport {
  results: TestResult[];
  problems: RuleProblem[];
  /** rule files without a test file */
  untested: string[];
  passed: number;
  failed: number;
}

interface TestCase {
  rule?: string;
  description?: string;
  alerts?: number;
  match: unknown[];
  no_match: unknown[];
}

export function testFileFor(ruleFile: string): string {
  return ruleFile.replace(/\.ya?ml$/i, (ext) => `.tests${ext}`);
}

function cases(doc: unknown): TestCase[] {
  if (!isObject(doc)) throw new Error('a test file must be a map with tests (or match / no_match)');
  const raw = Array.isArray(doc['tests']) ? (doc['tests'] as unknown[]) : [doc];
  return raw.map((c, i) => {
    if (!isObject(c)) throw new Error(`test ${i + 1} is not a map`);
    for (const k of Object.keys(c)) if (!['rule', 'description', 'alerts', 'match', 'no_match', 'tests'].includes(k)) throw new Error(`test ${i + 1}: unknown key '${k}'`);
    const match = c['match'] ?? [];
    const noMatch = c['no_match'] ?? [];
    if (!Array.isArray(match) || !Array.isArray(noMatch)) throw new Error(`test ${i + 1}: match and no_match must be lists of events`);
    if (match.length + noMatch.length === 0) throw new Error(`test ${i + 1} has no events`);
    if (match.length + noMatch.length > MAX_EVENTS) throw new Error(`test ${i + 1}: more than ${MAX_EVENTS} events`);
    const t: TestCase = { match, no_match: noMatch };
    if (typeof c['rule'] === 'string') t.rule = c['rule'];
    if (typeof c['description'] === 'string') t.description = c['description'];
    if (typeof c['alerts'] === 'number') t.alerts = c['alerts'];
    return t;
  });
}

/** Test events as the pipeline would hand them to detection: parsed (lines) or structured (maps), normalized. */
export function testEvents(items: readonly unknown[], now: number): EcsEvent[] {
  const parser = new LineParser();
  return items.map((x, i) => {
    if (typeof x === 'string') return normalizeEvent(parser.parse({ message: x, receivedAt: now }), now, 'generic', { expand: false }).event;
    if (isObject(x)) return normalizeEvent(structuredClone(x), now, 'generic').event;
    throw new Error(`event ${i + 1} is neither a log line nor a map`);
  });
}

/** Feeds events in order to a fresh engine over the rule file; hits and alerts per rule. */
export function runEvents(ruleFile: string, events: readonly EcsEvent[], perEvent?: (i: number, matched: Set<string>) => void): { hits: Map<string, number>; alerts: Map<string, number>; problems: RuleProblem[] } {
  const rules = loadRuleSet([ruleFile], { shipped: false });
  // the engine's clock follows the events' times, so that silence rules (docs/anomaly.md) can be tested
  let clock = Date.now();
  const engine = new DetectionEngine({ rules, now: () => clock, tickEveryMs: 0 });
  events.forEach((e, i) => {
    if (perEvent) perEvent(i, new Set(rules.matcher.match(structuredClone(e)).map((m) => m.rule.id)));
    const t = Date.parse(String(e['@timestamp']));
    if (Number.isFinite(t)) clock = t;
    engine.process([e]);
  });
  engine.anomaly.tick();
  const alerts = new Map<string, number>();
  for (const a of engine.takeQueued()) {
    const id = (a['rule'] as { id?: string } | undefined)?.id;
    if (id !== undefined) alerts.set(id, (alerts.get(id) ?? 0) + 1);
  }
  const hits = new Map(engine.status().map((s) => [s.id, s.hits]));
  return { hits, alerts, problems: rules.problems };
}

function runCase(ruleFile: string, testFile: string, index: number, c: TestCase, now: number): TestResult[] {
  const loaded = loadRuleSet([ruleFile], { shipped: false });
  const kinds = new Map<string, 'detection' | 'correlation'>();
  for (const r of loaded.matcher.rules) kinds.set(r.id, 'detection');
  for (const r of loaded.correlations) kinds.set(r.meta.id, 'correlation');
  for (const r of loaded.anomaly?.rules ?? []) kinds.set(r.meta.id, 'correlation'); // baseline/silence: must fire / must not
  const names = new Map<string, string>();
  for (const r of [...loaded.matcher.rules, ...loaded.correlations.map((x) => x.meta), ...(loaded.anomaly?.rules ?? []).map((x) => x.meta)]) if (r.name !== undefined) names.set(r.name, r.id);
  const targets = c.rule !== undefined ? [names.get(c.rule) ?? c.rule] : [...loaded.emits];
  const out: TestResult[] = [];
  const match = testEvents(c.match, now);
  const noMatch = testEvents(c.no_match, now);
  for (const rule of targets) {
    const failures: string[] = [];
    const kind = kinds.get(rule);
    if (kind === undefined) failures.push(`rule ${rule} is not loaded from ${ruleFile}`);
    else {
      if (match.length > 0) {
        const missed: number[] = [];
        const r = runEvents(ruleFile, match, kind === 'detection' ? (i, m) => void (m.has(rule) ? undefined : missed.push(i + 1)) : undefined);
        if (kind === 'detection' && missed.length > 0) failures.push(`match: event(s) ${missed.join(', ')} not matched`);
        if (kind === 'correlation' && (r.hits.get(rule) ?? 0) === 0) failures.push('match: the correlation did not fire');
        if (c.alerts !== undefined && (r.alerts.get(rule) ?? 0) !== c.alerts) failures.push(`match: ${r.alerts.get(rule) ?? 0} alert(s) raised, expected ${c.alerts}`);
      }
      if (noMatch.length > 0) {
        const hit: number[] = [];
        const r = runEvents(ruleFile, noMatch, kind === 'detection' ? (i, m) => void (m.has(rule) ? hit.push(i + 1) : undefined) : undefined);
        if (kind === 'detection' && hit.length > 0) failures.push(`no_match: event(s) ${hit.join(', ')} matched`);
        if (kind === 'correlation' && (r.hits.get(rule) ?? 0) > 0) failures.push(`no_match: the correlation fired ${r.hits.get(rule) ?? 0} time(s)`);
      }
    }
    const res: TestResult = { file: ruleFile, test_file: testFile, case: index + 1, rule, ok: failures.length === 0, failures };
    if (c.description !== undefined) res.description = c.description;
    out.push(res);
  }
  return out;
}

/** Runs the test events of every rule file under `paths`. */
export function runRuleTests(paths: readonly string[], now: number = Date.now()): TestReport {
  const problems: RuleProblem[] = [];
  const files = ruleFiles(paths, problems);
  const results: TestResult[] = [];
  const untested: string[] = [];
  for (const f of files) {
    if (TESTS_SUFFIX.test(f)) continue;
    const tf = testFileFor(f);
    const loaded = loadRuleSet([f], { shipped: false });
    problems.push(...loaded.problems);
    if (!existsSync(tf)) {
      untested.push(f);
      continue;
    }
    let list: TestCase[];
    try {
      const text = readFileSync(tf, 'utf8');
      if (text.length > MAX_TEST_FILE_BYTES) throw new Error(`larger than ${MAX_TEST_FILE_BYTES} bytes`);
      list = cases(parseYaml(text, { maxAliasCount: 100 }));
    } catch (e) {
      results.push({ file: f, test_file: tf, case: 0, rule: '', ok: false, failures: [`cannot read tests: ${e instanceof Error ? e.message : String(e)}`] });
      continue;
    }
    list.forEach((c, i) => {
      try {
        results.push(...runCase(f, tf, i, c, now));
      } catch (e) {
        results.push({ file: f, test_file: tf, case: i + 1, rule: c.rule ?? '', ok: false, failures: [e instanceof Error ? e.message : String(e)] });
      }
    });
  }
  const passed = results.filter((r) => r.ok).length;
  return { results, problems, untested, passed, failed: results.length - passed };
}

export interface AdHocResult {
  rule: string;
  events: number;
  /** 1-based positions of the events the rule matched (detection rules) */
  matched: number[];
  /** times the rule fired: matches for a detection rule, firings for a correlation */
  fired: number;
  alerts: EcsEvent[];
  problems: RuleProblem[];
}

/** Feeds given events (lines or ECS maps) to a fresh engine over the rule's file: POST /api/v1/rules/{id}/test. */
export function testRuleWithEvents(ruleFile: string, ruleId: string, items: readonly unknown[], now: number = Date.now()): AdHocResult {
  if (items.length > MAX_EVENTS) throw new Error(`more than ${MAX_EVENTS} events`);
  const events = testEvents(items, now);
  const rules = loadRuleSet([ruleFile], { shipped: false });
  const engine = new DetectionEngine({ rules, now: () => now });
  const matched: number[] = [];
  events.forEach((e, i) => {
    if (rules.matcher.match(structuredClone(e)).some((m) => m.rule.id === ruleId)) matched.push(i + 1);
    engine.process([e]);
  });
  const alerts = engine.takeQueued().filter((a) => (a['rule'] as { id?: string } | undefined)?.id === ruleId);
  const fired = engine.status().find((s) => s.id === ruleId)?.hits ?? 0;
  return { rule: ruleId, events: events.length, matched, fired, alerts, problems: rules.problems };
}
