import { z } from 'zod';
import { SelectorShape } from './select.js';

const port = z.number().int().min(1).max(65535);

const RateSchema = z
  .strictObject({
    per_minute: z.number().positive().max(60_000).default(30).describe('messages per minute the channel sends at most (token bucket refill)'),
    burst: z.number().int().min(1).max(10_000).default(10).describe('messages sent at once before the rate applies (bucket size)'),
    digest_seconds: z.number().positive().max(86_400).default(60).describe('alerts beyond the rate are summarised in one digest message per this many seconds'),
  })
  .prefault({});

/** What every channel has: a name, what it takes (selector), when, its rate limit and its retries. */
const common = {
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)').describe('channel name, shown in deliveries'),
  enabled: z.boolean().default(true),
  on: z
    .array(z.enum(['new', 'grouped', 'status']))
    .min(1)
    .default(['new'])
    .describe('queue changes that notify: a new alert, a repeat grouped into it, a triage change'),
  ...SelectorShape,
  rate: RateSchema,
  max_attempts: z.number().int().min(1).max(100).default(6).describe('delivery attempts before a delivery is marked failed'),
  backoff_seconds: z.number().positive().max(3600).default(2).describe('first retry delay; doubles each attempt, with jitter'),
  max_backoff_seconds: z.number().positive().max(86_400).default(600).describe('longest retry delay'),
  timeout_seconds: z.number().positive().max(300).default(10).describe('one attempt gives up after this long'),
};

const secret = {
  secret: z.string().min(16).optional().describe('HMAC-SHA256 key: X-Vigil-Signature: sha256=HEX over the raw body'),
  secret_file: z.string().min(1).optional().describe('... or a file holding it'),
};

export const WebhookChannelSchema = z.strictObject({
  type: z.literal('webhook'),
  ...common,
  url: z.url({ protocol: /^https?$/ }).describe('where alerts are POSTed (JSON)'),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(4096).regex(/^[^\r\n]*$/)).default({}).describe('extra request headers'),
  body_template: z.string().max(65_536).optional().describe('a JSON body with {{field}} placeholders (values JSON-escaped) instead of the default body'),
  ...secret,
});

export const EmailChannelSchema = z.strictObject({
  type: z.literal('email'),
  ...common,
  host: z.string().min(1).describe('SMTP server'),
  port: port.default(587),
  tls: z.enum(['starttls', 'implicit', 'none']).default('starttls').describe('STARTTLS (required), TLS from the first byte (port 465), or plain (loopback test servers only)'),
  ca: z.string().min(1).optional().describe('CA certificates (PEM file) the server certificate is verified against, besides the system ones'),
  user: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  password_file: z.string().min(1).optional(),
  from: z.string().min(3).max(320),
  to: z.array(z.string().min(3).max(320)).min(1).max(100),
  subject: z.string().max(1000).default('[Vigil] {{level}}: {{rule.name}} ({{entities.source_ip}})'),
  body: z
    .string()
    .max(65_536)
    .default('{{rule.name}}\n\nLevel: {{level}}  Severity: {{severity}}  Risk: {{risk_score}}\nCount: {{count}}  First seen: {{first_seen}}  Last seen: {{last_seen}}\nSource: {{entities.source_ip}}  User: {{entities.user_name}}  Host: {{entities.host_name}}\nATT&CK: {{techniques}}\nAlert id: {{id}}\n'),
});

export const SyslogChannelSchema = z.strictObject({
  type: z.literal('syslog'),
  ...common,
  host: z.string().min(1),
  port: port.default(514),
  transport: z.enum(['udp', 'tcp', 'tls']).default('udp').describe('UDP datagrams, or TCP/TLS with RFC 6587 octet counting'),
  ca: z.string().min(1).optional().describe('CA certificates (PEM file) for tls'),
  format: z.enum(['cef', 'json']).default('cef').describe('CEF (ArcSight) or the JSON body of the webhook as the message'),
  facility: z.number().int().min(0).max(23).default(16).describe('syslog facility (16 = local0)'),
  app_name: z.string().min(1).max(48).default('vigil'),
});

export const ChannelSchema = z.discriminatedUnion('type', [WebhookChannelSchema, EmailChannelSchema, SyslogChannelSchema]);
export type ChannelConfig = z.infer<typeof ChannelSchema>;
export type WebhookChannelConfig = z.infer<typeof WebhookChannelSchema>;
export type EmailChannelConfig = z.infer<typeof EmailChannelSchema>;
export type SyslogChannelConfig = z.infer<typeof SyslogChannelSchema>;

/** The `notify:` section. */
export const NotifyConfigSchema = z
  .strictObject({
    channels: z
      .array(ChannelSchema)
      .max(100)
      .default([])
      .superRefine((chs, ctx) => {
        const seen = new Set<string>();
        chs.forEach((c, i) => {
          if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate channel name '${c.name}'` });
          seen.add(c.name);
          if (c.type === 'webhook' && c.secret !== undefined && c.secret_file !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'secret_file'], message: 'give secret or secret_file, not both' });
          if (c.type === 'email' && c.password !== undefined && c.password_file !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'password_file'], message: 'give password or password_file, not both' });
        });
      })
      .describe('notification channels (webhook, email, syslog); see docs/notifications.md'),
    keep_days: z.number().positive().max(3650).default(30).describe('deliveries older than this are deleted from notify.db'),
  })
  .prefault({})
  .describe('notifications, see docs/notifications.md');

export type NotifyConfig = z.infer<typeof NotifyConfigSchema>;
