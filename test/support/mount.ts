import { execFileSync } from 'node:child_process';

/** Runs a command; undefined on success, else its stderr (or the error). */
export function sh(cmd: string, args: string[]): string | undefined {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    return undefined;
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return stderr || (err as Error).message;
  }
}

/** Mounts a tmpfs on `dir` (needs root); the error text if that is refused. */
export function mountTmpfs(dir: string, options: string): string | undefined {
  return sh('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
}

/** Unmounts; a lazy unmount is only a fallback so that a failure cannot leave a mount behind. */
export function unmount(dir: string): void {
  if (sh('umount', [dir]) !== undefined) sh('umount', ['-l', dir]);
}
