import { z } from 'zod';
import { findFormat, formatNames } from '../../parsers/registry.js';
import { compileGlob } from './glob.js';

const MultilineSchema = z
  .strictObject({
    pattern: z.string().min(1).max(1000).describe('a regular expression; a line matching it (or not, with `negate`) is joined to another'),
    negate: z.boolean().default(false).describe('join the lines that do not match `pattern` instead'),
    match: z.enum(['after', 'before']).default('after').describe('`after`: a joining line continues the previous one; `before`: it starts an event the next line completes'),
    max_lines: z.number().int().min(1).max(10_000).default(500).describe('lines per joined event at most (the rest start a new event)'),
    timeout_ms: z.number().int().min(10).max(600_000).default(1000).describe('an event waiting for more lines is sent after this long'),
  })
  .superRefine((m, ctx) => {
    try {
      new RegExp(m.pattern);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: `not a regular expression: ${(err as Error).message}` });
    }
  });

const glob = z
  .string()
  .min(1)
  .max(4096)
  .superRefine((g, ctx) => {
    try {
      compileGlob(g);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

/** One file or glob to tail. */
export const FileConfigSchema = z.strictObject({
  path: glob.describe('a file path or glob (`*`, `?`, `**`, `{a,b}`, `[…]`); new files that match are picked up'),
  format: z
    .string()
    .min(1)
    .refine((f) => findFormat(f) !== undefined, { error: () => `unknown format; known: ${formatNames().join(', ')}` })
    .optional()
    .describe('parse every line with this format (as `vigil parse --format`) instead of detecting it'),
  exclude: z.array(glob).max(100).default([]).describe('globs of files not to read (matched against the full path, or the file name when without `/`)'),
  start_at: z.enum(['beginning', 'end']).default('beginning').describe('where to start in a file found at start-up with no checkpoint; files appearing later are read from their beginning'),
  read_rotated_gzip: z.boolean().default(true).describe('read `*.gz` files that match once (streaming), skipping what was already read from the file they were compressed from'),
  multiline: MultilineSchema.optional().describe('join lines into one event (stack traces)'),
  encoding: z.enum(['utf8', 'latin1', 'ascii']).default('utf8').describe('text encoding of the files (invalid bytes become U+FFFD)'),
});

/** Files to tail: one entry per path or glob. */
export const FilesConfigSchema = z
  .array(FileConfigSchema)
  .max(1000)
  .superRefine((files, ctx) => {
    const seen = new Set<string>();
    files.forEach((f, i) => {
      // the path names the source and its checkpoint file
      if (seen.has(f.path)) ctx.addIssue({ code: 'custom', path: [i, 'path'], message: `${f.path} is listed twice` });
      seen.add(f.path);
    });
  })
  .default([])
  .describe('files to tail');

export type FilesConfig = z.infer<typeof FilesConfigSchema>;
export type FileConfig = z.infer<typeof FileConfigSchema>;
export type MultilineConfig = z.infer<typeof MultilineSchema>;
