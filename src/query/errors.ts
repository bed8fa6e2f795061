import { VigilError } from '../core/errors.js';

/** `…_BUDGET`: the query ran out of its time budget or row cap and was stopped. */
export type QueryErrorCode = 'VIGIL_ERR_QUERY_PARSE' | 'VIGIL_ERR_QUERY_UNSUPPORTED' | 'VIGIL_ERR_QUERY_INVALID' | 'VIGIL_ERR_QUERY_BUDGET';

/**
 * A query that cannot be parsed or compiled. `position` is a 0-based character offset into the query text;
 * `expected` names what would have been valid there, when that is known.
 */
export class QueryError extends VigilError {
  declare readonly code: QueryErrorCode;
  readonly position: number;
  readonly expected?: string;

  constructor(code: QueryErrorCode, detail: string, position: number, options: { expected?: string; cause?: unknown } = {}) {
    super(code, `${detail} at position ${position}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QueryError';
    this.position = position;
    if (options.expected !== undefined) this.expected = options.expected;
  }
}

export function parseError(detail: string, position: number, expected?: string): QueryError {
  return new QueryError('VIGIL_ERR_QUERY_PARSE', detail, position, expected === undefined ? {} : { expected });
}

export function invalidError(detail: string, position: number): QueryError {
  return new QueryError('VIGIL_ERR_QUERY_INVALID', detail, position);
}

export function budgetError(detail: string): QueryError {
  return new QueryError('VIGIL_ERR_QUERY_BUDGET', detail, 0);
}
