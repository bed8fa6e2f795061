import { z } from 'zod';

/** Files to tail: one entry per path or glob. */
export const FilesConfigSchema = z
  .array(
    z.strictObject({
      path: z.string().min(1).describe('a file path or glob (`/var/log/auth.log*`)'),
    }),
  )
  .default([])
  .describe('files to tail');

export type FilesConfig = z.infer<typeof FilesConfigSchema>;
