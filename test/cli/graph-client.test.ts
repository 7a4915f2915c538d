// The online commands' Graph client against a scripted fetch: token reuse, @odata.nextLink paging, Retry-After on
// 429, Graph error envelopes (and Intune's JSON-in-message) as one line, settings from flags or TARMAC_*.
import { describe, expect, it } from 'vitest';
import { CliUsageError, GraphClient, GraphRequestError, connectionOf, mapLimit, odataString } from '../../src/cli/graph-client.js';

const CONNECTION = { server: 'http://tarmac.test', tenant: 'contoso.onmicrosoft.com', clientId: 'id', clientSecret: 'secret' };

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

/** A fetch that answers the token endpoint, then each Graph request with the next scripted reply. */
function scripted(replies: Reply[]) {
  const calls: { url: string; method: string; auth: string | null }[] = [];
  let tokens = 0;
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (url.endsWith('/oauth2/v2.0/token')) {
      tokens++;
      return new Response(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: `t${tokens}` }), { status: 200 });
    }
    calls.push({ url, method: init?.method ?? 'GET', auth: new Headers(init?.headers).get('authorization') });
    const reply = replies.shift();
    if (!reply) throw new Error(`unexpected request ${url}`);
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), { status: reply.status, headers: reply.headers });
  }) as typeof fetch;
  return { fetchFn, calls, tokens: () => tokens };
}

describe('GraphClient', () => {
  it('follows @odata.nextLink verbatim, reuses its token, stops at the limit', async () => {
    const s = scripted([
      { status: 200, body: { value: [1, 2], '@odata.nextLink': 'http://tarmac.test/v1.0/x?$skiptoken=abc' } },
      { status: 200, body: { value: [3] } },
    ]);
    const client = new GraphClient(CONNECTION, { fetch: s.fetchFn });
    expect(await client.list('/v1.0/x?$top=2')).toEqual([1, 2, 3]);
    expect(s.calls.map((c) => c.url)).toEqual(['http://tarmac.test/v1.0/x?$top=2', 'http://tarmac.test/v1.0/x?$skiptoken=abc']);
    expect(s.calls.every((c) => c.auth === 'Bearer t1')).toBe(true);
    expect(s.tokens()).toBe(1);

    const limited = scripted([{ status: 200, body: { value: [1, 2], '@odata.nextLink': 'http://tarmac.test/next' } }]);
    expect(await new GraphClient(CONNECTION, { fetch: limited.fetchFn }).list('/v1.0/x', 2)).toEqual([1, 2]);
  });

  it('waits Retry-After on 429 and retries; gives up with the error when retries run out or retry is off', async () => {
    const waits: number[] = [];
    const retries: number[] = [];
    const s = scripted([{ status: 429, headers: { 'retry-after': '7' }, body: { error: { code: 'TooManyRequests', message: 'slow down' } } }, { status: 200, body: { ok: true } }]);
    const client = new GraphClient(CONNECTION, { fetch: s.fetchFn, sleep: async (ms) => void waits.push(ms), onRetry: (i) => retries.push(i.seconds) });
    expect(await client.get('/v1.0/x')).toEqual({ ok: true });
    expect(waits).toEqual([7000]);
    expect(retries).toEqual([7]);

    const off = scripted([{ status: 429, headers: { 'retry-after': '600' }, body: { error: { code: 'TooManyRequests', message: 'Retry in 600 s.' } } }]);
    const err = await new GraphClient(CONNECTION, { fetch: off.fetchFn, sleep: async () => {} })
      .request('POST', '/beta/sync', { retry: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphRequestError);
    expect(err).toMatchObject({ status: 429, code: 'TooManyRequests', retryAfterSeconds: 600, message: 'POST /beta/sync failed: 429 TooManyRequests: Retry in 600 s.' });
  });

  it("turns Graph's envelope into one line, reading Intune's JSON-in-message", async () => {
    const intune = JSON.stringify({ _version: 3, Message: 'An error has occurred - Operation ID: 0', CustomApiErrorPhrase: '' });
    const s = scripted([{ status: 400, body: { error: { code: 'BadRequest', message: intune } } }, { status: 404, body: 'plain text' }]);
    const client = new GraphClient(CONNECTION, { fetch: s.fetchFn });
    await expect(client.get('/v1.0/a')).rejects.toThrow('GET /v1.0/a failed: 400 BadRequest: An error has occurred - Operation ID: 0');
    await expect(client.get('/v1.0/b')).rejects.toThrow('GET /v1.0/b failed: 404 HTTP404: plain text');
  });

  it('says why a token was refused and when the server cannot be reached', async () => {
    const refused = (async () =>
      new Response(JSON.stringify({ error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x' }), {
        status: 401,
      })) as typeof fetch;
    await expect(new GraphClient(CONNECTION, { fetch: refused }).get('/v1.0/x')).rejects.toThrow(
      /^Could not get a token for tenant 'contoso\.onmicrosoft\.com' from http:\/\/tarmac\.test\/contoso\.onmicrosoft\.com\/oauth2\/v2\.0\/token: AADSTS7000215: Invalid client secret provided\.$/,
    );
    const down = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    }) as typeof fetch;
    const err = await new GraphClient(CONNECTION, { fetch: down }).get('/v1.0/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliUsageError);
    expect((err as Error).message).toContain('Cannot reach Tarmac at http://tarmac.test (token): connect ECONNREFUSED 127.0.0.1:1');
  });
});

describe('connectionOf, odataString, mapLimit', () => {
  it('takes flags over TARMAC_* variables, defaults the server, names what is missing', () => {
    const env = { TARMAC_TENANT: 'env-tenant', TARMAC_CLIENT_ID: 'env-id', TARMAC_CLIENT_SECRET: 'env-secret' };
    expect(connectionOf({}, env)).toEqual({ server: 'http://127.0.0.1:8080', tenant: 'env-tenant', clientId: 'env-id', clientSecret: 'env-secret' });
    expect(connectionOf({ server: 'https://t.example/', tenant: 'flag' }, { ...env, TARMAC_SERVER: 'http://x' })).toMatchObject({ server: 'https://t.example', tenant: 'flag' });
    expect(() => connectionOf({}, { TARMAC_TENANT: 't' })).toThrow(/^Missing --client-id \(TARMAC_CLIENT_ID\), --client-secret/);
    expect(() => connectionOf({ server: 'ftp://x' }, env)).toThrow(/--server must be an http/);
  });

  it('quotes OData strings and keeps order under bounded concurrency', async () => {
    expect(odataString("O'Brien")).toBe("'O''Brien'");
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
