import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileSliced } from '../core/sliced-write.js';
import type { CorrelatorSnapshot } from './sigma/correlation/index.js';
import type { CompactSnapshot } from './sigma/correlation/snapshot-json.js';

/** Detection state on disk: `<dataDir>/detect/state.json`, written atomically (temporary file, fsync, rename). */
export function statePath(dataDir: string): string {
  return join(dataDir, 'detect', 'state.json');
}

const MAX_STATE_BYTES = 512 * 1024 * 1024;

export interface SavedState {
  saved_at: string;
  correlations: CorrelatorSnapshot;
}

/**
 * Writes the state from JSON pieces (`Correlator.snapshotJson`) in time slices between events, atomically; the
 * bytes written. The file is what `loadState` reads.
 */
export function saveStateSliced(dataDir: string, correlations: Iterable<string>, now: number = Date.now()): Promise<number> {
  function* pieces(): Generator<string> {
    yield `{"saved_at":${JSON.stringify(new Date(now).toISOString())},"correlations":`;
    yield* correlations;
    yield '}';
  }
  return writeFileSliced(statePath(dataDir), pieces(), { maxBytes: MAX_STATE_BYTES });
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The saved state, or undefined when there is none; a damaged file is reported through `warn` and ignored. */
export function loadState(dataDir: string, warn: (m: string) => void = () => {}): CorrelatorSnapshot | CompactSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(statePath(dataDir), 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') warn(`cannot read detection state: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  if (text.length > MAX_STATE_BYTES) {
    warn('detection state file too large; starting with empty windows');
    return undefined;
  }
  try {
    const v: unknown = JSON.parse(text);
    const c = isObj(v) ? v['correlations'] : undefined;
    if (!isObj(c) || (c['version'] !== 1 && c['version'] !== 2) || !isObj(c['rules']) || typeof c['seq'] !== 'number') throw new Error('unexpected shape');
    const compact = c['version'] === 2;
    if (compact && (!Array.isArray(c['sources']) || !Array.isArray(c['fields']))) throw new Error('unexpected shape');
    for (const r of Object.values(c['rules'])) {
      if (!isObj(r) || typeof r['fingerprint'] !== 'string' || !Array.isArray(r['groups'])) throw new Error('unexpected rule state');
      for (const g of r['groups']) {
        if (!isObj(g) || typeof g['key'] !== 'string' || !isObj(g['values']) || !Array.isArray(g['entries']) || !Array.isArray(g['evidence'])) throw new Error('unexpected group state');
        for (const e of g['entries']) if (!Array.isArray(e) || typeof e[0] !== 'number' || typeof e[1] !== 'number' || typeof e[2] !== 'number') throw new Error('unexpected window entry');
        if (compact) for (const e of g['evidence']) if (!Array.isArray(e) || typeof e[0] !== 'string' || e.slice(1, 5).some((x) => typeof x !== 'number')) throw new Error('unexpected evidence');
      }
    }
    return compact ? (c as unknown as CompactSnapshot) : (c as unknown as CorrelatorSnapshot);
  } catch (e) {
    warn(`detection state ${statePath(dataDir)} is damaged (${e instanceof Error ? e.message : String(e)}); starting with empty windows`);
    return undefined;
  }
}
