import assert from 'node:assert/strict';
import { getPath, type EcsEvent } from '../../schema/event.js';
import { LineParser } from '../line.js';
import type { LineFormat } from '../message-parser.js';

/** The format must sniff and parse the line; the listed fields (dotted paths) are checked, `undefined` meaning unset. */
export function expectLine(format: LineFormat, line: string, expected: Record<string, unknown>): EcsEvent {
  assert.equal(format.sniff(line), true, `not sniffed by ${format.name}: ${line}`);
  const e: EcsEvent = {};
  assert.equal(format.parse(line, e), true, `not recognised by ${format.name}: ${line}`);
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(getPath(e, k), v, `${k} of ${line}`);
  return e;
}

/** The format's sniff must pass the line by (it belongs to another format or to the syslog reader). */
export function expectNotSniffed(format: LineFormat, line: string): void {
  assert.equal(format.sniff(line), false, `${format.name} sniffs a line that is not its own: ${line}`);
}

/** A whole line through the line parser (header, routing, sniffing), as `vigil parse` reads it. */
export function parseLine(line: string, format?: string): EcsEvent {
  return new LineParser(() => Date.UTC(2026, 0, 15)).parse({ message: line, receivedAt: 0, ...(format !== undefined ? { format } : {}) });
}
