import type { Line } from './lines.js';
import type { MultilineConfig } from './config.js';

/** Joined text is kept up to just past what the parser keeps (64 KiB), so that an over-long event is still tagged. */
const MAX_EVENT_CHARS = 65536 + 1;

/**
 * Joins lines into events (Filebeat's multiline model). `after`: a line that matches `pattern` (or does not, with
 * `negate`) continues the event before it. `before`: such a line is continued by the next one. An event is complete
 * when a line starts the next one, at `max_lines`, or when no line came for `timeout_ms` (see `due` and `flush`).
 */
export class MultilineJoiner {
  private readonly re: RegExp;
  private lines: string[] = [];
  private chars = 0;
  private count = 0;
  private end = 0;
  private cut = false;
  private since = 0;

  constructor(private readonly cfg: MultilineConfig) {
    this.re = new RegExp(cfg.pattern);
  }

  get waiting(): boolean {
    return this.count > 0;
  }

  reset(): void {
    this.lines = [];
    this.chars = 0;
    this.count = 0;
    this.cut = false;
  }

  private joins(text: string): boolean {
    return this.re.test(text) !== this.cfg.negate;
  }

  push(lines: readonly Line[], now: number, out: Line[]): void {
    for (const l of lines) {
      const joins = this.joins(l.text);
      if (this.cfg.match === 'after') {
        if (this.count > 0 && (!joins || this.count >= this.cfg.max_lines)) this.emit(out);
        this.add(l, now);
      } else {
        this.add(l, now);
        if (!joins || this.count >= this.cfg.max_lines) this.emit(out);
      }
    }
  }

  /** the event waiting has waited `timeout_ms` */
  due(now: number): boolean {
    return this.count > 0 && now - this.since >= this.cfg.timeout_ms;
  }

  flush(out: Line[]): void {
    if (this.count > 0) this.emit(out);
  }

  private add(l: Line, now: number): void {
    this.since = now;
    this.count++;
    this.end = l.end;
    if (l.cut) this.cut = true;
    if (this.chars > MAX_EVENT_CHARS) return;
    this.lines.push(l.text);
    this.chars += l.text.length + 1;
  }

  private emit(out: Line[]): void {
    out.push({ text: this.lines.join('\n'), end: this.end, cut: this.cut || this.chars > MAX_EVENT_CHARS });
    this.reset();
  }
}
