export type {
  AllExpr,
  AndExpr,
  ExistsExpr,
  Expr,
  MatchExpr,
  NotExpr,
  OrExpr,
  Pos,
  Query,
  RangeExpr,
  RangeOp,
  Stage,
  TextExpr,
  Value,
} from './ast.js';
export { cidrContains, canonicalIp, formatIp, parseCidr, parseIp, type Cidr } from './cidr.js';
export { compileFilter } from './compile.js';
export { parseInstant, parseNumber } from './convert.js';
export { QueryError, type QueryErrorCode } from './errors.js';
export { MAX_NESTING, MAX_QUERY_LENGTH, parseQuery } from './parser.js';
export { printExpr, printQuery, printValue } from './printer.js';
export type { FieldRef, FieldType, SqlFragment, SqlTarget } from './target.js';
export { globPattern, valuePieces, valueText, type Piece } from './value.js';
