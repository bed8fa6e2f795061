import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { NODE_FLAGS } from './node-flags.js';

const root = new URL('../../', import.meta.url);

test('the vigil binary and npm start run node with the same options', () => {
  const shebang = readFileSync(new URL('bin/vigil.js', root), 'utf8').split('\n')[0];
  assert.equal(shebang, `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts['start'], `node ${NODE_FLAGS.join(' ')} bin/vigil.js serve`);
});
