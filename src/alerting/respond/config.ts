import { z } from 'zod';
import { parseCidr, parseIp } from '../../query/cidr.js';
import { SelectorShape } from '../notify/select.js';

const argv = z.array(z.string().max(4096)).min(1).max(256);

const common = {
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)').describe('action name, shown in the audit'),
  enabled: z.boolean().default(true),
  on: z.array(z.enum(['new', 'grouped'])).min(1).default(['new', 'grouped']).describe('queue changes that trigger the action'),
  ...SelectorShape,
  dry_run: z.boolean().optional().describe('overrides response.dry_run for this action'),
};

export const BlockActionSchema = z
  .strictObject({
    type: z.literal('block'),
    ...common,
    target: z.enum(['source_ip', 'destination_ip']).default('source_ip').describe("which of the alert's addresses is blocked"),
    template: z.string().min(1).optional().describe('nftables, iptables, ipset (shipped in contrib/response/) or the path of a template file'),
    block_command: argv.optional().describe('argv run to block ({{address}}, {{ip}}, {{family}}, {{ttl}}); run without a shell'),
    unblock_command: argv.optional().describe('argv run when the block is lifted'),
    block_command_v6: argv.optional().describe('argv for IPv6 (default: block_command)'),
    unblock_command_v6: argv.optional().describe('argv for IPv6 (default: unblock_command)'),
    ban_seconds: z.number().positive().max(31_536_000).default(600).describe('how long the first block lasts'),
    ban_factor: z.number().min(1).max(100).default(2).describe('each repeat block of an address lasts this many times longer (1: no escalation)'),
    max_ban_seconds: z.number().positive().max(31_536_000).default(604_800).describe('the longest block'),
    repeat_window_seconds: z.number().positive().max(31_536_000).default(604_800).describe('earlier blocks of an address count for escalation this long'),
  })
  .superRefine((a, ctx) => {
    const explicit = a.block_command !== undefined || a.unblock_command !== undefined;
    if (a.template !== undefined && explicit) ctx.addIssue({ code: 'custom', path: ['template'], message: 'give template or block_command/unblock_command, not both' });
    if (a.template === undefined && (a.block_command === undefined || a.unblock_command === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['block_command'], message: 'a block action needs template, or block_command and unblock_command' });
    }
  });

export const WebhookActionSchema = z.strictObject({
  type: z.literal('webhook'),
  ...common,
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(16).optional().describe('HMAC-SHA256 key (X-Vigil-Signature)'),
  secret_file: z.string().min(1).optional(),
});

export const ScriptActionSchema = z.strictObject({
  type: z.literal('script'),
  ...common,
  command: argv.describe('argv with {{field}} placeholders (each value one argument, never a shell); the alert JSON on stdin'),
});

export const ActionSchema = z.discriminatedUnion('type', [BlockActionSchema, WebhookActionSchema, ScriptActionSchema]);
export type ActionConfig = z.infer<typeof ActionSchema>;
export type BlockActionConfig = z.infer<typeof BlockActionSchema>;

/** The `response:` section. */
export const ResponseConfigSchema = z
  .strictObject({
    dry_run: z.boolean().default(true).describe('log and audit actions without running any command (the default)'),
    allowlist: z
      .array(z.string().refine((v) => parseCidr(v) !== null || parseIp(v) !== null, { message: 'not an address or CIDR' }))
      .max(100_000)
      .default([])
      .describe('addresses and CIDRs never blocked, whatever fires'),
    allowlist_internal: z.boolean().default(true).describe('never block addresses in internal_networks'),
    allowlist_min_criticality: z.number().int().min(1).max(5).default(4).describe('never block an address whose asset has at least this criticality'),
    allowlist_tags: z.array(z.string().min(1)).max(100).default(['never_block']).describe('never block an address whose asset has one of these tags'),
    ipv6_prefix: z.number().int().min(1).max(128).default(64).describe('an IPv6 address is blocked as its network of this prefix length'),
    unblock_on_false_positive: z.boolean().default(true).describe('closing an alert as false_positive lifts the blocks it made'),
    command_timeout_seconds: z.number().positive().max(600).default(30).describe('a command still running after this long is killed (and counts as failed)'),
    actions: z
      .array(ActionSchema)
      .max(100)
      .default([])
      .superRefine((as, ctx) => {
        const seen = new Set<string>();
        as.forEach((a, i) => {
          if (seen.has(a.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate action name '${a.name}'` });
          seen.add(a.name);
        });
      })
      .describe('response actions (block, webhook, script); see docs/response.md'),
    keep_days: z.number().positive().max(3650).default(365).describe('audit rows older than this are deleted from response.db'),
  })
  .prefault({})
  .describe('active response, see docs/response.md');

export type ResponseConfig = z.infer<typeof ResponseConfigSchema>;
