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
      grant_types_supported: ['client_credentials'],
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
