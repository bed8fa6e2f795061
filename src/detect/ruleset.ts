import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnomalyDetector, claimKey, loadAnomalyFiles } from './anomaly/index.js';
import { compileRules, type SigmaMatcher } from './sigma/compile.js';
import { Correlator, parseCorrelations, type CorrelationRule, type CorrelatorOptions } from './sigma/correlation/index.js';
import { loadSigmaPaths, type SigmaRule } from './sigma/load.js';
import type { RuleMeta, RuleProblem } from './types.js';

/** The rules shipped with Vigil (`rules/` at the package root). */
export const SHIPPED_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

/** Test events beside a rule file: `x.yml` → `x.tests.yml` (never loaded as rules). */
export const TESTS_SUFFIX = /\.tests\.ya?ml$/i;

/** Every loaded rule: the single-event matcher, the correlator, and what could not be loaded. */
export interface RuleSet {
  matcher: SigmaMatcher;
  correlator: Correlator;
  detections: SigmaRule[];
  correlations: CorrelationRule[];
  /** every problem: load, compile, correlation (rules with problems are left out, the rest run) */
  problems: RuleProblem[];
  files: string[];
  /** rules that raise their own alerts (see docs/detection.md: generate) */
  emits: Set<string>;
  /** baseline and silence rules (`vigil: baseline|silence` documents, docs/anomaly.md) with their state */
  anomaly?: AnomalyDetector;
}

function walk(path: string, out: string[], problems: RuleProblem[], depth: number): void {
  if (depth > 32) return;
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    problems.push({ code: 'SIGMA_READ', message: e instanceof Error ? e.message : String(e), location: { file: path } });
    return;
  }
  if (!st.isDirectory()) {
    if (!TESTS_SUFFIX.test(path)) out.push(path);
    return;
  }
  let names: string[];
  try {
    names = readdirSync(path).sort();
  } catch (e) {
    problems.push({ code: 'SIGMA_READ', message: e instanceof Error ? e.message : String(e), location: { file: path } });
    return;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const p = join(path, name);
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      continue;
    }
    if (dir) walk(p, out, problems, depth + 1);
    else if (/\.ya?ml$/i.test(name) && !TESTS_SUFFIX.test(name)) out.push(p);
  }
}

/** The rule files under some paths (files and folders, recursively), leaving out test-event files. */
export function ruleFiles(paths: readonly string[], problems: RuleProblem[] = []): string[] {
  const out: string[] = [];
  for (const p of paths) walk(resolve(p), out, problems, 0);
  return [...new Set(out)];
}

/** Which rules raise their own alerts: not `generate: false`, and not only feeding correlations. */
export function emittingRules(rules: readonly RuleMeta[], correlator: Correlator): Set<string> {
  const referenced = correlator.referenced();
  const out = new Set<string>();
  for (const r of rules) {
    if (!r.generate) continue;
    const ref = referenced.get(r.id);
    if (ref === undefined || ref) out.add(r.id);
  }
  return out;
}

export interface RuleSetOptions extends CorrelatorOptions {
  /** include the shipped rules (default true) */
  shipped?: boolean;
  ruleBudgetMs?: number;
}

/** Loads, compiles and links every rule under `paths` (and the shipped rules). Never throws for bad rules. */
export function loadRuleSet(paths: readonly string[], options: RuleSetOptions = {}): RuleSet {
  const problems: RuleProblem[] = [];
  const all = options.shipped === false ? [...paths] : [SHIPPED_RULES_DIR, ...paths];
  const files = ruleFiles(all, problems);
  const loaded = loadSigmaPaths(files);
  problems.push(...loaded.problems);
  const matcher = compileRules(loaded.rules, { filters: loaded.filters, ...(options.ruleBudgetMs !== undefined ? { ruleBudgetMs: options.ruleBudgetMs } : {}) });
  problems.push(...matcher.problems);
  const correlations = parseCorrelations(loaded.correlations, problems);
  const correlator = new Correlator(correlations, matcher.rules, options);
  problems.push(...correlator.problems);
  const emits = emittingRules([...matcher.rules, ...correlator.rules.map((r) => r.meta)], correlator);
  // Vigil detector documents: the Sigma loader's "no detection" problems for them are not problems
  const anomaly = loadAnomalyFiles(files, new Set([...matcher.rules, ...correlator.rules.map((r) => r.meta)].map((m) => m.id)));
  const kept = problems.filter((p) => !(p.code === 'SIGMA_MISSING_DETECTION' && anomaly.claimed.has(claimKey(p.location))));
  kept.push(...anomaly.problems);
  for (const r of anomaly.rules) if (r.meta.generate) emits.add(r.meta.id);
  return { matcher, correlator, detections: loaded.rules, correlations: correlator.rules, problems: kept, files, emits, anomaly: new AnomalyDetector(anomaly.rules) };
}
