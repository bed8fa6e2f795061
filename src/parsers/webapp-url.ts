import { F } from '../schema/fields.js';
import type { Fields } from './service-fields.js';

/** Sets url.original, url.path and url.query of a request target (as fields, for the field-map parsers). */
export function setUrlFields(f: Fields, target: string): void {
  if (target === '') return;
  f[F.urlOriginal] = target;
  const q = target.indexOf('?');
  f[F.urlPath] = q >= 0 ? target.slice(0, q) : target;
  if (q >= 0) f[F.urlQuery] = target.slice(q + 1);
}
