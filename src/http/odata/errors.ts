// Every bad query option is a 400 in Graph's envelope whose message names the option (and, for $filter, the position).
import { GraphError } from '../graph-errors.js';

export const ODATA_ERROR_CODE = 'BadRequest';

/** `$orderby: property 'x' cannot be sorted` → GraphError 400 BadRequest. */
export function queryOptionError(option: string, message: string): GraphError {
  return new GraphError(400, ODATA_ERROR_CODE, `Invalid ${option}: ${message}`);
}

/** `Invalid $filter at position 14: unknown property …` (0-based character offset in the $filter text). */
export function filterError(position: number, message: string): GraphError {
  return new GraphError(400, ODATA_ERROR_CODE, `Invalid $filter at position ${position}: ${message}`);
}
