import { createHash } from 'node:crypto';

/** The chain's starting value: 32 zero bytes. */
export const GENESIS_HASH = Buffer.alloc(32);

/**
 * hash = sha256(previous hash ‖ batch bytes). A batch given in parts is hashed as the parts joined with `sep`, without
 * joining them.
 */
export function chainHash(prev: Uint8Array, batch: string | readonly string[], sep = ''): Buffer {
  const h = createHash('sha256').update(prev);
  if (typeof batch === 'string') return h.update(batch, 'utf8').digest();
  batch.forEach((part, i) => {
    if (i > 0) h.update(sep, 'utf8');
    h.update(part, 'utf8');
  });
  return h.digest();
}
