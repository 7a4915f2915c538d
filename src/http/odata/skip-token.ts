// The opaque $skiptoken of @odata.nextLink: the sort-key values of the last row returned, that row's key (the
// tiebreaker), and a check value over both and over the query's fingerprint ($filter and $orderby), so that a token
// neither survives editing nor works against a different query. Keyset positions only ever move forward, so
// following nextLinks can never repeat a row or loop, even while rows are inserted or deleted between pages.
import { createHash } from 'node:crypto';
import type { KeysetPosition, SortValue } from '../../model/index.js';
import { queryOptionError } from './errors.js';

const VERSION = 1;

function check(fingerprint: string, position: KeysetPosition): string {
  return createHash('sha256')
    .update(JSON.stringify([VERSION, fingerprint, position.values, position.key]))
    .digest('base64url')
    .slice(0, 16);
}

export function encodeSkipToken(fingerprint: string, position: KeysetPosition): string {
  const body = JSON.stringify({ v: VERSION, s: position.values, k: position.key, h: check(fingerprint, position) });
  return Buffer.from(body, 'utf8').toString('base64url');
}

const INVALID = 'the token is damaged or was issued for a different $filter or $orderby; follow @odata.nextLink exactly as returned';

/** Decodes a token issued for the query with this fingerprint and this many sort values; throws a 400 otherwise. */
export function decodeSkipToken(token: string, fingerprint: string, sortValueCount: number): KeysetPosition {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw queryOptionError('$skiptoken', INVALID);
  }
  if (!isTokenBody(parsed) || parsed.s.length !== sortValueCount) throw queryOptionError('$skiptoken', INVALID);
  const position = { values: parsed.s, key: parsed.k };
  if (parsed.h !== check(fingerprint, position)) throw queryOptionError('$skiptoken', INVALID);
  return position;
}

function isTokenBody(x: unknown): x is { v: number; s: SortValue[]; k: string; h: string } {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return (
    o.v === VERSION &&
    typeof o.k === 'string' &&
    typeof o.h === 'string' &&
    Array.isArray(o.s) &&
    o.s.every((v) => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  );
}
