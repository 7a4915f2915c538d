// Input Tarmac refuses, at the edge, for every route: a string (or an object key) anywhere in the body, the path
// parameters or the query that holds U+0000 or an unpaired UTF-16 surrogate answers 400 naming the field (a JSON
// path such as `importedWindowsAutopilotDeviceIdentities[3].serialNumber`, `path parameter id`, `query parameter
// $filter`) and the position, in the route family's envelope. PostgreSQL's text cannot hold U+0000 at all, and the
// engines disagree on a lone surrogate (SQLite keeps its three bytes, PostgreSQL's driver writes U+FFFD), so neither can
// be stored faithfully: both engines refuse them alike, before any route or query sees them. The other control
// characters (U+0001–U+001F) are stored as sent, on both engines.
import { isAscii } from 'node:buffer';
import type { FastifyRequest } from 'fastify';
import { OobeError } from '../../oobe/errors.js';
import { GraphError } from '../graph-errors.js';
import { PartnerCenterError } from '../partner-center-errors.js';
import { unencapsulated, type TarmacPlugin } from '../types.js';
import { errorFamilyOf } from './error-handler.js';

/** U+0000, a high surrogate not followed by a low one, or a low one not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this finds
const REFUSED = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with `text`, or undefined when Tarmac accepts it. */
export function refusedCharacter(text: string): string | undefined {
  const match = REFUSED.exec(text);
  if (!match) return undefined;
  const what = match[0] === '\u0000' ? 'U+0000 (NUL)' : `an unpaired UTF-16 surrogate (U+${match[0].charCodeAt(0).toString(16).toUpperCase()})`;
  return `${what} at position ${match.index}`;
}

/** `name` as a step of a JSON path: `.name` for an identifier, `["…"]` (JSON-escaped) otherwise. */
function step(path: string, name: string): string {
  if (/^[A-Za-z_$@][\w$@.-]*$/.test(name) && !name.includes('.')) return path === '' ? name : `${path}.${name}`;
  return `${path}[${JSON.stringify(name)}]`;
}

/** Where a refused string was found: its JSON path (`''` for the value itself), whether it is an object key, and what. */
export interface RefusedInput {
  path: string;
  inKey: boolean;
  what: string;
}

/** A value on the walk's stack: where it sits is kept as links to its parents, and spelt out only for a refusal. */
interface Visit {
  value: unknown;
  parent: Visit | undefined;
  /** Its index in an array, or its key in an object (undefined for the root). */
  at: number | string | undefined;
}

/** The JSON path of a visited value: built only when something was refused (most requests refuse nothing). */
function pathOf(visit: Visit): string {
  const steps: (number | string)[] = [];
  for (let v: Visit | undefined = visit; v !== undefined && v.at !== undefined; v = v.parent) steps.push(v.at);
  let path = '';
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    path = typeof s === 'number' ? `${path}[${s}]` : step(path, s);
  }
  return path;
}

/**
 * The first refused string in `value` (a parsed JSON body, params or query), or undefined. The walk keeps its own
 * stack: a body nested thousands deep must not overflow the call stack.
 */
export function findRefusedInput(value: unknown): RefusedInput | undefined {
  const stack: Visit[] = [{ value, parent: undefined, at: undefined }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const v = visit.value;
    if (typeof v === 'string') {
      const what = refusedCharacter(v);
      if (what) return { path: pathOf(visit), inKey: false, what };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], parent: visit, at: i });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        const what = refusedCharacter(key);
        if (what) return { path: pathOf({ value: child, parent: visit, at: key }), inKey: true, what };
        stack.push({ value: child, parent: visit, at: key });
      }
    }
  }
  return undefined;
}

/**
 * Whether JSON text of these bytes cannot hold a refused string: pure ASCII without a `\u` escape. JSON allows no raw
 * control character in a string, so such text can only spell U+0000 or a surrogate as `\u…` (checking costs ~0.2 ms
 * for a 2 MB import; walking its parsed strings ~1.7 ms).
 */
export function jsonCannotHoldRefused(bytes: Buffer, ascii: boolean = isAscii(bytes)): boolean {
  return ascii && bytes.indexOf('\\u') === -1;
}

/** Parsed JSON bodies whose text cannot hold a refused string (json-body.ts marks them): the walk skips them. */
const refusalFreeBodies = new WeakSet<object>();

/** Marks a parsed body as from text that cannot hold a refused string (jsonCannotHoldRefused). */
export function markRefusalFree(body: unknown): void {
  if (typeof body === 'object' && body !== null) refusalFreeBodies.add(body);
}

/** How a message names the place: `displayName`, `the name of a["x\u0000"]`, `path parameter id`, `query parameter $filter`. */
function placeOf(found: RefusedInput, source: 'params' | 'query' | 'body'): string {
  const path = found.path === '' ? 'the body' : found.path;
  if (source === 'body') return found.inKey ? `the name of ${path}` : path;
  if (source === 'params') return path === '["*"]' ? 'the URL path' : `path parameter ${path}`;
  return found.inKey ? `the name of query parameter ${path}` : `query parameter ${path}`;
}

export const inputGuard: TarmacPlugin = unencapsulated(async (app) => {
  // preValidation: the body is parsed, and nothing has used the input yet (schema validation and handlers come after).
  // A callback hook, not an async one: every request runs it (see request-context.ts).
  app.addHook('preValidation', (request, _reply, done) => {
    const refused = refusal(request);
    if (refused) done(refused);
    else done();
  });
}, 'tarmac-input-guard');

/** The error for the first refused character in the request's path parameters, query or body; undefined when none. */
function refusal(request: FastifyRequest): Error | undefined {
  let where: string | undefined;
  let found: RefusedInput | undefined;
  for (const source of ['params', 'query', 'body'] as const) {
    if (source === 'body' && refusalFreeBodies.has(request.body as object)) continue;
    found = findRefusedInput(request[source]);
    if (found) {
      where = placeOf(found, source);
      break;
    }
  }
  if (!found || where === undefined) return undefined;
  const message = `${where} contains ${found.what}; Tarmac refuses U+0000 and unpaired UTF-16 surrogates in every field, path and query value.`;
  const family = errorFamilyOf(request);
  if (family === 'oobe') return new OobeError('InvalidInput', message);
  if (family === 'partnerCenter') return new PartnerCenterError(400, 3000, message, [where]);
  return new GraphError(400, 'BadRequest', message);
}
