import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { EmailChannelConfig } from './config.js';
import { digestLine, type Message, type Transport } from './message.js';
import { renderAlert } from './template.js';
import { readSecret } from './webhook.js';

/** E-mail over SMTP (nodemailer): STARTTLS required by default, certificate verified, optional auth. */
export function emailTransport(c: EmailChannelConfig): Transport {
  const password = readSecret(c.password, c.password_file);
  const timeout = c.timeout_seconds * 1000;
  const transporter = nodemailer.createTransport({
    host: c.host,
    port: c.port,
    secure: c.tls === 'implicit',
    requireTLS: c.tls === 'starttls',
    ignoreTLS: c.tls === 'none',
    ...(c.user !== undefined ? { auth: { user: c.user, pass: password ?? '' } } : {}),
    tls: { rejectUnauthorized: true, ...(c.ca !== undefined ? { ca: readFileSync(c.ca) } : {}) },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(m: Message): Promise<void> {
      let subject: string;
      let text: string;
      if (m.kind === 'digest') {
        subject = `[Vigil] ${m.digest.count} alert(s) held back by the rate limit (${c.name})`;
        const rules = Object.entries(m.digest.rules).map(([r, n]) => `  ${r}: ${n}`);
        text = `${digestLine(m.digest)}\n\nPer rule:\n${rules.join('\n')}\n\nFirst alert ids:\n${m.digest.alert_ids.join('\n')}\n`;
      } else {
        subject = renderAlert(c.subject, m.alert, m.change, 'line');
        text = renderAlert(c.body, m.alert, m.change, 'text');
      }
      await transporter.sendMail({ from: c.from, to: c.to, subject, text, headers: { 'X-Vigil-Delivery': String(m.deliveryId) } });
    },
    close: () => {
      transporter.close();
      return Promise.resolve();
    },
  };
}
