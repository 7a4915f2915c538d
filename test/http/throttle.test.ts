// Per-(tenant, app) Graph throttling: 429 TooManyRequests with Retry-After past the budget, separate budgets for
// separate apps and tenants, a window that resets, $batch sub-requests counted one by one, the token endpoint not
// counted.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { FixedWindowLimiter } from '../../src/http/plugins/throttle.js';
import { createTenant } from '../../src/tenants/index.js';
import { FORM, appWithRoles, createTestApp, credentials, form, tokenFor, type TestApp } from '../support/test-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

async function org(app: TestApp, token: string) {
  return app.app.inject({ method: 'GET', url: '/v1.0/organization', headers: { authorization: `Bearer ${token}` } });
}

describe('Graph throttling per tenant and app', () => {
  it('429 with Retry-After and a Graph envelope once the budget is spent; the window resets', async () => {
    t = await createTestApp({ TARMAC_GRAPH_RATE_LIMIT: '3', TARMAC_GRAPH_RATE_WINDOW_SECONDS: '10' });
    const token = await tokenFor(t);
    for (let i = 0; i < 3; i++) expect((await org(t, token)).statusCode).toBe(200);
    const res = await org(t, token);
    expect(res.statusCode).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(res.json()).toMatchObject({
      error: {
        code: 'TooManyRequests',
        message: expect.stringMatching(/3 requests allowed per 10 s .*Retry after \d+ s/),
        innerError: { 'request-id': res.headers['request-id'] },
      },
    });
    t.clock.offsetMs += 10_000;
    expect((await org(t, token)).statusCode).toBe(200);
  });

  it('gives each app and each tenant its own budget; unauthenticated and token requests do not count', async () => {
    t = await createTestApp({ TARMAC_GRAPH_RATE_LIMIT: '2', TARMAC_GRAPH_RATE_WINDOW_SECONDS: '60' });
    const first = await tokenFor(t);
    const second = await tokenFor(t, await appWithRoles(t, ['Organization.Read.All']));
    const fabrikam = await createTenant(t.store, { domain: 'fabrikam.onmicrosoft.com', displayName: 'Fabrikam' });
    const third = await tokenFor(t, fabrikam);
    for (let i = 0; i < 5; i++) await t.app.inject({ method: 'GET', url: '/v1.0/organization' }); // 401s
    for (let i = 0; i < 5; i++) {
      const tok = await t.app.inject({ method: 'POST', url: '/contoso.onmicrosoft.com/oauth2/v2.0/token', headers: FORM, payload: form(credentials(t.contoso)) });
      expect(tok.statusCode).toBe(200);
    }
    for (const token of [first, second, third]) {
      expect((await org(t, token)).statusCode).toBe(200);
      expect((await org(t, token)).statusCode).toBe(200);
      expect((await org(t, token)).statusCode).toBe(429);
    }
  });

  it('counts $batch sub-requests one by one, each answered 429 inside the batch', async () => {
    t = await createTestApp({ TARMAC_GRAPH_RATE_LIMIT: '2', TARMAC_GRAPH_RATE_WINDOW_SECONDS: '60' });
    const token = await tokenFor(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1.0/$batch',
      headers: { authorization: `Bearer ${token}` },
      payload: { requests: ['1', '2', '3'].map((id) => ({ id, method: 'GET', url: '/organization', dependsOn: id === '1' ? [] : [String(Number(id) - 1)] })) },
    });
    expect(res.statusCode).toBe(200);
    const responses = (res.json() as { responses: { id: string; status: number; headers: Record<string, string> }[] }).responses;
    expect(responses.map((r) => [r.id, r.status])).toEqual([
      ['1', 200],
      ['2', 200],
      ['3', 429],
    ]);
    expect(Number(responses[2]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await org(t, token)).statusCode).toBe(429);
  });

  it('is off with TARMAC_GRAPH_RATE_LIMIT=0, and refuses values it cannot use', async () => {
    expect(loadConfig({ TARMAC_GRAPH_RATE_LIMIT: '0' }).graphRateLimit).toBe(0);
    expect(() => loadConfig({ TARMAC_GRAPH_RATE_LIMIT: 'lots' })).toThrow(/TARMAC_GRAPH_RATE_LIMIT must be a whole number/);
    expect(() => loadConfig({ TARMAC_GRAPH_RATE_WINDOW_SECONDS: '0' })).toThrow(/TARMAC_GRAPH_RATE_WINDOW_SECONDS must be a whole number of seconds from 1/);
    t = await createTestApp({ TARMAC_GRAPH_RATE_LIMIT: '0' });
    const token = await tokenFor(t);
    for (let i = 0; i < 20; i++) expect((await org(t, token)).statusCode).toBe(200);
  });
});

describe('FixedWindowLimiter', () => {
  it('counts per key, says how long until the window resets, and sweeps stale windows', () => {
    const limiter = new FixedWindowLimiter(2, 1000);
    expect(limiter.take('a', 0)).toEqual({ allowed: true, retryAfterSeconds: 1, remaining: 1 });
    expect(limiter.take('a', 100).allowed).toBe(true);
    expect(limiter.take('a', 200)).toEqual({ allowed: false, retryAfterSeconds: 1, remaining: 0 });
    expect(limiter.take('b', 200).allowed).toBe(true);
    expect(limiter.take('a', 1000).allowed).toBe(true);
    for (let i = 0; i < 5000; i++) limiter.take(`k${i}`, 5000 + i);
    expect(limiter.take('k4999', 9999).allowed).toBe(true);
  });
});
