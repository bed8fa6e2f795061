import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { WebhookChannelConfig } from './config.js';
import { messageJson, type Message, type Transport } from './message.js';
import { alertFields, render } from './template.js';

/** `sha256=HEX`: HMAC-SHA256 of the raw body with the channel's secret (header X-Vigil-Signature). */
export function signature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function readSecret(inline: string | undefined, file: string | undefined): string | undefined {
  if (inline !== undefined) return inline;
  if (file === undefined) return undefined;
  return readFileSync(file, 'utf8').trim();
}

/** One POST with a timeout; resolves on a 2xx answer, rejects otherwise (the status and a bounded piece of the body). */
export async function postJson(url: string, body: string, opts: { secret?: string | undefined; headers?: Record<string, string>; timeoutMs: number; deliveryId?: string }): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'vigil', ...opts.headers };
  if (opts.secret !== undefined) headers['x-vigil-signature'] = signature(opts.secret, body);
  if (opts.deliveryId !== undefined) headers['x-vigil-delivery'] = opts.deliveryId;
  const res = await fetch(url, { method: 'POST', body, headers, redirect: 'error', signal: AbortSignal.timeout(opts.timeoutMs) });
  if (res.ok) {
    await res.body?.cancel();
    return;
  }
  const text = (await res.text().catch(() => '')).slice(0, 200);
  throw new Error(`HTTP ${res.status}${text ? `: ${text}` : ''}`);
}

export function webhookTransport(c: WebhookChannelConfig): Transport {
  const secret = readSecret(c.secret, c.secret_file);
  return {
    async send(m: Message): Promise<void> {
      let body: string;
      if (c.body_template !== undefined && m.kind === 'alert') body = render(c.body_template, alertFields(m.alert, m.change), m.alert.doc, 'json');
      else body = JSON.stringify(messageJson(m));
      await postJson(c.url, body, { secret, headers: c.headers, timeoutMs: c.timeout_seconds * 1000, deliveryId: String(m.deliveryId) });
    },
    close: async () => {},
  };
}
