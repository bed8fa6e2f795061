import assert from 'node:assert/strict';
import { getPath, type EcsEvent } from '../../schema/event.js';
import type { LineFormat } from '../message-parser.js';

/** The format must sniff and parse the line; the listed fields (dotted paths) are checked, `undefined` meaning unset. */
export function expectLine(format: LineFormat, line: string, expected: Record<string, unknown>): EcsEvent {
  assert.equal(format.sniff(line), true, `not sniffed: ${line}`);
  const e: EcsEvent = {};
  assert.equal(format.parse(line, e), true, `not recognised: ${line}`);
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(getPath(e, k), v, `${k} of ${line}`);
  return e;
}

/** The format must not take the line: not sniffed, or sniffed but not parsed (and then nothing set). */
export function expectNotLine(format: LineFormat, line: string): void {
  if (!format.sniff(line)) return;
  const e: EcsEvent = {};
  assert.equal(format.parse(line, e), false, `unexpectedly recognised: ${line}`);
  assert.deepEqual(e, {});
}
