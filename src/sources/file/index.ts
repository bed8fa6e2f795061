import type { Source } from '../../core/component.js';
import type { SourceContext } from '../context.js';
import type { FilesConfig } from './config.js';
import { FileSource } from './source.js';

export { FilesConfigSchema, type FilesConfig, type FileConfig } from './config.js';
export { FileSource } from './source.js';

/** One file source per configured path or glob. */
export function buildFileSources(config: FilesConfig, ctx: SourceContext): Source[] {
  return config.map((c) => new FileSource(c, ctx));
}
