import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from './errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * One writing process per data directory (a second writer would fork the integrity chain). The lock is a file
 * holding the owner's pid; a lock left by a dead process is taken over.
 */
export function acquireLock(dataDir: string, purpose: string): () => void {
  const path = join(dataDir, 'vigil.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n${purpose}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') {
        throw new VigilError('VIGIL_ERR_STORE_UNWRITABLE', `cannot lock data directory ${dataDir}: ${(err as Error).message}`, { cause: err });
      }
      const [pidText, owner] = readFileSync(path, 'utf8').split('\n');
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new VigilError('VIGIL_ERR_LOCKED', `data directory ${dataDir} is in use by process ${pid} (${owner ?? 'vigil'}); send events to it over HTTP, or stop it first`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new VigilError('VIGIL_ERR_LOCKED', `cannot lock data directory ${dataDir}`);
}
