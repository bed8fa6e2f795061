import { VigilError } from '../core/errors.js';

/** An error with the HTTP status it answers with; serialised as {"error":{"code","message"}}. */
export class HttpError extends VigilError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(code, message);
  }
}

/** The status for an error a component raised. */
export function statusFor(code: string): number {
  if (code.startsWith('VIGIL_ERR_QUERY') || code === 'VIGIL_ERR_BAD_TIME' || code === 'VIGIL_ERR_BAD_REQUEST') return 400;
  if (code === 'VIGIL_ERR_STORE_FULL') return 507;
  if (code.startsWith('VIGIL_ERR_STORE')) return 503;
  return 500;
}
