import { existsSync, readFileSync } from 'node:fs';
import { LineParser } from '../src/parsers/line.js';
import { normalizeEvent } from '../src/schema/event.js';

/**
 * Parse + normalize throughput of the line parser on a real sshd log (the loghub OpenSSH sample, repeated to `lines`
 * lines), on the calling thread (one core).
 */
export const OPENSSH_LOG = new URL('../../shared/data/loghub/OpenSSH/OpenSSH_2k.log', import.meta.url);

export function openSshLines(lines: number): string[] | undefined {
  if (!existsSync(OPENSSH_LOG)) return undefined;
  const src = readFileSync(OPENSSH_LOG, 'utf8').split('\n').filter((l) => l.length > 0);
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
