import assert from 'node:assert/strict';
import { getPath, type EcsEvent } from '../../schema/event.js';
import type { MessageParser } from '../message-parser.js';

/** Parses one message and checks the listed fields (dotted paths); `undefined` means the field must be unset. */
export function expectFields(parser: MessageParser, message: string, expected: Record<string, unknown>): EcsEvent {
  const e: EcsEvent = {};
  assert.equal(parser.parse(message, e), true, `not recognised: ${message}`);
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(getPath(e, k), v, `${k} of ${message}`);
  return e;
}

/** The parser must not recognise the message and must leave the event empty. */
export function expectNoMatch(parser: MessageParser, message: string): void {
  const e: EcsEvent = {};
  assert.equal(parser.parse(message, e), false, `unexpectedly recognised: ${message}`);
  assert.deepEqual(e, {});
}

/** The usual authentication failure fields. */
export function failure(action: string, ip: string | undefined, user: string | undefined, port?: number): Record<string, unknown> {
  return {
    'event.outcome': 'failure',
    'event.action': action,
    'source.ip': ip,
    'user.name': user,
    ...(port !== undefined ? { 'source.port': port } : {}),
  };
}
