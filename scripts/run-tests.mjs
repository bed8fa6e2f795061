// Runs test files with node's test runner under the TypeScript loader.
// usage: node scripts/run-tests.mjs [unit|int|e2e|all]   (default all: the unit tests, then the others)
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
/** Runs test files under one runner; its exit status. */
function run(files, concurrency) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { stdio: 'inherit' });
  return r.status ?? 1;
}
// Unit tests are CPU-bound and independent: two files at a time. Integration and end-to-end tests drive real servers,
// sockets and peers whose timing another test's load would disturb: one file at a time.
if (kind === 'all') {
  const unit = run(files.unit, '2');
  const rest = run([...files.int, ...files.e2e], '1');
  console.log(`unit tests: exit ${unit}; integration and end-to-end tests: exit ${rest}`);
  process.exit(unit !== 0 ? unit : rest);
}
process.exit(run(list, kind === 'unit' ? '2' : '1'));
