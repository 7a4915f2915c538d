// Delegated Partner Center tokens over real HTTP on SQLite and PostgreSQL: a partner's (CSP) user signs in for Partner
// Center (authorization code with PKCE, scope user_impersonation), or for Graph and redeems the refresh token for
// Partner Center (Entra's multi-resource refresh tokens) and back; Partner Center then answers by the user's roles
// (Global Administrator reads and writes, Global Reader only reads, Intune Administrator is refused); a customer's
// user gets 403 2032 as an app does; an OEM's user reaches the OEM API; a request naming two APIs is AADSTS28000.
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createUser, type CreatedApp, type CreatedTenant } from '../../src/tenants/index.js';
import { partnerFixture, type PartnerFixture } from '../support/partner-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const ORIGIN = 'http://localhost:5173';
const REDIRECT = `${ORIGIN}/redirect.html`;
const PC_SCOPE = 'https://api.partnercenter.microsoft.com/user_impersonation openid profile offline_access';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default openid profile offline_access';
const PASSWORD = 'Partner-user-pass-1';
const WIDS = { admin: '62e90394-69f5-4237-9190-012177145e10', reader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451' };

interface Json {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

describe.each(ENGINES)('delegated Partner Center tokens on %s', (engine) => {
  let f: PartnerFixture;
  let base: string;
  const spas = new Map<string, CreatedApp>();

  beforeAll(async () => {
    f = await partnerFixture(engine);
    base = await f.app.listen({ host: '127.0.0.1', port: 0 });
    await f.relate(f.csp, f.contoso);
    await f.relate(f.oem, f.contoso);
    for (const [who, roles] of [
      [f.csp, { admin: 'Global Administrator', reader: 'Global Reader', intune: 'Intune Administrator' }],
      [f.oem, { admin: 'Global Administrator', reader: 'Global Reader' }],
      [f.contoso, { admin: 'Global Administrator' }],
    ] as const) {
      const domain = who.tenant.domains[0]!.name;
      for (const [name, role] of Object.entries(roles)) {
        await createUser(f.store, { tenant: domain, userPrincipalName: `${name}@${domain}`, displayName: `${name} of ${who.tenant.displayName}`, roles: [role], password: PASSWORD });
      }
      spas.set(who.tenant.id, await createApp(f.store, { tenant: domain, displayName: 'Tarmac console', roles: [], redirectUris: [REDIRECT], publicClient: true }));
    }
  }, 60_000);
  afterAll(async () => f.cleanup());

  const clientOf = (who: CreatedTenant) => spas.get(who.tenant.id)!.app.clientId;
  const upn = (name: string, who: CreatedTenant) => `${name}@${who.tenant.domains[0]!.name}`;

  /** The browser leg (form, CSRF cookie, credentials) and the code from the redirect. */
  async function signIn(who: CreatedTenant, name: string, scope: string): Promise<{ code: string; verifier: string }> {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const url = `${base}/${who.tenant.id}/oauth2/v2.0/authorize?${new URLSearchParams({
      client_id: clientOf(who),
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope,
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString()}`;
    const form = await fetch(url, { redirect: 'manual' });
    const html = await form.text();
    expect(form.status, html).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const posted = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ login: upn(name, who), passwd: PASSWORD, csrf }).toString(),
    });
    expect(posted.status, await posted.clone().text()).toBe(302);
    return { code: new URL(posted.headers.get('location') ?? '').searchParams.get('code') ?? '', verifier };
  }

  async function token(who: CreatedTenant, fields: Record<string, string>): Promise<Json> {
    const res = await fetch(`${base}/${who.tenant.id}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', origin: ORIGIN },
      body: new URLSearchParams({ client_id: clientOf(who), client_info: '1', ...fields }).toString(),
    });
    return { status: res.status, body: await res.json() };
  }

  const redeem = (who: CreatedTenant, signedIn: { code: string; verifier: string }, scope: string) =>
    token(who, { grant_type: 'authorization_code', code: signedIn.code, redirect_uri: REDIRECT, code_verifier: signedIn.verifier, scope });
  const refresh = (who: CreatedTenant, refreshToken: string, scope: string) => token(who, { grant_type: 'refresh_token', refresh_token: refreshToken, scope });

  async function call(accessToken: string, method: string, path: string, body?: unknown): Promise<Json> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  const batches = () => `/v1/customers/${f.contoso.tenant.id}/deviceBatches`;

  it("a partner's Global Administrator signs in for Partner Center: a delegated token that lists customers and creates and lists batches", async () => {
    const res = await redeem(f.csp, await signIn(f.csp, 'admin', PC_SCOPE), PC_SCOPE);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.scope.split(' ')).toEqual(['https://api.partnercenter.microsoft.com/user_impersonation', 'openid', 'profile', 'offline_access']);
    expect(res.body.refresh_token).toEqual(expect.any(String));
    const user = await f.store.users.findByUpn(f.csp.tenant.id, upn('admin', f.csp));
    expect(decodeJwt(res.body.access_token)).toMatchObject({
      aud: 'https://api.partnercenter.microsoft.com',
      iss: `https://sts.windows.net/${f.csp.tenant.id}/`,
      tid: f.csp.tenant.id,
      idtyp: 'user',
      oid: user!.id,
      upn: upn('admin', f.csp),
      name: 'admin of Contoso CSP',
      scp: 'user_impersonation',
      wids: [WIDS.admin],
      appid: clientOf(f.csp),
      ver: '1.0',
    });
    const pc = res.body.access_token as string;
    const customers = await call(pc, 'GET', '/v1/customers');
    expect(customers.status, JSON.stringify(customers.body)).toBe(200);
    expect(customers.body.items.map((c: { id: string }) => c.id)).toEqual([f.contoso.tenant.id]);
    const created = await call(pc, 'POST', batches(), { batchId: `Console ${engine}`, devices: [{ hardwareHash: syntheticHash(8100) }] });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const list = await call(pc, 'GET', batches());
    expect(list.status).toBe(200);
    expect(list.body.items.map((b: { id: string }) => b.id)).toContain(`Console ${engine}`);
    // A Partner Center token is not a Graph token.
    expect((await call(pc, 'GET', '/v1.0/groups')).status).toBe(401);
  });

  it("redeems a Graph sign-in's refresh token for Partner Center and back; a Global Reader reads but may not create a batch", async () => {
    const graph = await redeem(f.csp, await signIn(f.csp, 'reader', GRAPH_SCOPE), GRAPH_SCOPE);
    expect(graph.status, JSON.stringify(graph.body)).toBe(200);
    expect(decodeJwt(graph.body.access_token).aud).toBe('https://graph.microsoft.com');

    const pc = await refresh(f.csp, graph.body.refresh_token, 'https://api.partnercenter.microsoft.com/user_impersonation offline_access');
    expect(pc.status, JSON.stringify(pc.body)).toBe(200);
    expect(decodeJwt(pc.body.access_token)).toMatchObject({ aud: 'https://api.partnercenter.microsoft.com', scp: 'user_impersonation', wids: [WIDS.reader], upn: upn('reader', f.csp) });
    expect(pc.body.refresh_token).not.toBe(graph.body.refresh_token);
    const at = pc.body.access_token as string;
    expect((await call(at, 'GET', '/v1/customers')).status).toBe(200);
    expect((await call(at, 'GET', batches())).status).toBe(200);
    const denied = await call(at, 'POST', batches(), { batchId: `Reader ${engine}`, devices: [{ hardwareHash: syntheticHash(8200) }] });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 900150, source: 'PartnerFD' });
    expect(denied.body.description).toContain('may only read (Global Reader)');
    expect(denied.body.description).toContain('Global Administrator');

    // And back to Graph with the rotated token (.default keeps the sign-in's Graph permissions).
    const back = await refresh(f.csp, pc.body.refresh_token, 'https://graph.microsoft.com/.default offline_access');
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    const graphToken = decodeJwt(back.body.access_token);
    expect(graphToken.aud).toBe('https://graph.microsoft.com');
    expect((graphToken.scp as string).split(' ')).toContain('DeviceManagementServiceConfig.Read.All');
    // Rotation as before: the Graph sign-in's first refresh token was used, presenting it again revokes the family.
    const reused = await refresh(f.csp, graph.body.refresh_token, PC_SCOPE);
    expect(reused.body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
    expect((await refresh(f.csp, back.body.refresh_token, PC_SCOPE)).body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
  });

  it('refuses a token request naming Graph and Partner Center together (AADSTS28000), leaving the code and refresh token usable', async () => {
    const mixed = 'https://graph.microsoft.com/.default https://api.partnercenter.microsoft.com/user_impersonation openid offline_access';
    // The authorize leg may name both (as Entra's, for consent); the token request may not.
    const signedIn = await signIn(f.csp, 'admin', mixed);
    const refused = await redeem(f.csp, signedIn, mixed);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_request', error_codes: [28000] });
    expect(refused.body.error_description).toMatch(/^AADSTS28000: .*more than one resource.*redeem the refresh token/);
    const ok = await redeem(f.csp, signedIn, PC_SCOPE);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(decodeJwt(ok.body.access_token).aud).toBe('https://api.partnercenter.microsoft.com');
    const again = await refresh(f.csp, ok.body.refresh_token, mixed);
    expect(again.body).toMatchObject({ error: 'invalid_request', error_codes: [28000] });
    const renewed = await refresh(f.csp, ok.body.refresh_token, 'https://graph.microsoft.com/Group.Read.All');
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    expect(decodeJwt(renewed.body.access_token)).toMatchObject({ aud: 'https://graph.microsoft.com', scp: 'Group.Read.All' });
    // An unknown API is refused at the authorize leg.
    const bad = await fetch(`${base}/${f.csp.tenant.id}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: clientOf(f.csp), response_type: 'code', redirect_uri: REDIRECT, scope: 'https://api.partnercenter.microsoft.com/Customers.ReadWrite', state: 's', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' }).toString()}`, { redirect: 'manual' });
    expect(new URL(bad.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_scope');
  });

  it("refuses a partner's Intune Administrator (no Partner Center role) and a customer's user (2032, as an app)", async () => {
    const intune = await redeem(f.csp, await signIn(f.csp, 'intune', PC_SCOPE), PC_SCOPE);
    expect(intune.status).toBe(200);
    const refused = await call(intune.body.access_token, 'GET', '/v1/customers');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 900150 });
    expect(refused.body.description).toContain('Intune Administrator gives none');

    const customer = await redeem(f.contoso, await signIn(f.contoso, 'admin', PC_SCOPE), PC_SCOPE);
    expect(customer.status).toBe(200);
    const wrongKind = await call(customer.body.access_token, 'GET', '/v1/customers');
    expect(wrongKind.status).toBe(403);
    expect(wrongKind.body).toMatchObject({ code: 2032 });
  });

  it("an OEM's users reach the OEM API by the same rules, and Partner Center (/v1) refuses them with 2032", async () => {
    const admin = (await redeem(f.oem, await signIn(f.oem, 'admin', PC_SCOPE), PC_SCOPE)).body.access_token as string;
    const link = await call(admin, 'GET', '/oem/v1/consentLink');
    expect(link.status, JSON.stringify(link.body)).toBe(200);
    expect((await call(admin, 'GET', '/v1/customers')).body).toMatchObject({ code: 2032 });
    const reader = (await redeem(f.oem, await signIn(f.oem, 'reader', PC_SCOPE), PC_SCOPE)).body.access_token as string;
    expect((await call(reader, 'GET', '/oem/v1/consentLink')).status).toBe(200);
    const write = await call(reader, 'POST', '/oem/v1/AutopilotDeviceRegistration', { devices: [] });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ code: 900150 });
  });
});
