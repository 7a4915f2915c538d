// OIDC discovery and JWKS: a real client (jose, over real HTTP) finds the keys from the discovery document and
// verifies Tarmac's tokens with them.
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, tokenFor, type TestApp } from '../support/test-app.js';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await t.cleanup();
});

interface OpenIdConfiguration {
  issuer: string;
  token_endpoint: string;
  jwks_uri: string;
  msgraph_host: string;
}

describe('OpenID Connect discovery', () => {
  it('names the tenant’s token endpoint, keys and issuer, by tenant id even when asked by domain', async () => {
    const res = await fetch(`${base}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenIdConfiguration;
    const tid = t.contoso.tenant.id;
    expect(doc).toMatchObject({
      issuer: `https://sts.windows.net/${tid}/`,
      token_endpoint: `${base}/${tid}/oauth2/v2.0/token`,
      jwks_uri: `${base}/${tid}/discovery/v2.0/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      msgraph_host: new URL(base).host,
    });
  });

  it('serves the v1 document with the v1 endpoints', async () => {
    const doc = (await (await fetch(`${base}/${t.contoso.tenant.id}/.well-known/openid-configuration`)).json()) as OpenIdConfiguration;
    expect(doc.token_endpoint).toBe(`${base}/${t.contoso.tenant.id}/oauth2/token`);
    expect(doc.jwks_uri).toBe(`${base}/${t.contoso.tenant.id}/discovery/keys`);
  });

  it('uses TARMAC_PUBLIC_URL for the URLs when set', async () => {
    const proxied = await createTestApp({ TARMAC_PUBLIC_URL: 'https://tarmac.example.com/' });
    try {
      const res = await proxied.app.inject({ method: 'GET', url: '/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration' });
      expect((res.json() as OpenIdConfiguration).token_endpoint).toBe(`https://tarmac.example.com/${proxied.contoso.tenant.id}/oauth2/v2.0/token`);
    } finally {
      await proxied.cleanup();
    }
  });

  it('answers an unknown tenant with Entra’s 400 invalid_tenant AADSTS90002', async () => {
    const res = await fetch(`${base}/nobody.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
    const keys = await fetch(`${base}/nobody.onmicrosoft.com/discovery/v2.0/keys`);
    expect(keys.status).toBe(400);
  });
});

/** The fields Entra's discovery documents have (v2.0 and v1 alike, as Tarmac serves them). */
const ENTRA_FIELDS = [
  'token_endpoint',
  'token_endpoint_auth_methods_supported',
  'jwks_uri',
  'response_modes_supported',
  'subject_types_supported',
  'id_token_signing_alg_values_supported',
  'response_types_supported',
  'scopes_supported',
  'issuer',
  'request_uri_parameter_supported',
  'authorization_endpoint',
  'device_authorization_endpoint',
  'http_logout_supported',
  'frontchannel_logout_supported',
  'end_session_endpoint',
  'claims_supported',
  'kerberos_endpoint',
  'tenant_region_scope',
  'cloud_instance_name',
  'cloud_graph_host_name',
  'msgraph_host',
  'rbac_url',
];

describe('OpenID Connect discovery: what MSAL needs', () => {
  it('has the four fields MSAL requires (isOpenIdConfigResponse) and end_session_endpoint, all on this server', async () => {
    const tid = t.contoso.tenant.id;
    const doc = (await (await fetch(`${base}/${tid}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    for (const field of ['authorization_endpoint', 'token_endpoint', 'issuer', 'jwks_uri', 'end_session_endpoint']) {
      expect(typeof doc[field], field).toBe('string');
    }
    expect(doc).toMatchObject({
      authorization_endpoint: `${base}/${tid}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/${tid}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/${tid}/oauth2/v2.0/logout`,
      kerberos_endpoint: `${base}/${tid}/kerberos`,
      // MSAL's issuer check (msal-common 16) passes: sts.windows.net is a Microsoft alias.
      issuer: `https://sts.windows.net/${tid}/`,
      scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'https://graph.microsoft.com/.default', 'https://api.partnercenter.microsoft.com/.default'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      request_uri_parameter_supported: false,
      cloud_graph_host_name: new URL(base).host,
      rbac_url: base,
    });
  });

  it('has every field of Entra’s documents, in v2.0 and v1, and for common / organizations as templates', async () => {
    const tid = t.contoso.tenant.id;
    for (const [path, oauth2] of [
      [`/${tid}/v2.0`, `/${tid}/oauth2/v2.0`],
      [`/${tid}`, `/${tid}/oauth2`],
      ['/common/v2.0', '/common/oauth2/v2.0'],
      ['/organizations', '/organizations/oauth2'],
    ] as const) {
      const res = await fetch(`${base}${path}/.well-known/openid-configuration`);
      expect(res.status, path).toBe(200);
      const doc = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(doc).sort(), path).toEqual(expect.arrayContaining([...ENTRA_FIELDS].sort()));
      expect(doc.authorization_endpoint, path).toBe(`${base}${oauth2}/authorize`);
      expect(doc.token_endpoint, path).toBe(`${base}${oauth2}/token`);
      expect(doc.end_session_endpoint, path).toBe(`${base}${oauth2}/logout`);
    }
    const common = (await (await fetch(`${base}/common/v2.0/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(common.issuer).toBe('https://sts.windows.net/{tenantid}/');
  });

  it('answers every endpoint it announces: v2.0 authorize with its sign-in, v1 authorize, device code and Kerberos with Entra’s 400, logout with 200', async () => {
    const tid = t.contoso.tenant.id;
    const doc = (await (await fetch(`${base}/${tid}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
    // The v2.0 authorization endpoint signs users in (test/http/sign-in.test.ts): an app without redirect URIs gets the error page.
    const authorize = await fetch(`${doc.authorization_endpoint}?client_id=${t.contoso.app.clientId}&response_type=code&scope=openid&x-client-SKU=msal.js.node`);
    expect(authorize.status).toBe(400);
    expect(authorize.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await authorize.text()).toContain('AADSTS900144');
    const v1 = (await (await fetch(`${base}/${tid}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    const v1Authorize = await fetch(`${v1.authorization_endpoint}?client_id=${t.contoso.app.clientId}&response_type=code`);
    expect(v1Authorize.status).toBe(400);
    const body = (await v1Authorize.json()) as { error: string; error_description: string; error_codes: number[] };
    expect(body).toMatchObject({ error: 'unsupported_response_type', error_codes: [] });
    expect(body.error_description).toMatch(/^Interactive sign-in at the v1 authorization endpoint is not supported by Tarmac.* Trace ID: /);
    const device = await fetch(doc.device_authorization_endpoint ?? '', { method: 'POST', body: new URLSearchParams({ client_id: t.contoso.app.clientId }) });
    expect(device.status).toBe(400);
    expect(((await device.json()) as { error: string }).error).toBe('invalid_request');
    expect((await fetch(doc.kerberos_endpoint ?? '')).status).toBe(400);
    const logout = await fetch(doc.end_session_endpoint ?? '');
    expect(logout.status).toBe(200);
    expect(await logout.text()).toContain('Tarmac keeps no sign-in sessions');
    // The tenant is still checked.
    const unknown = await fetch(`${base}/nobody.onmicrosoft.com/oauth2/authorize?response_type=code`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
    const unknownV2 = await fetch(`${base}/nobody.onmicrosoft.com/oauth2/v2.0/authorize?response_type=code`);
    expect(unknownV2.status).toBe(400);
    expect(await unknownV2.text()).toContain('AADSTS90002');
  });

  it('answers instance discovery as Entra does, naming this server as its own cloud', async () => {
    const host = new URL(base).host;
    const tid = t.contoso.tenant.id;
    const endpoint = `${base}/${tid}/oauth2/v2.0/authorize`;
    const res = await fetch(`${base}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(endpoint)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      tenant_discovery_endpoint: `${base}/${tid}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
    const v1 = (await (await fetch(`${base}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${base}/contoso.onmicrosoft.com/oauth2/authorize`)}`)).json()) as { tenant_discovery_endpoint: string };
    expect(v1.tenant_discovery_endpoint).toBe(`${base}/contoso.onmicrosoft.com/.well-known/openid-configuration`);
    const foreign = await fetch(`${base}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent('https://login.microsoftonline.com/common/oauth2/v2.0/authorize')}`);
    expect(foreign.status).toBe(400);
    const err = (await foreign.json()) as { error: string; error_codes: number[]; error_description: string };
    expect(err).toMatchObject({ error: 'invalid_instance', error_codes: [50049] });
    expect(err.error_description).toContain(`https://${host}/{tenant}/oauth2/v2.0/authorize`);
    const unknownTenant = await fetch(`${base}/common/discovery/instance?authorization_endpoint=${encodeURIComponent(`${base}/nobody.onmicrosoft.com/oauth2/v2.0/authorize`)}`);
    expect(unknownTenant.status).toBe(400);
  });
});

describe('JWKS', () => {
  it('publishes RSA signing keys without private parts', async () => {
    const res = await fetch(`${base}/${t.contoso.tenant.id}/discovery/v2.0/keys`);
    const jwks = (await res.json()) as { keys: Record<string, string>[] };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of jwks.keys) {
      expect(key).toEqual({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: expect.any(String), n: expect.any(String), e: 'AQAB' });
    }
    // Also under common, like Entra.
    expect((await fetch(`${base}/common/discovery/v2.0/keys`)).status).toBe(200);
  });

  it('verifies a token the way a real client does: discovery → jwks_uri → signature, issuer, audience', async () => {
    const token = await tokenFor(t);
    const doc = (await (await fetch(`${base}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration`)).json()) as OpenIdConfiguration;
    const jwks = createRemoteJWKSet(new URL(doc.jwks_uri));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: doc.issuer, audience: 'https://graph.microsoft.com', algorithms: ['RS256'] });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.tid).toBe(t.contoso.tenant.id);
    expect(payload.appid).toBe(t.contoso.app.clientId);
    expect(payload.roles).toContain('DeviceManagementServiceConfig.ReadWrite.All');
  });

  it('does not verify a token that was tampered with', async () => {
    const token = await tokenFor(t);
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    payload.roles = ['Directory.ReadWrite.All'];
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    const jwks = createRemoteJWKSet(new URL(`${base}/${t.contoso.tenant.id}/discovery/v2.0/keys`));
    await expect(jwtVerify(forged, jwks)).rejects.toThrow(/signature/i);
  });
});
