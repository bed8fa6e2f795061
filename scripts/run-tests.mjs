// Runs test files with node's test runner under the TypeScript loader.
// usage: node scripts/run-tests.mjs [unit|int|e2e|all]   (default all; one runner, one summary)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const kind = process.argv[2] ?? 'all';
function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const src = walk('src', []);
const files = {
  unit: src.filter((f) => !f.endsWith('.int.test.ts')),
  int: src.filter((f) => f.endsWith('.int.test.ts')),
  e2e: walk('test/e2e', []),
};
files.all = [...files.unit, ...files.int, ...files.e2e];
const list = files[kind];
if (!list) {
  console.error(`unknown test kind ${kind}`);
  process.exit(2);
}
const concurrency = kind === 'unit' ? '2' : '1';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...list], { stdio: 'inherit' });
process.exit(r.status ?? 1);
