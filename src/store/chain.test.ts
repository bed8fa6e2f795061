import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROW_SEP } from './batch-codec.js';
import { chainHash, GENESIS_HASH } from './chain.js';

test('a batch hashed in parts hashes as the parts joined', () => {
  const prev = chainHash(GENESIS_HASH, 'previous');
  const cases: string[][] = [[], [''], ['a'], ['a', 'b'], ['row 1\u0001{}', 'row 2\u0001{}', 'ü 🙂\u0001{"x":"\\u0000"}'], ['', '', 'x']];
  for (const parts of cases) {
    assert.deepEqual(chainHash(prev, parts, ROW_SEP), chainHash(prev, parts.join(ROW_SEP)), JSON.stringify(parts));
  }
  // and differs from other splits of other text
  assert.notDeepEqual(chainHash(prev, ['ab'], ROW_SEP), chainHash(prev, ['a', 'b'], ROW_SEP));
  assert.notDeepEqual(chainHash(GENESIS_HASH, ['a'], ROW_SEP), chainHash(prev, ['a'], ROW_SEP));
});
