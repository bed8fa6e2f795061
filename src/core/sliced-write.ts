import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setImmediate as yieldToEvents } from 'node:timers/promises';

export interface SlicedWriteOptions {
  /** longest stretch of making pieces before other work may run, ms */
  sliceMs?: number;
  /** bytes gathered before a write */
  chunkBytes?: number;
  /** stop after this many bytes (the file is then not replaced) */
  maxBytes?: number;
  now?: () => number;
}

/**
 * Replaces `file` atomically (temporary file, fsync, rename, directory fsync) with the concatenation of `pieces`,
 * taking them in slices of at most `sliceMs` between which the event loop runs: a large state file is written
 * without stalling the events being processed meanwhile. Resolves to the bytes written.
 */
export async function writeFileSliced(file: string, pieces: Iterable<string>, options: SlicedWriteOptions = {}): Promise<number> {
  const sliceMs = options.sliceMs ?? 8;
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
  const now = options.now ?? (() => performance.now());
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const total = await writeAll(tmp, pieces, sliceMs, chunkBytes, maxBytes, now);
    await rename(tmp, file);
    await syncDir(dirname(file));
    return total;
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

async function writeAll(tmp: string, pieces: Iterable<string>, sliceMs: number, chunkBytes: number, maxBytes: number, now: () => number): Promise<number> {
  const fh = await open(tmp, 'w', 0o600);
  let total = 0;
  try {
    let buf: string[] = [];
    let size = 0;
    let sliceStart = now();
    for (const p of pieces) {
      buf.push(p);
      size += p.length;
      if (size >= chunkBytes || now() - sliceStart >= sliceMs) {
        const text = buf.join('');
        buf = [];
        size = 0;
        total += Buffer.byteLength(text);
        if (total > maxBytes) throw new Error(`state larger than ${maxBytes} bytes`);
        await fh.write(text);
        await yieldToEvents();
        sliceStart = now();
      }
    }
    const rest = buf.join('');
    total += Buffer.byteLength(rest);
    if (total > maxBytes) throw new Error(`state larger than ${maxBytes} bytes`);
    await fh.write(rest);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return total;
}

async function syncDir(path: string): Promise<void> {
  try {
    const dir = await open(path, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // directories cannot be fsynced on every platform; the rename is still atomic
  }
}
