import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeConformance } from '../store.case.js';
import type { Store } from '../store.js';
import { SqliteStore } from './sqlite-store.js';

const dirs = new WeakMap<Store, string>();

async function openAt(dir: string): Promise<Store> {
  const s = new SqliteStore({ dir, sync: 'normal', sealEvents: 1_000_000 });
  await s.open();
  dirs.set(s, dir);
  return s;
}

storeConformance('sqlite', {
  make: () => openAt(mkdtempSync(join(tmpdir(), 'vigil-store-'))),
  reopen: async (s) => {
    const dir = dirs.get(s) as string;
    await s.close();
    return openAt(dir);
  },
  cleanup: async (s) => {
    await s.close();
    rmSync(dirs.get(s) as string, { recursive: true, force: true });
  },
});
