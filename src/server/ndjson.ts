import { isObject, type EcsEvent } from '../schema/event.js';

export interface NdjsonLineError {
  line: number;
  message: string;
}

/** Splits NDJSON into objects; a bad line is reported with its 1-based number and never stops the rest. */
export function parseNdjson(body: string): { events: EcsEvent[]; errors: NdjsonLineError[]; lines: number[] } {
  const events: EcsEvent[] = [];
  const lines: number[] = [];
  const errors: NdjsonLineError[] = [];
  let lineNo = 0;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    lineNo++;
    const text = body.slice(start, end).trim();
    start = end + 1;
    if (text.length === 0) continue;
    try {
      const v: unknown = JSON.parse(text);
      if (isObject(v)) {
        events.push(v);
        lines.push(lineNo);
      } else errors.push({ line: lineNo, message: 'not a JSON object' });
    } catch (err) {
      errors.push({ line: lineNo, message: `invalid JSON: ${(err as Error).message.slice(0, 120)}` });
    }
  }
  return { events, errors, lines };
}

/** Splits a text body into lines (LF or CRLF), dropping only the empty ones. */
export function splitLines(body: string): string[] {
  const out: string[] = [];
  for (const l of body.split('\n')) {
    const line = l.endsWith('\r') ? l.slice(0, -1) : l;
    if (line.length > 0) out.push(line);
  }
  return out;
}
