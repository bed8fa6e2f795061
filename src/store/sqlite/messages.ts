/** Messages between the store (main thread) and its writer and sealer threads. */

export interface WriterInit {
  dir: string;
  sync: 'full' | 'normal';
  sealEvents: number;
  sealAgeMs: number;
}

export type WriterRequest =
  | { type: 'append'; id: number; buf: Uint8Array }
  | { type: 'rotate'; id: number; force: boolean }
  | { type: 'close'; id: number };

export type WriterReply =
  | { type: 'ready'; hot: number }
  | { type: 'committed'; id: number; batch: number; partition: number; rotated?: number }
  | { type: 'rotated'; id: number; rotated?: number }
  | { type: 'closed'; id: number }
  | { type: 'error'; id: number; message: string; code?: string };

export type SealerRequest = { type: 'seal'; partition: number } | { type: 'close' };

export type SealerReply =
  | { type: 'sealed'; partition: number; file: string; bytes: number; events: number; ms: number }
  | { type: 'error'; partition: number; message: string }
  | { type: 'closed' };
