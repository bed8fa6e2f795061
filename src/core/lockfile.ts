import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError, errorMessage } from './errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * Creates the data directory and its parents. A recursive mkdir reports ENOENT where a parent cannot be written (a
 * read-only file system), so on failure a plain mkdir is tried to learn the real reason.
 */
export function makeDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    let reason = err;
    try {
      mkdirSync(dataDir);
      return;
    } catch (plain) {
      if ((plain as { code?: string }).code !== 'ENOENT') reason = plain;
    }
    throw new VigilError('VIGIL_ERR_STORE_UNWRITABLE', `cannot create data directory ${dataDir}: ${errorMessage(reason)}`, { cause: err });
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
