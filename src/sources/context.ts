import type { Pipeline } from '../core/pipeline.js';
import type { Telemetry } from '../core/telemetry.js';

/** What a source is given when it is built: where to hand records, where to count, where to keep its state. */
export interface SourceContext {
  pipeline: Pipeline;
  telemetry: Telemetry;
  /** the data directory (sources keep checkpoints under it) */
  dataDir: string;
  /** one-line operational messages (listening addresses, refused peers); goes to stderr in `vigil serve` */
  log(message: string): void;
}
