// The response side of a list: @odata.nextLink (with the opaque $skiptoken of the position the store returned), and
// $select applied to the response objects.
import type { KeysetPosition } from '../../model/index.js';
import type { ParsedListQuery } from './query.js';
import { encodeSkipToken } from './skip-token.js';

/** One page of a collection as a route answers it: the parsed query, the items, the nextLink and the count. */
export interface ListResult<T> {
  parsed: ParsedListQuery;
  items: T[];
  nextLink: string | undefined;
  count: number | undefined;
}

/** The $skiptoken that continues after `position` (the `next` of a page the store returned). */
export function nextSkipToken(parsed: ParsedListQuery, position: KeysetPosition): string {
  return encodeSkipToken(parsed.fingerprint, position);
}

/**
 * `@odata.nextLink`: the request URL (absolute) with every parameter kept as the client wrote it, except $skip and
 * any previous $skiptoken, plus `$skiptoken=<token>`. Pass the page's `next` position (or a token already encoded).
 */
export function buildNextLink(requestUrl: string | URL, parsed: ParsedListQuery, next: KeysetPosition | string): string {
  const token = typeof next === 'string' ? next : nextSkipToken(parsed, next);
  const url = String(requestUrl);
  const q = url.indexOf('?');
  const base = q < 0 ? url : url.slice(0, q);
  const kept = (q < 0 ? '' : url.slice(q + 1))
    .split('&')
    .filter((pair) => {
      if (pair === '') return false;
      const rawKey = pair.split('=')[0];
      let key: string;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, ' ')).toLowerCase();
      } catch {
        key = rawKey.toLowerCase();
      }
      return key !== '$skiptoken' && key !== '$skip';
    });
  kept.push(`$skiptoken=${token}`);
  return `${base}?${kept.join('&')}`;
}

/**
 * $select for response objects: only the selected properties (in $select order), plus the key and any
 * `@odata.*` annotations. `select` undefined returns the object unchanged.
 */
export function projectSelect<T extends Record<string, unknown>>(entity: T, parsed: Pick<ParsedListQuery, 'select' | 'model'>): Partial<T> {
  if (!parsed.select) return entity;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entity)) if (k.startsWith('@odata.')) out[k] = v;
  const key = parsed.model.key.property;
  if (key in entity) out[key] = entity[key];
  for (const name of parsed.select) if (name in entity) out[name] = entity[name];
  return out as Partial<T>;
}

/** Graph's context suffix for $select: `(id,serialNumber)`, or '' without $select. */
export function selectContextSuffix(parsed: Pick<ParsedListQuery, 'select'>): string {
  return parsed.select ? `(${parsed.select.join(',')})` : '';
}
