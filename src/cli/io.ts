import { VigilError } from '../core/errors.js';

/** Thrown by commands to exit with a code and a one-line reason. */
export class CliExit extends VigilError {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super('VIGIL_ERR_CLI', message);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Strips terminal control sequences from values that came from log lines before they reach a terminal. */
export function safeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
