import { createHash } from 'node:crypto';

/** The chain's starting value: 32 zero bytes. */
export const GENESIS_HASH = Buffer.alloc(32);

/** hash = sha256(previous hash ‖ batch bytes) */
export function chainHash(prev: Uint8Array, batch: string): Buffer {
  return createHash('sha256').update(prev).update(batch, 'utf8').digest();
}
