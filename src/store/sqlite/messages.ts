/** Messages between the store (main thread) and its writer and sealer threads. */

export interface WriterInit {
  dir: string;
  sync: 'full' | 'normal';
  sealEvents: number;
  sealAgeMs: number;
}

export type WriterRequest =
  /** `batch`: the batch text (batch-codec.ts), or its parts, each whole rows, that joined with ROW_SEP make it */
  | { type: 'append'; id: number; batch: string | string[]; state?: [string, string][] }
  | { type: 'rotate'; id: number; force: boolean }
  | { type: 'checkpoint'; id: number }
  | { type: 'close'; id: number };

/** The hot partition after a reply and how many events it holds (the store's `stats` reads it instead of counting). */
export interface HotCount {
  hot: number;
  hotEvents: number;
}

export type WriterReply =
  | ({ type: 'ready' } & HotCount)
  | ({ type: 'committed'; id: number; batch: number; partition: number; rotated?: number; walBytes: number } & HotCount)
  | ({ type: 'rotated'; id: number; rotated?: number } & HotCount)
  | { type: 'checkpointed'; id: number; busy: boolean; walBytes: number }
  | { type: 'closed'; id: number }
  | { type: 'error'; id: number; message: string; code?: string };

export type SealerRequest = { type: 'seal'; partition: number } | { type: 'close' };

export type SealerReply =
  | { type: 'sealed'; partition: number; file: string; bytes: number; events: number; ms: number }
  | { type: 'error'; partition: number; message: string }
  | { type: 'closed' };
