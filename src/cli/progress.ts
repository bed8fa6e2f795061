/** A one-line progress display on a TTY (stderr); silent otherwise. Redraws at most every 100 ms. */
export class Progress {
  private last = 0;
  private readonly started = Date.now();
  constructor(
    private readonly enabled: boolean,
    private readonly total: number,
  ) {}

  update(bytes: number, events: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const secs = Math.max((now - this.started) / 1000, 0.001);
    const rate = Math.round(events / secs);
    let bar = '';
    if (this.total > 0) {
      const frac = Math.min(bytes / this.total, 1);
      const width = 30;
      const filled = Math.round(frac * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% `;
    }
    process.stderr.write(`\r${bar}${events} events, ${rate}/s   `);
  }

  done(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}
