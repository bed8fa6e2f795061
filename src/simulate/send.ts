import { connect, type Socket } from 'node:net';
import { errorMessage } from '../core/errors.js';
import type { Msg } from './scenarios.js';

/** Where scenario events go: a syslog TCP listener, or the HTTP ingest API. */
export interface Sender {
  readonly how: string;
  send(msgs: readonly Msg[]): Promise<void>;
  close(): Promise<void>;
}

/** One message as RFC 5424 with the time it is sent (facility auth/authpriv, severity info). */
export function rfc5424(m: Msg, now: Date = new Date()): string {
  return `<86>1 ${now.toISOString()} ${m.host} ${m.app} ${m.pid ?? '-'} - - ${m.text}`;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** Syslog over TCP, RFC 6587 octet counting, one connection per scenario. */
export async function syslogSender(host: string, port: number): Promise<Sender> {
  const sock = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`cannot connect to syslog ${host}:${port}: timed out`));
    }, CONNECT_TIMEOUT_MS);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to syslog ${host}:${port}: ${errorMessage(e)}`));
    });
  });
  let failure: Error | undefined;
  sock.on('error', (e) => (failure = e));
  return {
    how: `syslog tcp ${host}:${port}`,
    async send(msgs) {
      if (failure) throw failure;
      const now = new Date();
      const body = msgs.map((m) => {
        const line = rfc5424(m, now);
        return `${Buffer.byteLength(line)} ${line}`;
      });
      await new Promise<void>((resolve, reject) => sock.write(body.join(''), (e) => (e ? reject(e) : resolve())));
    },
    async close() {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          sock.destroy();
          resolve();
        }, 5000);
        sock.end(() => {
          clearTimeout(t);
          resolve();
        });
      });
    },
  };
}

/** POST /api/v1/ingest (text/plain lines; answered once stored). */
export function ingestSender(base: string, token: string): Sender {
  return {
    how: `ingest ${base}/api/v1/ingest`,
    async send(msgs) {
      const now = new Date();
      const res = await fetch(`${base}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
        body: `${msgs.map((m) => rfc5424(m, now)).join('\n')}\n`,
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) throw new Error(`ingest answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    },
    async close() {},
  };
}
