// Calls to Tarmac's public APIs — Graph (/v1.0, /beta, /tarmac/v1.0) and Partner Center (/v1) — with the signed-in
// user's delegated token. A 401 renews the token once; an error becomes an ApiError carrying the service's own code
// and message (Graph's error envelope, or Partner Center's ApiFault) so pages can show them as they are.
import { accessToken, type Resource } from '../auth/session';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    /** Graph's error.code (e.g. BadRequest, ResourceNotFound) or Partner Center's numeric code as text. */
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function call(resource: Resource, path: string, options: CallOptions = {}, retried = false): Promise<Response> {
  const token = await accessToken(resource, { forceRenew: retried });
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json', ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const init: RequestInit = { method: options.method ?? 'GET', headers };
  if (body !== undefined) init.body = body;
  if (options.signal) init.signal = options.signal;
  const response = await fetch(path, init);
  if (response.status === 401 && !retried) return call(resource, path, options, true);
  if (!response.ok) throw await apiErrorOf(response);
  return response;
}

async function apiErrorOf(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('retry-after'));
  const retry = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  const text = await response.text();
  try {
    const json = JSON.parse(text) as { error?: { code?: string; message?: string }; code?: number | string; description?: string };
    if (json.error) return new ApiError(response.status, json.error.code ?? String(response.status), json.error.message ?? text, retry);
    if (json.description !== undefined) return new ApiError(response.status, String(json.code ?? response.status), json.description, retry);
  } catch {
    // not JSON: the text is the message
  }
  return new ApiError(response.status, String(response.status), text || response.statusText, retry);
}

/** A Graph call; the JSON answer, or null for 204. */
export async function graph<T>(path: string, options: CallOptions = {}): Promise<T> {
  const response = await call('graph', path, options);
  if (response.status === 204 || response.status === 202) return null as T;
  return (await response.json()) as T;
}

/** A Partner Center call; the JSON answer (null for an empty body) and the response headers. */
export async function partnerCenter<T>(path: string, options: CallOptions = {}): Promise<{ data: T; headers: Headers }> {
  const response = await call('partnerCenter', path, options);
  const text = await response.text();
  return { data: (text === '' ? null : JSON.parse(text)) as T, headers: response.headers };
}

/** A Graph collection page. */
export interface Page<T> {
  value: T[];
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
}

/** Every page of a Graph collection (for short lists: groups, profiles, relationships). */
export async function graphAll<T>(path: string, limit = 10_000): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined = path;
  while (next !== undefined && out.length < limit) {
    const page: Page<T> = await graph<Page<T>>(next);
    out.push(...page.value);
    next = page['@odata.nextLink'] !== undefined ? relative(page['@odata.nextLink']) : undefined;
  }
  return out;
}

/** A nextLink is absolute on the server's base URL; call it on this origin. */
export function relative(link: string): string {
  const url = new URL(link, window.location.origin);
  return `${url.pathname}${url.search}`;
}

/** Quotes a string for an OData literal: 'it''s'. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
