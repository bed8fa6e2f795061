import { isIPv6 } from 'node:net';
import type { RawRecord } from '../../core/component.js';
import type { Frame } from './framing.js';

export const TRUNCATED_TAG = '_truncated';

/**
 * A record with tags the source already knows (`_truncated`). The parser adds `record.tags` to the event; a parser
 * that does not know the field still stores the (cut) message.
 */
export type SyslogRecord = RawRecord & { tags?: string[] };

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) as `10.0.0.1`; other addresses unchanged. */
export function peerAddress(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function toRecord(frame: Frame, receivedAt: number, address: string, port: number, source: string): SyslogRecord {
  const r: SyslogRecord = { message: frame.message, receivedAt, peer: { address, port }, source };
  if (frame.truncated) r.tags = [TRUNCATED_TAG];
  if (frame.bomAt !== undefined) r.bomAt = frame.bomAt;
  return r;
}

/** `HOST:PORT`, with an IPv6 host in brackets (`[::1]:5514`). */
export function hostPort(host: string, port: number): string {
  return `${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/**
 * Operational messages at a bounded rate: at most `limit` per `intervalMs`; what is held back is summed up in one line
 * when the next interval begins (a flood of bad peers cannot flood the log).
 */
export class RateLimitedLog {
  private windowStart = 0;
  private written = 0;
  private suppressed = 0;

  constructor(
    private readonly log: (message: string) => void,
    private readonly prefix: string,
    private readonly limit = 10,
    private readonly intervalMs = 10_000,
  ) {}

  write(message: string): void {
    const now = Date.now();
    if (now - this.windowStart >= this.intervalMs) {
      if (this.suppressed > 0) this.log(`${this.prefix}: ${this.suppressed} more messages like these were not logged`);
      this.windowStart = now;
      this.written = 0;
      this.suppressed = 0;
    }
    if (this.written < this.limit) {
      this.written++;
      this.log(`${this.prefix}: ${message}`);
    } else {
      this.suppressed++;
    }
  }
}

export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length <= 60 ? code : 'error';
}

export function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 200);
}
