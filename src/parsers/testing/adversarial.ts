import assert from 'node:assert/strict';
import type { EcsEvent } from '../../schema/event.js';
import type { MessageParser } from '../message-parser.js';

/** 64 KiB messages built to make a backtracking pattern take quadratic or exponential time. */
export function adversarialMessages(prefixes: readonly string[]): string[] {
  const size = 65_536;
  const fill = (prefix: string, unit: string): string => prefix + unit.repeat(Math.ceil((size - prefix.length) / unit.length)).slice(0, size - prefix.length);
  const units = [' from x', ' from 1.2.3.4 port 1', ' port 22: ', ' rhost=x', ' user=', ' ; ', ' by ', '(', ' (', ')', ' ', 'a', ': ', "'", ' [preauth]', ' for ', ',UID=1'];
  const out: string[] = [];
  for (const p of ['', ...prefixes]) for (const u of units) out.push(fill(p, u));
  return out;
}

/** Every message is parsed without throwing, each in well under 100 ms. Returns the slowest time in ms. */
export function assertLinear(parser: MessageParser, prefixes: readonly string[]): number {
  let slowest = 0;
  for (const m of adversarialMessages(prefixes)) {
    const e: EcsEvent = { process: { pid: 1 } };
    const t0 = performance.now();
    parser.parse(m, e);
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    assert.ok(ms < 100, `${parser.name}: ${ms.toFixed(1)} ms on ${JSON.stringify(m.slice(0, 60))}…`);
  }
  return slowest;
}
