import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { RuleLocation, RuleMeta, RuleProblem } from '../types.js';
import { ConditionError, parseCondition, patternMatcher } from './condition.js';
import type { ConditionNode, Detection, DetectionItem, LogSource, RawCorrelation, SearchIdentifier, SigmaFilter, SigmaRule, SigmaValue } from './model.js';
import { checkModifiers } from './modifiers.js';
import { stringValue } from './values.js';

export type { RawCorrelation, SigmaFilter, SigmaRule } from './model.js';

/** Everything found in some Sigma files: detection rules, filters, raw correlation documents, and every problem. */
export interface LoadResult {
  rules: SigmaRule[];
  filters: SigmaFilter[];
  correlations: RawCorrelation[];
  problems: RuleProblem[];
  /** number of YAML documents read */
  documents: number;
}

const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_VALUES = 10_000;

class LoadError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly location: RuleLocation,
  ) {
    super(message);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads one YAML document's nodes with line/column for each. */
class Ctx {
  constructor(
    readonly file: string,
    private readonly lc: LineCounter,
    readonly problems: RuleProblem[],
  ) {}

  at(node: Node | null | undefined, fallback?: RuleLocation): RuleLocation {
    const off = node?.range?.[0];
    if (off === undefined) return fallback ?? { file: this.file };
    const p = this.lc.linePos(off);
    return { file: this.file, line: p.line, column: p.col };
  }

  /** The pairs of a map node as [key text, key node, value node]. */
  pairs(node: unknown): Array<[string, Node, Node | null]> {
    if (!isMap(node)) return [];
    const out: Array<[string, Node, Node | null]> = [];
    for (const p of node.items) {
      const k = p.key;
      if (!isScalar(k)) continue;
      out.push([String(k.value), k, (p.value as Node | null) ?? null]);
    }
    return out;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function strList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.map((x) => str(x)).filter((x): x is string => x !== undefined) : [];
}

/** A scalar node as a Sigma value. */
function scalarValue(ctx: Ctx, n: Node | null, where: RuleLocation): SigmaValue {
  if (n === null) return { kind: 'null' };
  if (!isScalar(n)) throw new LoadError('SIGMA_BAD_VALUE', 'a value must be a string, a number, a boolean or null (not a map or list)', ctx.at(n, where));
  const v = n.value;
  if (v === null || v === undefined) return { kind: 'null' };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (typeof v === 'number' || typeof v === 'bigint') {
    const raw = typeof n.source === 'string' ? n.source : String(v);
    return { kind: 'number', value: Number(v), raw };
  }
  if (typeof v === 'string') return stringValue(v);
  throw new LoadError('SIGMA_BAD_VALUE', `unsupported value type ${typeof v}`, ctx.at(n, where));
}

function values(ctx: Ctx, n: Node | null, where: RuleLocation): SigmaValue[] {
  if (isSeq(n)) {
    if (n.items.length === 0) throw new LoadError('SIGMA_EMPTY_LIST', 'empty list of values', ctx.at(n, where));
    if (n.items.length > MAX_VALUES) throw new LoadError('SIGMA_TOO_MANY_VALUES', `more than ${MAX_VALUES} values`, ctx.at(n, where));
    return n.items.map((x) => scalarValue(ctx, x as Node | null, where));
  }
  return [scalarValue(ctx, n, where)];
}

function item(ctx: Ctx, key: string, keyNode: Node, valueNode: Node | null): DetectionItem {
  const location = ctx.at(keyNode);
  const [fieldPart = '', ...mods] = key.split('|');
  const field = fieldPart.length > 0 ? fieldPart : undefined;
  const modifiers = mods.map((m) => m.trim().toLowerCase());
  const vals = values(ctx, valueNode, location);
  const problem = checkModifiers(field, modifiers, vals);
  if (problem) throw new LoadError(problem.code, `${key}: ${problem.message}`, location);
  return { field, modifiers, values: vals, location };
}

function searchIdentifier(ctx: Ctx, name: string, keyNode: Node, node: Node | null): SearchIdentifier {
  const location = ctx.at(keyNode);
  if (isMap(node)) {
    const group = ctx.pairs(node).map(([k, kn, vn]) => item(ctx, k, kn, vn));
    if (group.length === 0) throw new LoadError('SIGMA_EMPTY_SEARCH', `search identifier '${name}' is an empty map`, location);
    return { name, groups: [group], location };
  }
  if (isSeq(node)) {
    if (node.items.length === 0) throw new LoadError('SIGMA_EMPTY_SEARCH', `search identifier '${name}' is an empty list`, location);
    const maps = node.items.filter((x) => isMap(x));
    if (maps.length === node.items.length) {
      const groups = maps.map((m) => ctx.pairs(m).map(([k, kn, vn]) => item(ctx, k, kn, vn)));
      if (groups.some((g) => g.length === 0)) throw new LoadError('SIGMA_EMPTY_SEARCH', `search identifier '${name}' has an empty map`, location);
      return { name, groups, location };
    }
    if (maps.length > 0) throw new LoadError('SIGMA_MIXED_SEARCH', `search identifier '${name}' mixes maps and plain values in one list`, location);
    return { name, groups: [[{ field: undefined, modifiers: [], values: values(ctx, node, location), location }]], location };
  }
  if (isScalar(node) && node.value !== null) return { name, groups: [[{ field: undefined, modifiers: [], values: [scalarValue(ctx, node, location)], location }]], location };
  throw new LoadError('SIGMA_EMPTY_SEARCH', `search identifier '${name}' has no value`, location);
}

/** Checks that every identifier the condition names exists and every `x of pattern` matches one. */
function checkRefs(n: ConditionNode, searches: Map<string, SearchIdentifier>, texts: string[], loc: RuleLocation): void {
  const fail = (msg: string, offset: number, cond: number): never => {
    throw new LoadError('SIGMA_UNKNOWN_IDENTIFIER', `${msg} in condition '${texts[cond] ?? ''}' at ${offset}`, loc);
  };
  switch (n.kind) {
    case 'ref':
      if (!searches.has(n.name)) fail(`unknown search identifier '${n.name}'`, n.pos.offset, n.pos.condition);
      return;
    case 'of': {
      const m = patternMatcher(n.pattern);
      if (![...searches.keys()].some(m)) fail(`'${n.pattern}' matches no search identifier`, n.pos.offset, n.pos.condition);
      return;
    }
    case 'not':
      checkRefs(n.operand, searches, texts, loc);
      return;
    default:
      for (const o of n.operands) checkRefs(o, searches, texts, loc);
  }
}

/** The detection section (of a rule or of a filter's `filter:`), skipping `skip` keys. */
function detection(ctx: Ctx, node: Node | null, where: RuleLocation, skip: ReadonlySet<string>): Detection {
  if (!isMap(node)) throw new LoadError('SIGMA_MISSING_DETECTION', 'detection must be a map of search identifiers and a condition', where);
  const searches = new Map<string, SearchIdentifier>();
  let condNode: Node | null | undefined;
  let condKey: Node | undefined;
  let timeframe: string | undefined;
  for (const [k, kn, vn] of ctx.pairs(node)) {
    if (k === 'condition') {
      condNode = vn;
      condKey = kn;
    } else if (k === 'timeframe') timeframe = isScalar(vn) ? String(vn.value) : undefined;
    else if (!skip.has(k)) searches.set(k, searchIdentifier(ctx, k, kn, vn));
  }
  const condLoc = ctx.at(condNode ?? condKey, where);
  const texts: string[] = [];
  if (isScalar(condNode) && typeof condNode.value === 'string') texts.push(condNode.value);
  else if (isSeq(condNode) && condNode.items.length > 0) {
    for (const c of condNode.items) {
      if (!isScalar(c) || typeof c.value !== 'string') throw new LoadError('SIGMA_BAD_CONDITION', 'each condition of a list must be a string', ctx.at(c as Node, condLoc));
      texts.push(c.value);
    }
  } else throw new LoadError('SIGMA_MISSING_CONDITION', 'detection has no condition (a string or a list of strings)', condLoc);
  const conds: ConditionNode[] = [];
  for (const [i, t] of texts.entries()) {
    try {
      conds.push(parseCondition(t, i));
    } catch (e) {
      if (!(e instanceof ConditionError)) throw e;
      // the offset within the condition text: same line when the condition is a plain one-line scalar
      const at = isScalar(condNode) && condLoc.column !== undefined && condNode.type === 'PLAIN' && !t.includes('\n') ? { ...condLoc, column: condLoc.column + e.pos.offset } : condLoc;
      throw new LoadError(e.code, `condition '${t}': ${e.message} (at character ${e.pos.offset + 1})`, at);
    }
  }
  const condition: ConditionNode = conds.length === 1 && conds[0] ? conds[0] : { kind: 'or', operands: conds, pos: { condition: 0, offset: 0 } };
  checkRefs(condition, searches, texts, condLoc);
  const d: Detection = { searches, conditionText: texts, condition };
  if (timeframe !== undefined) d.timeframe = timeframe;
  return d;
}

function logsource(v: unknown): LogSource {
  const ls: LogSource = {};
  if (!isObj(v)) return ls;
  for (const k of ['product', 'category', 'service', 'definition'] as const) {
    const s = str(v[k]);
    if (s !== undefined) ls[k] = k === 'definition' ? s : s.toLowerCase();
  }
  return ls;
}

function meta(doc: Obj, location: RuleLocation, fallbackId: string): RuleMeta {
  const title = str(doc['title']);
  if (title === undefined || title.length === 0) throw new LoadError('SIGMA_MISSING_TITLE', 'a rule needs a title', location);
  const m: RuleMeta = {
    id: str(doc['id']) ?? fallbackId,
    title,
    level: (str(doc['level']) ?? 'medium').toLowerCase(),
    tags: strList(doc['tags']).map((t) => t.toLowerCase()),
    generate: doc['generate'] !== false,
    location,
  };
  const status = str(doc['status']);
  if (status !== undefined) m.status = status;
  const description = str(doc['description']);
  if (description !== undefined) m.description = description;
  const name = str(doc['name']);
  if (name !== undefined) m.name = name;
  return m;
}

const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);

function oneDocument(ctx: Ctx, doc: Document.Parsed, index: number, out: LoadResult): void {
  const root = doc.contents;
  const location = ctx.at(root, { file: ctx.file, line: 1, column: 1 });
  const js: unknown = doc.toJS({ maxAliasCount: 100 });
  if (js === null || js === undefined) return; // an empty document (e.g. after a trailing ---)
  if (!isObj(js)) throw new LoadError('SIGMA_NOT_A_MAP', 'a Sigma document must be a map', location);
  const fallbackId = `${basename(ctx.file)}#${index + 1}`;
  const node = (key: string): { k: Node; v: Node | null } | undefined => {
    for (const [k, kn, vn] of ctx.pairs(root)) if (k === key) return { k: kn, v: vn };
    return undefined;
  };
  if ('correlation' in js) {
    out.correlations.push({ doc: js, location });
    return;
  }
  if ('filter' in js && !('detection' in js)) {
    const f = node('filter');
    const fObj = js['filter'];
    const rules = isObj(fObj) ? strList(fObj['rules']) : [];
    const where = ctx.at(f?.k, location);
    if (rules.length === 0) throw new LoadError('SIGMA_FILTER_NO_RULES', 'filter.rules must name at least one rule', where);
    const title = str(js['title']);
    if (title === undefined) throw new LoadError('SIGMA_MISSING_TITLE', 'a filter needs a title', location);
    out.filters.push({
      kind: 'filter',
      id: str(js['id']) ?? fallbackId,
      title,
      logsource: logsource(js['logsource']),
      rules,
      detection: detection(ctx, f?.v ?? null, where, new Set(['rules'])),
      location,
    });
    return;
  }
  const det = node('detection');
  if (!det) throw new LoadError('SIGMA_MISSING_DETECTION', 'the document has no detection, filter or correlation section', location);
  const m = meta(js, location, fallbackId);
  if (!LEVELS.has(m.level)) throw new LoadError('SIGMA_BAD_LEVEL', `level '${m.level}' is not one of ${[...LEVELS].join(', ')}`, ctx.at(node('level')?.v, location));
  if (!isObj(js['logsource'])) throw new LoadError('SIGMA_MISSING_LOGSOURCE', 'a rule needs a logsource map', location);
  const rule: SigmaRule = {
    kind: 'detection',
    meta: m,
    logsource: logsource(js['logsource']),
    detection: detection(ctx, det.v, ctx.at(det.k), new Set()),
    fields: strList(js['fields']),
    falsepositives: strList(js['falsepositives']),
    references: strList(js['references']),
    raw: js,
  };
  const author = str(js['author']);
  if (author !== undefined) rule.author = author;
  const date = str(js['date']);
  if (date !== undefined) rule.date = date;
  const modified = str(js['modified']);
  if (modified !== undefined) rule.modified = modified;
  out.rules.push(rule);
}

function emptyResult(): LoadResult {
  return { rules: [], filters: [], correlations: [], problems: [], documents: 0 };
}

/** Loads the Sigma documents of one YAML text, adding to `out`; problems are collected, never thrown. */
export function loadSigmaText(text: string, file: string, out: LoadResult = emptyResult()): LoadResult {
  const lc = new LineCounter();
  const ctx = new Ctx(file, lc, out.problems);
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true }) as Document.Parsed[];
  } catch (e) {
    out.problems.push({ code: 'SIGMA_YAML_SYNTAX', message: e instanceof Error ? e.message : String(e), location: { file } });
    return out;
  }
  if (!Array.isArray(docs)) docs = [docs];
  for (const [i, doc] of docs.entries()) {
    out.documents++;
    const err = doc.errors[0];
    if (err) {
      const lp = err.linePos?.[0];
      out.problems.push({ code: 'SIGMA_YAML_SYNTAX', message: err.message.split('\n')[0] ?? err.message, location: lp ? { file, line: lp.line, column: lp.col } : { file } });
      continue;
    }
    try {
      oneDocument(ctx, doc, i, out);
    } catch (e) {
      const id = isMap(doc.contents) ? str(doc.get('id')) : undefined;
      const p: RuleProblem =
        e instanceof LoadError
          ? { code: e.code, message: e.message, location: e.location }
          : { code: 'SIGMA_INTERNAL', message: e instanceof Error ? e.message : String(e), location: { file } };
      if (id !== undefined) p.ruleId = id;
      out.problems.push(p);
    }
  }
  return out;
}

function yamlFiles(path: string, acc: string[], depth: number): void {
  if (depth > 32) return;
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(path, name);
      if (statSync(p).isDirectory() || /\.ya?ml$/i.test(name)) yamlFiles(p, acc, depth + 1);
    }
  } else acc.push(path);
}

/** Loads files and folders (recursively, `.yml`/`.yaml`); unreadable paths and duplicate ids become problems. */
export function loadSigmaPaths(paths: readonly string[]): LoadResult {
  const out = emptyResult();
  const files: string[] = [];
  for (const p of paths) {
    try {
      yamlFiles(p, files, 0);
    } catch (e) {
      out.problems.push({ code: 'SIGMA_READ', message: e instanceof Error ? e.message : String(e), location: { file: p } });
    }
  }
  for (const f of files) {
    try {
      if (statSync(f).size > MAX_FILE_BYTES) {
        out.problems.push({ code: 'SIGMA_FILE_TOO_LARGE', message: `larger than ${MAX_FILE_BYTES} bytes`, location: { file: f } });
        continue;
      }
      loadSigmaText(readFileSync(f, 'utf8'), f, out);
    } catch (e) {
      out.problems.push({ code: 'SIGMA_READ', message: e instanceof Error ? e.message : String(e), location: { file: f } });
    }
  }
  dedupe(out);
  return out;
}

/** A second rule with an id already loaded is a problem and is dropped. */
export function dedupe(out: LoadResult): void {
  const seen = new Map<string, RuleLocation>();
  out.rules = out.rules.filter((r) => {
    const first = seen.get(r.meta.id);
    if (first) {
      out.problems.push({ code: 'SIGMA_DUPLICATE_ID', message: `rule id ${r.meta.id} already used in ${first.file}${first.line !== undefined ? `:${first.line}` : ''}`, location: r.meta.location, ruleId: r.meta.id });
      return false;
    }
    seen.set(r.meta.id, r.meta.location);
    return true;
  });
}
