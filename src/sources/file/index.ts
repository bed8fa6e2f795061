import type { Source } from '../../core/component.js';
import type { SourceContext } from '../context.js';
import type { FilesConfig } from './config.js';

export { FilesConfigSchema, type FilesConfig } from './config.js';

/** One file source per configured path or glob. */
export function buildFileSources(_config: FilesConfig, _ctx: SourceContext): Source[] {
  return [];
}
