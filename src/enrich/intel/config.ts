import { z } from 'zod';

const FeedSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (at most 64)').describe('feed name: the alert rule id is `intel-<name>` unless `rule_id` is set'),
    path: z.string().min(1).optional().describe('local file with indicators (read at start and at every refresh)'),
    url: z.url({ protocol: /^https?$/ }).optional().describe('HTTP(S) feed fetched at start and at every refresh'),
    format: z.enum(['auto', 'plain', 'csv', 'stix']).default('auto').describe('plain (one indicator a line, `#` comments), csv (see `column`), stix (a STIX 2.1 bundle); auto: stix for JSON, csv for `.csv`, else plain'),
    column: z.union([z.string().min(1), z.number().int().min(0).max(255)]).default(0).describe('CSV: the column holding the indicator (header name, or 0-based index)'),
    headers: z.record(z.string(), z.string()).default({}).describe('HTTP request headers (e.g. an API key)'),
    refresh_minutes: z.number().min(0.01).max(10_080).default(60).describe('how often the feed is read again'),
    level: z.enum(['informational', 'low', 'medium', 'high', 'critical']).default('high').describe('alert level of a match'),
    rule_id: z.string().min(1).max(128).optional().describe('rule id of this feed\'s alerts (default `intel-<name>`)'),
  })
  .superRefine((f, ctx) => {
    if ((f.path === undefined) === (f.url === undefined)) ctx.addIssue({ code: 'custom', path: ['path'], message: 'give exactly one of path and url' });
  });

/** Threat intelligence: indicator feeds matched against every event before detection (docs/intel.md). */
export const IntelConfigSchema = z
  .strictObject({
    feeds: z.array(FeedSchema).max(256).default([]).describe('indicator feeds (none by default)'),
    max_indicators: z.number().int().min(1).max(50_000_000).default(1_000_000).describe('indicators kept at most over all feeds; the rest are counted as dropped'),
    max_feed_bytes: z.number().int().min(1024).max(4 * 1024 * 1024 * 1024).default(256 * 1024 * 1024).describe('a feed larger than this is cut there (counted)'),
    fetch_timeout_seconds: z.number().positive().max(3600).default(60).describe('an HTTP feed that has not answered by then is tried again at the next refresh'),
    hunt_back_hours: z.number().min(0).max(24 * 366).default(24).describe('new indicators are searched for in events stored this far back (0: off)'),
    hunt_max_indicators: z.number().int().min(0).max(1_000_000).default(10_000).describe('new indicators hunted for per refresh at most'),
    hunt_max_events: z.number().int().min(0).max(1_000_000).default(10_000).describe('stored events a hunt raises alerts for at most'),
  })
  .prefault({});

export type IntelConfig = z.infer<typeof IntelConfigSchema>;
export type FeedConfig = IntelConfig['feeds'][number];
