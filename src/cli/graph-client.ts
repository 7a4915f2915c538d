// A small Microsoft Graph client for the online commands: a client-credentials token from Tarmac's Entra-shaped
// endpoint, JSON requests, @odata.nextLink paging, 429/503 Retry-After honoured, and Graph's error envelope turned
// into one line. Works against Tarmac; written against Graph's documented shapes. With `scope` set to the Partner
// Center API's, the same client speaks to Partner Center and to the OEM API (their ApiFault errors read the same way).

/** Where and as whom the online commands connect (flags win over TARMAC_* variables). */
export interface OnlineOptions {
  server?: string | undefined;
  tenant?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

export interface Connection {
  server: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
}

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** The command cannot run as asked (missing settings, server unreachable, credentials refused): exit 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** A Graph request answered with an error status; `message` is one line for people. */
export class GraphRequestError extends Error {
  override readonly name = 'GraphRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly method: string,
    readonly path: string,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(`${method} ${path} failed: ${status} ${code}: ${detail}`);
  }
}

export function connectionOf(opts: OnlineOptions, env: Record<string, string | undefined> = process.env): Connection {
  const pick = (flag: string | undefined, name: string): string | undefined => {
    const v = flag ?? env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const server = (pick(opts.server, 'TARMAC_SERVER') ?? DEFAULT_SERVER).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/i.test(server)) throw new CliUsageError(`--server must be an http:// or https:// URL, e.g. ${DEFAULT_SERVER} (got '${server}').`);
  const tenant = pick(opts.tenant, 'TARMAC_TENANT');
  const clientId = pick(opts.clientId, 'TARMAC_CLIENT_ID');
  const clientSecret = pick(opts.clientSecret, 'TARMAC_CLIENT_SECRET');
  const missing = [
    tenant === undefined && '--tenant (TARMAC_TENANT: the tenant id or domain, e.g. demo.onmicrosoft.com)',
    clientId === undefined && '--client-id (TARMAC_CLIENT_ID)',
    clientSecret === undefined && '--client-secret (TARMAC_CLIENT_SECRET)',
  ].filter((m): m is string => typeof m === 'string');
  if (tenant === undefined || clientId === undefined || clientSecret === undefined) {
    throw new CliUsageError(
      `Missing ${missing.join(', ')}. \`tarmac serve\` prints the demo tenant's credentials on first start; ` +
        '`tarmac tenant create` and `tarmac app create` make others.',
    );
  }
  return { server, tenant, clientId, clientSecret };
}

export interface GraphResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Extra request headers (Partner Center's MS-RequestId, MS-ContinuationToken). */
  headers?: Record<string, string>;
  /** Retry 429 and 503 after Retry-After (default true). */
  retry?: boolean;
}

export interface GraphClientOptions {
  /** The token's scope (default https://graph.microsoft.com/.default). */
  scope?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Retries of one request on 429/503 (default 6). */
  maxRetries?: number;
  /** Longest wait honoured for one Retry-After, in seconds (default 300). */
  maxRetryAfterSeconds?: number;
  /** Told before each wait, e.g. to print "throttled, retrying in 5 s". */
  onRetry?: (info: { status: number; seconds: number; method: string; path: string }) => void;
}

interface GraphErrorEnvelope {
  error?: { code?: unknown; message?: unknown };
  /** Partner Center's ApiFault: {code, description, data, source}. */
  code?: unknown;
  description?: unknown;
}

interface TokenAnswer {
  access_token?: string;
  expires_in?: string | number;
  error?: string;
  error_description?: string;
}

const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Intune puts a JSON document in `message` ({"Message": "…"}); show the human part. */
function humanMessage(message: string): string {
  const trimmed = message.trim();
  if (trimmed.startsWith('{')) {
    try {
      const inner = JSON.parse(trimmed) as { Message?: unknown };
      if (typeof inner.Message === 'string') return inner.Message;
    } catch {
      // not JSON after all
    }
  }
  return trimmed.replace(/\s+/g, ' ');
}

function retryAfterOf(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const when = Date.parse(value);
  return Number.isNaN(when) ? undefined : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

export class GraphClient {
  private token: { value: string; expiresAt: number } | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    readonly connection: Connection,
    private readonly options: GraphClientOptions = {},
  ) {
    this.fetchFn = options.fetch ?? fetch;
    this.sleep = options.sleep ?? sleepMs;
  }

  private async send(url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await this.fetchFn(url, init);
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
      throw new CliUsageError(
        `Cannot reach Tarmac at ${this.connection.server} (${what}): ${cause}. Is \`tarmac serve\` running there? Set --server or TARMAC_SERVER.`,
      );
    }
  }

  /** A bearer token, fetched once and reused until a minute before it expires. */
  async accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.expiresAt) return this.token.value;
    const { server, tenant, clientId, clientSecret } = this.connection;
    const url = `${server}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
    const res = await this.send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: this.options.scope ?? 'https://graph.microsoft.com/.default' }).toString(),
      },
      'token',
    );
    const text = await res.text();
    let answer: TokenAnswer = {};
    try {
      answer = JSON.parse(text) as TokenAnswer;
    } catch {
      // handled below
    }
    if (!res.ok || typeof answer.access_token !== 'string') {
      const why = answer.error_description?.split(/\r?\n/)[0] ?? answer.error ?? `HTTP ${res.status}`;
      throw new CliUsageError(`Could not get a token for tenant '${tenant}' from ${url}: ${why}`);
    }
    const lifetime = Number(answer.expires_in ?? 3600);
    this.token = { value: answer.access_token, expiresAt: Date.now() + Math.max(0, lifetime - 60) * 1000 };
    return answer.access_token;
  }

  /** `path` is server-relative (/v1.0/…) or an absolute @odata.nextLink. Throws GraphRequestError on 4xx/5xx. */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<GraphResponse<T>> {
    const url = /^https?:\/\//i.test(path) ? path : `${this.connection.server}${path.startsWith('/') ? '' : '/'}${path}`;
    const maxRetries = options.retry === false ? 0 : (this.options.maxRetries ?? 6);
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { authorization: `Bearer ${await this.accessToken()}`, accept: 'application/json', ...options.headers };
      let body: string | undefined;
      if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.body);
      }
      const res = await this.send(url, { method, headers, ...(body !== undefined ? { body } : {}) }, `${method} ${path}`);
      const text = await res.text();
      let parsed: unknown = undefined;
      if (text !== '') {
        try {
          parsed = JSON.parse(text) as unknown;
        } catch {
          parsed = text;
        }
      }
      if (res.ok) return { status: res.status, headers: res.headers, body: parsed as T };

      const retryAfter = retryAfterOf(res.headers);
      if ((res.status === 429 || res.status === 503) && attempt < maxRetries) {
        const seconds = Math.min(retryAfter ?? 2 ** attempt, this.options.maxRetryAfterSeconds ?? 300);
        this.options.onRetry?.({ status: res.status, seconds, method, path });
        await this.sleep(seconds * 1000);
        continue;
      }
      if (res.status === 401 && attempt === 0 && this.token) {
        // A token that expired early or a server restarted with new keys: get a fresh one, once.
        this.token = undefined;
        continue;
      }
      const envelope = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as GraphErrorEnvelope;
      const fault = typeof envelope.description === 'string' && (typeof envelope.code === 'number' || typeof envelope.code === 'string');
      const code = typeof envelope.error?.code === 'string' ? envelope.error.code : fault ? String(envelope.code) : `HTTP${res.status}`;
      const message =
        typeof envelope.error?.message === 'string'
          ? humanMessage(envelope.error.message)
          : fault
            ? String(envelope.description)
            : typeof parsed === 'string'
              ? parsed.slice(0, 200)
              : res.statusText;
      throw new GraphRequestError(res.status, code, message, method, new URL(url).pathname, retryAfter);
    }
  }

  async get<T = unknown>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).body;
  }

  async post<T = unknown>(path: string, body?: unknown): Promise<T> {
    return (await this.request<T>('POST', path, { body })).body;
  }

  async delete(path: string): Promise<void> {
    await this.request('DELETE', path);
  }

  /** Every item of a collection, following @odata.nextLink verbatim; stops after `limit` items. */
  async list<T = unknown>(path: string, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next !== undefined && items.length < limit) {
      const page: { value?: T[]; '@odata.nextLink'?: string } = await this.get(next);
      items.push(...(page.value ?? []));
      next = page['@odata.nextLink'];
    }
    return items.slice(0, limit);
  }
}

/** An OData string literal: quotes doubled, then URI-encoded by the caller with the rest of the query. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Runs `work` over `items` with at most `concurrency` at once, keeping order in the results. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
