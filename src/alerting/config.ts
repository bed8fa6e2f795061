import { z } from 'zod';
import { SuppressionInputSchema } from './suppress.js';

/** The `alerting:` config section (grouping, risk, building blocks, seed suppressions). */
export const AlertingConfigSchema = z
  .strictObject({
    group_window_minutes: z
      .number()
      .positive()
      .max(525_600)
      .default(60)
      .describe('repeats of one rule for one entity within this long of the last one count into the same alert'),
    risk_window_minutes: z.number().positive().max(525_600).default(1440).describe('entity risk accumulates over this window'),
    risk_threshold: z.number().positive().max(1_000_000).default(200).describe('an entity whose accumulated risk crosses this raises an entity risk alert'),
    building_block_tags: z
      .array(z.string().min(1).max(128))
      .max(100)
      .default(['vigil.building_block'])
      .describe('rules with one of these tags (or level informational) raise building-block alerts: risk only, not in the default queue'),
    suppressions: z
      .array(SuppressionInputSchema)
      .max(10_000)
      .default([])
      .describe('suppressions present at start (added once, by their reason and matchers); more through POST /api/v1/suppressions'),
  })
  .prefault({})
  .describe('the alert queue: grouping, risk scoring, building blocks, suppression');

export type AlertingConfig = z.infer<typeof AlertingConfigSchema>;
