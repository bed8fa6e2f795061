import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configReference } from './config-doc.js';

test('docs/configuration.md is the reference generated from the config schema', () => {
  const onDisk = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  assert.equal(onDisk, configReference(), 'run npm run docs:config');
});

test('the reference lists every leaf key with its default', () => {
  const doc = configReference();
  for (const key of ['data_dir', 'http.port', 'store.seal_events', 'store.retention_days', 'pipeline.queue_events']) {
    assert.match(doc, new RegExp(`\\| \`${key.replace('.', '\\.')}\` \\|`));
  }
  assert.match(doc, /\| `http\.port` \| integer \(≥ 0, ≤ 65535\) \| `8080` \|/);
});

test('an array of objects documents each key of its items, required ones marked', () => {
  const doc = configReference();
  assert.match(doc, /\| `files` \| object\[\] \| `\[\]` \| files to tail \|/);
  assert.match(doc, /\| `files\[\]\.path` \| string \| required \|/);
  assert.match(doc, /\| `files\[\]\.exclude` \| string\[\] \| `\[\]` \|/);
  assert.match(doc, /\| `files\[\]\.start_at` \| `beginning` \\\| `end` \| `"beginning"` \|/);
  assert.match(doc, /\| `files\[\]\.multiline\.pattern` \| string \| required \|/);
  assert.match(doc, /\| `files\[\]\.multiline\.timeout_ms` \| integer \(≥ 10, ≤ 600000\) \| `1000` \|/);
});
