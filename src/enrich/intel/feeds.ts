import { open } from 'node:fs/promises';
import type { FeedConfig } from './config.js';
import { parseFeed, type ParseReport } from './indicators.js';

export interface FeedText {
  text: string;
  /** the feed was larger than the cap and was cut there */
  cut: boolean;
  /** HTTP 304: nothing changed since the last read */
  unchanged?: boolean;
  etag?: string;
  lastModified?: string;
}

/** Reads a local feed file, at most `maxBytes`. */
async function readFileCapped(path: string, maxBytes: number): Promise<FeedText> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const n = Math.min(size, maxBytes);
    const buf = Buffer.alloc(n);
    let off = 0;
    while (off < n) {
      const { bytesRead } = await fh.read(buf, off, n - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return { text: buf.subarray(0, off).toString('utf8'), cut: size > maxBytes };
  } finally {
    await fh.close();
  }
}

/** Fetches an HTTP feed (conditional on the last ETag / Last-Modified), at most `maxBytes`, within `timeoutMs`. */
async function fetchCapped(url: string, headers: Record<string, string>, maxBytes: number, timeoutMs: number, prev: { etag?: string; lastModified?: string }): Promise<FeedText> {
  const h: Record<string, string> = { 'user-agent': 'vigil-intel', ...headers };
  if (prev.etag !== undefined) h['if-none-match'] = prev.etag;
  if (prev.lastModified !== undefined) h['if-modified-since'] = prev.lastModified;
  const res = await fetch(url, { headers: h, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (res.status === 304) {
    await res.body?.cancel();
    return { text: '', cut: false, unchanged: true, ...prev };
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status} ${res.statusText}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let cut = false;
  if (res.body) {
    // breaking out of the loop cancels the rest of the body
    for await (const value of res.body as unknown as AsyncIterable<Uint8Array>) {
      const room = maxBytes - total;
      if (value.length >= room) {
        chunks.push(Buffer.from(value.subarray(0, room)));
        total += room;
        cut = true;
        break;
      }
      chunks.push(Buffer.from(value));
      total += value.length;
    }
  }
  const etag = res.headers.get('etag');
  const lm = res.headers.get('last-modified');
  return { text: Buffer.concat(chunks, total).toString('utf8'), cut, ...(etag !== null ? { etag } : {}), ...(lm !== null ? { lastModified: lm } : {}) };
}

/** One read of a feed: its text and the indicators in it. */
export async function readFeed(
  feed: FeedConfig,
  o: { maxBytes: number; timeoutMs: number; prev?: { etag?: string; lastModified?: string } },
): Promise<{ report?: ParseReport; text: FeedText }> {
  const text = feed.path !== undefined ? await readFileCapped(feed.path, o.maxBytes) : await fetchCapped(feed.url ?? '', feed.headers, o.maxBytes, o.timeoutMs, o.prev ?? {});
  if (text.unchanged) return { text };
  let body = text.text;
  // a cut plain/CSV feed loses its last, partial line; a cut JSON document cannot be read at all
  if (text.cut) body = body.slice(0, Math.max(0, body.lastIndexOf('\n')));
  return { report: parseFeed(body, feed.format, feed.column, feed.path ?? feed.url ?? ''), text };
}
