import assert from 'node:assert/strict';
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (for starting a real `vigil serve` in tests). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const addr = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  assert.ok(addr && typeof addr === 'object');
  return addr.port;
}
