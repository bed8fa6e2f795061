import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Asset } from '../alerting/types.js';
import { VigilError } from '../core/errors.js';
import { parseCidr, parseIp } from '../query/cidr.js';
import { canonicalEntry } from './assets.js';

/*
 * The asset inventory's schema: one asset (API, CLI, config), the inventory list, and the `assets:` config section
 * (inline list and/or a YAML file holding a list). Validation errors carry the path of the bad field.
 */

export const MAX_ASSETS = 100_000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
/** host, user and service names in match lists: printable, no spaces or slashes, bounded */
const MATCH_NAME = /^[^\s/\\"'<>]{1,255}$/;

export const AssetSchema = z
  .strictObject({
    name: z.string().regex(NAME, 'a name of letters, digits and . _ : @ - (at most 128 characters)').describe('stable name of the asset'),
    kind: z.enum(['host', 'address', 'network', 'user', 'service']).describe('what the asset is'),
    match: z.array(z.string().min(1).max(255)).min(1).max(1000).describe('addresses, CIDRs (v4/v6) and names (host, user or service, by kind) that are this asset'),
    criticality: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)], { message: 'criticality must be an integer from 1 to 5' }).describe('1 (lab) to 5 (crown jewels)'),
    owner: z.string().min(1).max(256).optional().describe('who to ask'),
    environment: z.string().min(1).max(64).optional().describe('e.g. prod, staging, lab'),
    tags: z.array(z.string().min(1).max(64)).max(100).default([]).describe('free labels'),
  })
  .superRefine((a, ctx) => {
    a.match.forEach((m, i) => {
      const ip = parseIp(m) !== null;
      const cidr = m.includes('/') && parseCidr(m) !== null;
      let problem: string | undefined;
      if (a.kind === 'address' && !ip) problem = 'an address asset matches IP addresses';
      else if (a.kind === 'network' && !ip && !cidr) problem = 'a network asset matches CIDRs or addresses';
      else if (!ip && !cidr && !MATCH_NAME.test(m)) problem = m.includes('/') ? 'not a valid CIDR' : 'not a valid name (no spaces, slashes or quotes)';
      if (problem) ctx.addIssue({ code: 'custom', path: ['match', i], message: problem });
    });
  })
  .transform((a): Asset => {
    const out: Asset = { name: a.name, kind: a.kind, match: [...new Set(a.match.map(canonicalEntry))], criticality: a.criticality, tags: [...new Set(a.tags)] };
    if (a.owner !== undefined) out.owner = a.owner;
    if (a.environment !== undefined) out.environment = a.environment;
    return out;
  });

export const AssetListSchema = z
  .array(AssetSchema)
  .max(MAX_ASSETS)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((a, i) => {
      if (seen.has(a.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate asset name '${a.name}'` });
      seen.add(a.name);
    });
  });

/** The `assets:` config section. */
export const AssetsConfigSchema = z
  .strictObject({
    inventory: AssetListSchema.default([]).describe('assets listed inline'),
    file: z.string().min(1).optional().describe('a YAML file holding a list of assets (same shape), read at start; inline assets with the same name win'),
    stamp_events: z
      .boolean()
      .default(true)
      .describe('stamp every event with source/destination/host/user.asset.{name,criticality} of the assets it involves (alerts always carry them)'),
  })
  .prefault({})
  .describe('the asset inventory seed; edits through the API or `vigil assets` are kept in DATA_DIR/alerting.db and win over it');

export type AssetsConfig = z.infer<typeof AssetsConfigSchema>;

/** `path.to.field: reason` for each issue, joined. */
export function describeZod(err: z.ZodError, prefix = ''): string {
  return err.issues
    .slice(0, 10)
    .map((i) => {
      const path = [prefix, ...i.path.map(String)].filter((p) => p !== '').join('.');
      return `${path || '(top level)'}: ${i.message}`;
    })
    .join('; ');
}

/** One asset from untrusted JSON, or a VIGIL_ERR_BAD_REQUEST with the bad field's path. */
export function parseAsset(raw: unknown, prefix = ''): Asset {
  const r = AssetSchema.safeParse(raw);
  if (!r.success) throw new VigilError('VIGIL_ERR_BAD_REQUEST', describeZod(r.error, prefix));
  return r.data;
}

/** A whole inventory from untrusted JSON (names unique), or a VIGIL_ERR_BAD_REQUEST with the bad field's path. */
export function parseAssetList(raw: unknown, prefix = 'assets'): Asset[] {
  const r = AssetListSchema.safeParse(raw);
  if (!r.success) throw new VigilError('VIGIL_ERR_BAD_REQUEST', describeZod(r.error, prefix));
  return r.data;
}

/** The configured seed inventory: the file's assets, then the inline ones (an inline asset replaces a same-named one). */
export function seedAssets(cfg: AssetsConfig): Asset[] {
  const byName = new Map<string, Asset>();
  if (cfg.file !== undefined) {
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(cfg.file, 'utf8'));
    } catch (err) {
      throw new VigilError('VIGIL_ERR_CONFIG', `assets.file ${cfg.file}: ${err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)}`);
    }
    const r = AssetListSchema.safeParse(raw ?? []);
    if (!r.success) throw new VigilError('VIGIL_ERR_CONFIG', `assets.file ${cfg.file}: ${describeZod(r.error)}`);
    for (const a of r.data) byName.set(a.name, a);
  }
  for (const a of cfg.inventory) byName.set(a.name, a);
  return [...byName.values()];
}
