import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineParser } from '../src/parsers/line.js';
import { normalizeEvent } from '../src/schema/event.js';

/**
 * Parse + normalize throughput of the line parser on a real sshd log (the loghub OpenSSH sample, repeated to `lines`
 * lines), on the calling thread (one core). The sample has CRLF line ends; lines are split as `vigil ingest` splits
 * them (readline), so the parsers see each line without its `\r`.
 */
export const OPENSSH_LOG = new URL('../../shared/data/loghub/OpenSSH/OpenSSH_2k.log', import.meta.url);

export function openSshLines(lines: number): string[] | undefined {
  if (!existsSync(OPENSSH_LOG)) return undefined;
  const src = readFileSync(OPENSSH_LOG, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  return Array.from({ length: lines }, (_, i) => src[i % src.length] as string);
}

export function benchParse(lines: string[], log: (s: string) => void): number {
  const parser = new LineParser();
  const run = (): number => {
    const t = performance.now();
    const now = Date.now();
    let n = 0;
    for (const line of lines) {
      const { event } = normalizeEvent(parser.parse({ message: line, receivedAt: now }), now, 'generic', { expand: false });
      if (event['message'] !== undefined) n++;
    }
    if (n !== lines.length) throw new Error('lost lines');
    return lines.length / ((performance.now() - t) / 1000);
  };
  run(); // warm-up
  const rates = [run(), run(), run()].sort((a, b) => a - b);
  const median = rates[1] as number;
  log(`parse + normalize: ${lines.length} loghub OpenSSH lines, median of 3: ${Math.round(median)} lines/s (one core)`);
  return median;
}

/**
 * The same lines through `fail2ban-regex FILE sshd` (Debian package fail2ban), when it is installed: the reference
 * detector's throughput, for a side-by-side ratio. Returns lines/s, or undefined when fail2ban-regex is missing.
 */
export function benchFail2banRegex(lines: string[], log: (s: string) => void): number | undefined {
  const which = spawnSync('sh', ['-c', 'command -v fail2ban-regex'], { encoding: 'utf8' });
  if (which.status !== 0) {
    log('fail2ban-regex: not installed (apt-get install fail2ban); comparison skipped');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigil-f2b-'));
  try {
    const file = join(dir, 'openssh.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const t = performance.now();
    const r = spawnSync('fail2ban-regex', [file, 'sshd'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const secs = (performance.now() - t) / 1000;
    if (r.status !== 0) {
      log(`fail2ban-regex failed: ${r.stderr.slice(0, 200)}`);
      return undefined;
    }
    const matched = /Lines:\s+\d+ lines, \d+ ignored, (\d+) matched/.exec(r.stdout)?.[1] ?? '?';
    const rate = lines.length / secs;
    log(`fail2ban-regex FILE sshd: ${lines.length} lines in ${secs.toFixed(1)} s = ${Math.round(rate)} lines/s (${matched} matched)`);
    return rate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
