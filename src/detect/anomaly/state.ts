import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../core/errors.js';
import { writeFileSliced } from '../../core/sliced-write.js';
import type { AnomalySnapshot } from './detector.js';

/** Baseline and silence state on disk: `<dataDir>/detect/anomaly.json`, beside the correlation state, written atomically. */
export function anomalyStatePath(dataDir: string): string {
  return join(dataDir, 'detect', 'anomaly.json');
}

const MAX_STATE_BYTES = 256 * 1024 * 1024;

/** Writes the state atomically from JSON pieces (`AnomalyDetector.snapshotJson`) in time slices between events. */
export function saveAnomalyStateSliced(dataDir: string, anomaly: Iterable<string>, now: number = Date.now()): Promise<number> {
  function* pieces(): Generator<string> {
    yield `{"saved_at":${JSON.stringify(new Date(now).toISOString())},"anomaly":`;
    yield* anomaly;
    yield '}';
  }
  return writeFileSliced(anomalyStatePath(dataDir), pieces(), { maxBytes: MAX_STATE_BYTES });
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrMap = (v: unknown): v is Record<string, string> => isObj(v) && Object.values(v).every((x) => typeof x === 'string');

function checkBaseline(k: unknown): boolean {
  return Array.isArray(k) && (k.length === 10 || (k.length === 11 && typeof k[10] === 'string')) && typeof k[0] === 'string' && isStrMap(k[1]) && [2, 3, 4, 5, 6, 7].every((i) => isNum(k[i])) && typeof k[8] === 'boolean' && Array.isArray(k[9]) && k[9].every((x) => typeof x === 'string');
}

function checkSilence(k: unknown): boolean {
  return Array.isArray(k) && k.length === 9 && typeof k[0] === 'string' && isStrMap(k[1]) && [2, 3, 4, 5, 6, 7].every((i) => isNum(k[i])) && typeof k[8] === 'boolean';
}

/** The saved state, or undefined when there is none; a damaged file is reported through `warn` and ignored. */
export function loadAnomalyState(dataDir: string, warn: (m: string) => void = () => {}): AnomalySnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(anomalyStatePath(dataDir), 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') warn(`cannot read baseline state: ${errorMessage(e)}`);
    return undefined;
  }
  if (text.length > MAX_STATE_BYTES) {
    warn('baseline state file too large; starting with empty baselines');
    return undefined;
  }
  try {
    const v: unknown = JSON.parse(text);
    const a = isObj(v) ? v['anomaly'] : undefined;
    if (!isObj(a) || a['version'] !== 1 || !isObj(a['rules'])) throw new Error('unexpected shape');
    for (const r of Object.values(a['rules'])) {
      if (!isObj(r) || typeof r['fingerprint'] !== 'string') throw new Error('unexpected rule state');
      const b = r['baseline'];
      const s = r['silence'];
      if (b !== undefined && !(Array.isArray(b) && b.every(checkBaseline))) throw new Error('unexpected baseline key');
      if (s !== undefined && !(Array.isArray(s) && s.every(checkSilence))) throw new Error('unexpected silence key');
    }
    return a as unknown as AnomalySnapshot;
  } catch (e) {
    warn(`baseline state ${anomalyStatePath(dataDir)} is damaged (${errorMessage(e)}); starting with empty baselines`);
    return undefined;
  }
}
