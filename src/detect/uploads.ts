import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { claimKey, loadAnomalyText, type AnomalyLoadResult } from './anomaly/index.js';
import type { DetectionEngine } from './engine.js';
import { loadRuleSet, type RuleSet, type RuleSetOptions } from './ruleset.js';
import { loadSigmaText } from './sigma/load.js';
import type { RuleProblem } from './types.js';

/** Rule text accepted in one upload at most. */
export const MAX_UPLOAD_BYTES = 1024 * 1024;
/** Uploaded rule files kept at most. */
const MAX_UPLOADED_FILES = 10_000;

/** A load problem as the API reports it: code, message, file and position. */
export interface ProblemJson {
  code: string;
  message: string;
  file: string;
  line?: number;
  column?: number;
  rule?: string;
}

export function problemJson(p: RuleProblem, file = p.location.file): ProblemJson {
  return {
    code: p.code,
    message: p.message,
    file,
    ...(p.location.line !== undefined ? { line: p.location.line } : {}),
    ...(p.location.column !== undefined ? { column: p.location.column } : {}),
    ...(p.ruleId !== undefined ? { rule: p.ruleId } : {}),
  };
}

export interface UploadResult {
  ok: boolean;
  rules: string[];
  problems: ProblemJson[];
  /** where the file was stored (when ok) */
  file?: string;
}

/** Where the rules uploaded through the API are kept under a data directory. */
export function uploadedRulesDir(dataDir: string): string {
  return join(dataDir, 'rules', 'uploaded');
}

/**
 * The rule paths of the Vigil that keeps its data in `dataDir`, besides the shipped rules: the configured ones
 * (`rules.paths`, `--rules`) and the folder of uploaded rules when there is one. `vigil serve` runs exactly these (with
 * the shipped rules); `vigil ingest` and `vigil rules lint|test` load the same through this function.
 */
export function vigilRulePaths(dataDir: string, configured: readonly string[]): string[] {
  const up = uploadedRulesDir(dataDir);
  return existsSync(up) ? [...configured, up] : [...configured];
}

/** Ids a rule file defines: detection rules, correlation rules, filters, baseline and silence rules. */
function idsOf(text: string, file: string): { ids: string[]; problems: RuleProblem[] } {
  const r = loadSigmaText(text, file);
  // Vigil detector documents (`vigil: baseline|silence`): checked by their own loader, not reported as Sigma without a detection
  const anomaly: AnomalyLoadResult = { rules: [], problems: [], claimed: new Set() };
  loadAnomalyText(text, file, anomaly);
  const problems = r.problems.filter((p) => !(p.code === 'SIGMA_MISSING_DETECTION' && anomaly.claimed.has(claimKey(p.location))));
  problems.push(...anomaly.problems);
  const ids = [
    ...r.rules.map((x) => x.meta.id),
    ...r.correlations.map((c) => c.doc['id']).filter((x): x is string => typeof x === 'string'),
    ...r.filters.map((f) => f.id),
    ...anomaly.rules.map((x) => x.meta.id),
  ];
  return { ids, problems };
}

/** A file name for an id: the id itself when it is plain, otherwise its hash. */
function fileNameFor(id: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id) ? `${id}.yml` : `${createHash('sha256').update(id).digest('hex').slice(0, 32)}.yml`;
}

/**
 * Rules managed at run time (POST /api/v1/rules): uploaded files kept under DATA_DIR/rules/uploaded (loaded at start
 * like any rule path), and rules switched off by id (DATA_DIR/rules/switched-off.json). An upload is checked alone by
 * the loader, then with every other rule loaded (ids, correlation references); only when neither finds a problem in
 * it is it kept and the running engine given the new rule set.
 */
export class RuleAdmin {
  readonly uploadedDir: string;
  private readonly switchPath: string;
  private engine: DetectionEngine | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly configured: readonly string[],
    private readonly options: RuleSetOptions = {},
    private readonly log: (m: string) => void = () => {},
  ) {
    this.uploadedDir = uploadedRulesDir(dataDir);
    this.switchPath = join(dataDir, 'rules', 'switched-off.json');
    mkdirSync(this.uploadedDir, { recursive: true });
  }

  /** Every rule path besides the shipped rules: the configured ones and the uploaded rules' folder. */
  paths(): string[] {
    return vigilRulePaths(this.dataDir, this.configured);
  }

  /** The rules of this Vigil: shipped, configured and uploaded (what `vigil serve` and `vigil ingest` run). */
  load(): RuleSet {
    return loadRuleSet(this.paths(), this.options);
  }

  /** The engine the rule set is replaced in; switched-off rules are applied to it. */
  attach(engine: DetectionEngine): void {
    this.engine = engine;
    for (const id of this.readSwitchedOff()) engine.switchedOff.add(id);
  }

  private readSwitchedOff(): string[] {
    try {
      const v: unknown = JSON.parse(readFileSync(this.switchPath, 'utf8'));
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 100_000) : [];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`rules: cannot read ${this.switchPath}: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }

  /** Switches a loaded rule on or off (kept across restarts). */
  setEnabled(id: string, enabled: boolean): void {
    const engine = this.engine;
    if (!engine) throw new Error('no detection engine');
    if (enabled) engine.switchedOff.delete(id);
    else engine.switchedOff.add(id);
    atomicWrite(this.switchPath, JSON.stringify([...engine.switchedOff].sort()));
  }

  /** Uploaded files and the ids each defines. */
  private uploadedIds(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    let names: string[] = [];
    try {
      names = readdirSync(this.uploadedDir).filter((n) => n.endsWith('.yml')).slice(0, MAX_UPLOADED_FILES);
    } catch {
      return out;
    }
    for (const n of names) {
      const file = join(this.uploadedDir, n);
      try {
        out.set(file, statSync(file).size > MAX_UPLOAD_BYTES ? [] : idsOf(readFileSync(file, 'utf8'), file).ids);
      } catch {
        out.set(file, []);
      }
    }
    return out;
  }

  /**
   * Checks and stores a rule file, then runs it: problems (with line and column) leave everything as it was. A file
   * that defines an id an earlier upload defined replaces that upload.
   */
  upload(text: string): UploadResult {
    if (Buffer.byteLength(text) > MAX_UPLOAD_BYTES) return { ok: false, rules: [], problems: [{ code: 'VIGIL_RULE_TOO_LARGE', message: `a rule file is at most ${MAX_UPLOAD_BYTES} bytes`, file: 'upload' }] };
    const alone = idsOf(text, 'upload');
    if (alone.problems.length > 0) return { ok: false, rules: alone.ids, problems: alone.problems.map((p) => problemJson(p, 'upload')) };
    const first = alone.ids[0];
    if (first === undefined) return { ok: false, rules: [], problems: [{ code: 'VIGIL_RULE_EMPTY', message: 'no rule, correlation, filter, baseline or silence rule with an id in the upload', file: 'upload' }] };
    // without an id the loader names a rule after its file and position, which differ once the upload is stored
    const unnamed = alone.ids.find((i) => /^upload#\d+$/.test(i));
    if (unnamed !== undefined) return { ok: false, rules: alone.ids, problems: [{ code: 'VIGIL_RULE_NO_ID', message: `document ${unnamed.slice(7)} has no id: an uploaded rule needs one (it names the rule and replaces it on a later upload)`, file: 'upload' }] };
    const engine = this.engine;
    if (!engine) throw new Error('no detection engine');
    const target = join(this.uploadedDir, fileNameFor(first));
    const ids = new Set(alone.ids);
    // earlier uploads that define one of these ids are replaced (kept in memory until the new set loads cleanly)
    const replaced = new Map<string, string>();
    const uploaded = this.uploadedIds();
    for (const [file, fileIds] of uploaded) {
      if (file === target || fileIds.some((i) => ids.has(i))) replaced.set(file, readFileSync(file, 'utf8'));
    }
    if (replaced.size === 0 && uploaded.size >= MAX_UPLOADED_FILES) {
      return { ok: false, rules: [], problems: [{ code: 'VIGIL_RULE_TOO_MANY', message: `at most ${MAX_UPLOADED_FILES} uploaded rule files`, file: 'upload' }] };
    }
    for (const file of replaced.keys()) rmSync(file, { force: true });
    atomicWrite(target, text);
    const restore = (): void => {
      rmSync(target, { force: true });
      for (const [file, old] of replaced) atomicWrite(file, old);
    };
    let next;
    try {
      next = this.load();
    } catch (e) {
      restore();
      throw e;
    }
    // problems in the upload, and new ones its ids cause elsewhere (an id taken from a rule another loader reads
    // first, such as a shipped baseline rule, would drop that rule)
    const before = new Set(engine.rules.problems.map(problemKey));
    const mine = next.problems.filter((p) => p.location.file === target || (p.ruleId !== undefined && ids.has(p.ruleId) && !before.has(problemKey(p))));
    if (mine.length > 0) {
      restore();
      return { ok: false, rules: [...ids], problems: mine.map((p) => problemJson(p, p.location.file === target ? 'upload' : p.location.file)) };
    }
    engine.replaceRules(next);
    this.log(`rules: uploaded ${[...ids].join(', ')} (${target})${replaced.size > 0 ? `, replacing ${replaced.size} earlier upload(s)` : ''}`);
    return { ok: true, rules: [...ids], problems: [], file: target };
  }
}

const problemKey = (p: RuleProblem): string => JSON.stringify([p.code, p.ruleId, p.location.file, p.location.line, p.location.column]);

/** Writes a file through a temporary name and a rename, so a crash leaves the old or the new text. */
function atomicWrite(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

/** The test-event file beside a rule file, when there is one. */
export function testsFileOf(ruleFile: string): string | undefined {
  const base = ruleFile.replace(/\.ya?ml$/i, '');
  for (const ext of ['.tests.yml', '.tests.yaml']) if (existsSync(base + ext)) return base + ext;
  return undefined;
}
