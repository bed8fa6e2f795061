import { watch, type FSWatcher } from 'node:fs';

const MAX_WATCHERS = 256;

/**
 * How the file source waits: a bounded sleep (the polling interval) that a change notification on a watched directory
 * ends early. Notifications only shorten waits; polling alone finds every change.
 */
export class Wakeup {
  private readonly watchers = new Map<string, FSWatcher>();
  private wake: (() => void) | undefined;
  /** a notification came since the last `take()` */
  private noticed = false;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** Ends the current sleep (stop, or a notification). */
  now(): void {
    this.wake?.();
  }

  /** true once after a notification (the glob is then matched again) */
  take(): boolean {
    const n = this.noticed;
    this.noticed = false;
    return n;
  }

  /** Watches a directory (at most 256); one that cannot be watched, or fails later, is left to polling. */
  watch(dir: string): void {
    if (this.watchers.has(dir) || this.watchers.size >= MAX_WATCHERS) return;
    try {
      const w = watch(dir, { persistent: false }, () => {
        this.noticed = true;
        this.wake?.();
      });
      w.on('error', () => {
        w.close();
        this.watchers.delete(dir);
      });
      this.watchers.set(dir, w);
    } catch {
      // polling covers it
    }
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.wake?.();
  }
}
