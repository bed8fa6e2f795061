import { authHeaders } from './api';

/** One Server-Sent Event. */
export interface SseMessage {
  event: string;
  data: string;
}

/** Longest pending SSE text kept while waiting for the end of a message (a server sending no blank line is cut). */
const MAX_PENDING = 4 * 1024 * 1024;

/**
 * Reads an SSE stream with fetch(), because EventSource cannot send the Authorization header. Calls `onMessage` for
 * each message until `signal` aborts or the server ends the stream; resolves then.
 */
export async function readSse(url: string, signal: AbortSignal, onMessage: (m: SseMessage) => void): Promise<void> {
  const res = await fetch(url, { headers: { ...authHeaders(), accept: 'text/event-stream' }, signal, credentials: 'omit', cache: 'no-store' });
  if (!res.ok || !res.body) throw new Error(`live tail: ${res.status} ${res.statusText}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      if (buf.length > MAX_PENDING) buf = buf.slice(-MAX_PENDING);
      for (let sep = /\r?\n\r?\n/.exec(buf); sep; sep = /\r?\n\r?\n/.exec(buf)) {
        const block = buf.slice(0, sep.index);
        buf = buf.slice(sep.index + sep[0].length);
        const m = parseBlock(block);
        if (m) onMessage(m);
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** Parses one SSE block (lines up to a blank line); comments and empty blocks give undefined. */
export function parseBlock(block: string): SseMessage | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? undefined : { event, data: data.join('\n') };
}
