// POST /{tenant}/oauth2/v2.0/token (and v1 /oauth2/token): Entra's client-credentials flow and its errors.
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createTenant } from '../../src/tenants/index.js';
import { FORM, createTestApp, credentials, form, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.cleanup();
});

async function token(fields: Record<string, string>, options: { tenant?: string; headers?: Record<string, string>; path?: string } = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/${options.tenant ?? 'contoso.onmicrosoft.com'}${options.path ?? '/oauth2/v2.0/token'}`,
    headers: { ...FORM, ...options.headers },
    payload: form(fields),
  });
}

interface EntraErrorJson {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
}

/** Checks Entra's error shape and returns it. */
function entraError(res: { statusCode: number; json(): unknown; headers: Record<string, unknown> }, status: number, error: string, code: number): EntraErrorJson {
  expect(res.statusCode).toBe(status);
  const body = res.json() as EntraErrorJson;
  expect(body).toEqual({
    error,
    error_description: expect.stringMatching(new RegExp(`^AADSTS${code}: .+ Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`)),
    error_codes: [code],
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
    trace_id: res.headers['request-id'],
    correlation_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
  });
  return body;
}

describe('token endpoint: success', () => {
  it('issues a Bearer token for client credentials, by tenant domain', async () => {
    const res = await token(credentials(t.contoso));
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    const body = res.json() as Record<string, unknown>;
    expect(body).toEqual({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: expect.any(String) });
  });

  it('puts Entra’s claims for a Graph app token in the RS256 JWT', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await token(credentials(t.contoso));
    const jwt = (res.json() as { access_token: string }).access_token;
    expect(decodeProtectedHeader(jwt)).toEqual({ typ: 'JWT', alg: 'RS256', kid: expect.any(String) });
    const claims = decodeJwt(jwt);
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${t.contoso.tenant.id}/`,
      tid: t.contoso.tenant.id,
      appid: t.contoso.app.clientId,
      oid: t.contoso.app.id,
      sub: t.contoso.app.id,
      idtyp: 'app',
      ver: '1.0',
      roles: t.contoso.app.roles,
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.iat).toBeGreaterThanOrEqual(before - 1);
  });

  it('accepts the tenant id, any case of the domain, and Graph’s app id as the scope resource', async () => {
    expect((await token(credentials(t.contoso), { tenant: t.contoso.tenant.id })).statusCode).toBe(200);
    expect((await token(credentials(t.contoso), { tenant: t.contoso.tenant.id.toUpperCase() })).statusCode).toBe(200);
    expect((await token(credentials(t.contoso), { tenant: 'Contoso.OnMicrosoft.com' })).statusCode).toBe(200);
    expect((await token(credentials(t.contoso, { scope: '00000003-0000-0000-c000-000000000000/.default' }))).statusCode).toBe(200);
  });

  it('accepts the client credentials as HTTP Basic (client_secret_basic)', async () => {
    const basic = Buffer.from(`${t.contoso.app.clientId}:${encodeURIComponent(t.contoso.clientSecret)}`).toString('base64');
    const res = await token(
      { grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' },
      { headers: { authorization: `Basic ${basic}` } },
    );
    expect(res.statusCode).toBe(200);
  });

  it('serves the v1 endpoint with `resource`, answering v1’s string fields', async () => {
    const { scope: _scope, ...rest } = credentials(t.contoso);
    const res = await token({ ...rest, resource: 'https://graph.microsoft.com' }, { path: '/oauth2/token' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      token_type: 'Bearer',
      expires_in: '3600',
      ext_expires_in: '3600',
      expires_on: expect.stringMatching(/^\d+$/),
      not_before: expect.stringMatching(/^\d+$/),
      resource: 'https://graph.microsoft.com',
      access_token: expect.any(String),
    });
  });

  it('echoes the caller’s client-request-id as correlation_id in errors', async () => {
    const correlation = '11111111-2222-4333-8444-555555555555';
    const res = await token({ ...credentials(t.contoso), client_secret: 'wrong' }, { headers: { 'client-request-id': correlation } });
    expect((res.json() as EntraErrorJson).correlation_id).toBe(correlation);
    expect(res.headers['client-request-id']).toBe(correlation);
  });
});

describe('token endpoint: Partner Center tokens', () => {
  const PC = 'https://api.partnercenter.microsoft.com';

  it('issues a token whose aud is Partner Center for scope=<Partner Center>/.default, by URL or app id', async () => {
    for (const scope of [`${PC}/.default`, 'HTTPS://API.PartnerCenter.Microsoft.com/.default', 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd/.default']) {
      const res = await token(credentials(t.contoso, { scope }));
      expect(res.statusCode, scope).toBe(200);
      const body = res.json() as Record<string, unknown>;
      expect(body).toEqual({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: expect.any(String) });
      expect(decodeJwt(body.access_token as string)).toMatchObject({
        aud: PC,
        iss: `https://sts.windows.net/${t.contoso.tenant.id}/`,
        tid: t.contoso.tenant.id,
        appid: t.contoso.app.clientId,
        ver: '1.0',
      });
    }
  });

  it('issues one on the v1 endpoint for resource=<Partner Center>, echoing the resource', async () => {
    const { scope: _scope, ...rest } = credentials(t.contoso);
    for (const resource of [PC, `${PC}/`]) {
      const res = await token({ ...rest, resource }, { path: '/oauth2/token' });
      expect(res.statusCode).toBe(200);
      const body = res.json() as Record<string, string>;
      expect(body.resource).toBe(resource);
      expect(decodeJwt(body.access_token ?? '').aud).toBe(PC);
    }
  });

  it('gives any tenant’s app one (whether it is a partner is for Partner Center to say)', async () => {
    const fabrikam = await createTenant(t.app.tenantsStore, { domain: 'pc-fabrikam.onmicrosoft.com', roles: [] });
    const res = await token(credentials(fabrikam, { scope: `${PC}/.default` }), { tenant: 'pc-fabrikam.onmicrosoft.com' });
    expect(res.statusCode).toBe(200);
    expect(decodeJwt((res.json() as { access_token: string }).access_token)).toMatchObject({ aud: PC, tid: fabrikam.tenant.id });
  });

  it('does not take the legacy https://graph.windows.net for Partner Center → 400 invalid_resource AADSTS500011', async () => {
    entraError(await token(credentials(t.contoso, { scope: 'https://graph.windows.net/.default' })), 400, 'invalid_resource', 500011);
    const { scope: _scope, ...rest } = credentials(t.contoso);
    entraError(await token({ ...rest, resource: 'https://graph.windows.net' }, { path: '/oauth2/token' }), 400, 'invalid_resource', 500011);
  });

  it('a Partner Center token on a Graph route → 401 InvalidAuthenticationToken, invalid audience', async () => {
    const pc = (await token(credentials(t.contoso, { scope: `${PC}/.default` }))).json() as { access_token: string };
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1.0/deviceManagement/windowsAutopilotDeviceIdentities',
      headers: { authorization: `Bearer ${pc.access_token}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({
      error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure. Invalid audience: request the scope https://graph.microsoft.com/.default.' },
    });
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    // The same app's Graph token is accepted there.
    const graph = (await token(credentials(t.contoso))).json() as { access_token: string };
    const ok = await t.app.inject({
      method: 'GET',
      url: '/v1.0/deviceManagement/windowsAutopilotDeviceIdentities',
      headers: { authorization: `Bearer ${graph.access_token}` },
    });
    expect(ok.statusCode).toBe(200);
  });
});

describe('token endpoint: errors, as Entra gives them', () => {
  it('unknown tenant → 400 invalid_request AADSTS90002', async () => {
    entraError(await token(credentials(t.contoso), { tenant: 'fabrikam.onmicrosoft.com' }), 400, 'invalid_request', 90002);
    entraError(await token(credentials(t.contoso), { tenant: '00000000-0000-0000-0000-000000000001' }), 400, 'invalid_request', 90002);
  });

  it('a tenant name that is neither a GUID nor a domain → AADSTS900023', async () => {
    entraError(await token(credentials(t.contoso), { tenant: 'not_a_domain' }), 400, 'invalid_request', 900023);
  });

  it('common / organizations with client credentials → AADSTS50059', async () => {
    entraError(await token(credentials(t.contoso), { tenant: 'common' }), 400, 'invalid_request', 50059);
    entraError(await token(credentials(t.contoso), { tenant: 'organizations' }), 400, 'invalid_request', 50059);
  });

  it('missing grant_type, client_id or scope → AADSTS900144 naming the parameter', async () => {
    for (const name of ['grant_type', 'client_id', 'scope']) {
      const fields = credentials(t.contoso);
      delete fields[name];
      const body = entraError(await token(fields), 400, 'invalid_request', 900144);
      expect(body.error_description).toContain(`'${name}'`);
    }
  });

  it('a grant other than client_credentials → 400 unsupported_grant_type AADSTS70003', async () => {
    entraError(await token(credentials(t.contoso, { grant_type: 'password' })), 400, 'unsupported_grant_type', 70003);
  });

  it('a client_id that is not a GUID → AADSTS700038', async () => {
    entraError(await token(credentials(t.contoso, { client_id: 'my-app' })), 400, 'unauthorized_client', 700038);
  });

  it('an app that is not in this tenant → 400 unauthorized_client AADSTS700016', async () => {
    entraError(await token(credentials(t.contoso, { client_id: '00000000-0000-0000-0000-00000000000a' })), 400, 'unauthorized_client', 700016);
    const fabrikam = await createTenant(t.store, { domain: 'fabrikam.onmicrosoft.com' });
    // Fabrikam's app asking Contoso's endpoint.
    entraError(await token(credentials(fabrikam)), 400, 'unauthorized_client', 700016);
    expect((await token(credentials(fabrikam), { tenant: 'fabrikam.onmicrosoft.com' })).statusCode).toBe(200);
  });

  it('a Basic header with a malformed escape is a wrong secret, not a server error', async () => {
    const basic = Buffer.from(`${t.contoso.app.clientId}:%zz`).toString('base64');
    const res = await token({ grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }, { headers: { authorization: `Basic ${basic}` } });
    entraError(res, 401, 'invalid_client', 7000215);
  });

  it('no client secret → 401 invalid_client AADSTS7000216', async () => {
    const { client_secret: _secret, ...rest } = credentials(t.contoso);
    entraError(await token(rest), 401, 'invalid_client', 7000216);
  });

  it('a wrong client secret → 401 invalid_client AADSTS7000215', async () => {
    entraError(await token(credentials(t.contoso, { client_secret: 'wrong' })), 401, 'invalid_client', 7000215);
    // Right hint (first three characters), wrong rest.
    const almost = t.contoso.clientSecret.slice(0, -1) + (t.contoso.clientSecret.endsWith('a') ? 'b' : 'a');
    entraError(await token(credentials(t.contoso, { client_secret: almost })), 401, 'invalid_client', 7000215);
  });

  it('an expired client secret → 401 invalid_client AADSTS7000222', async () => {
    const expiring = await createApp(t.store, { tenant: 'contoso.onmicrosoft.com', secretExpiresAt: new Date(Date.now() + 60_000) });
    expect((await token(credentials(expiring))).statusCode).toBe(200);
    t.clock.offsetMs = 120_000;
    try {
      entraError(await token(credentials(expiring)), 401, 'invalid_client', 7000222);
    } finally {
      t.clock.offsetMs = 0;
    }
  });

  it('a scope that is not one `<resource>/.default` → 400 invalid_scope AADSTS70011', async () => {
    entraError(await token(credentials(t.contoso, { scope: 'User.Read' })), 400, 'invalid_scope', 70011);
    entraError(await token(credentials(t.contoso, { scope: 'https://graph.microsoft.com/.default openid' })), 400, 'invalid_scope', 70011);
  });

  it('a .default scope for another resource → 400 invalid_resource AADSTS500011', async () => {
    entraError(await token(credentials(t.contoso, { scope: 'https://management.azure.com/.default' })), 400, 'invalid_resource', 500011);
    const { scope: _scope, ...rest } = credentials(t.contoso);
    entraError(await token({ ...rest, resource: 'https://vault.azure.net' }, { path: '/oauth2/token' }), 400, 'invalid_resource', 500011);
  });

  it('a JSON body is not read (Entra reads forms only) → AADSTS900144 grant_type', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/contoso.onmicrosoft.com/oauth2/v2.0/token',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(credentials(t.contoso)),
    });
    expect(entraError(res, 400, 'invalid_request', 900144).error_description).toContain("'grant_type'");
  });

  it('a parameter given twice → 400 invalid_request, Entra-shaped', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/contoso.onmicrosoft.com/oauth2/v2.0/token',
      headers: FORM,
      payload: `${form(credentials(t.contoso))}&scope=again`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_request', trace_id: res.headers['request-id'] });
  });
});
