// Signing a user in the way Entra does, over real HTTP (the app listening on 127.0.0.1), on SQLite and PostgreSQL:
// the authorization code flow with PKCE through the HTML form (CSRF cookie and token), the code redeemed at the
// token endpoint (cross-origin, as MSAL for browsers does), the delegated token used on Graph; and what must be
// refused: an unregistered redirect URI (error page, no redirect), a wrong verifier, a code used twice, a missing
// CSRF token, a wrong password (the same answer as an unknown user), too many failures, an expired code, a refresh
// token used twice.
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import type { TarmacApp } from '../../src/http/types.js';
import { createTenantsStore } from '../../src/store/index.js';
import { createApp, createUser, type CreatedApp, type CreatedTenant, type TenantsStore } from '../../src/tenants/index.js';
import { sharedSchemaController } from '../support/shared-schema-compiler.js';
import { createSeededTestDatabase } from '../support/templates.js';
import type { TestDatabase } from '../support/test-databases.js';
import { TEST_ENGINES } from '../support/test-databases.js';

const TENANT = 'contoso.onmicrosoft.com';
const SPA_ORIGIN = 'http://localhost:5173';
const REDIRECT = `${SPA_ORIGIN}/redirect.html`;
const SCOPE = 'https://graph.microsoft.com/.default openid profile offline_access';

interface Fixture {
  tdb: TestDatabase;
  app: TarmacApp;
  base: string;
  store: TenantsStore;
  contoso: CreatedTenant;
  spa: CreatedApp;
  clock: { offsetMs: number };
}

const b64url = (b: Buffer): string => b.toString('base64url');
function pkce(): { verifier: string; challenge: string } {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

describe.each(TEST_ENGINES)('sign-in on %s', (engine) => {
  let f: Fixture;
  const passwords = { admin: 'Intune-admin-pass-1', reader: 'Global-reader-pass-1' };

  beforeAll(async () => {
    const {
      tdb,
      tenants: [contoso],
    } = await createSeededTestDatabase(engine, [TENANT]);
    const clock = { offsetMs: 0 };
    const app = await buildApp({
      db: tdb.db,
      config: loadConfig({ TARMAC_DATA_DIR: tdb.settings.dataDir }),
      logger: false,
      now: () => new Date(Date.now() + clock.offsetMs),
      schemaController: sharedSchemaController,
    });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const store = createTenantsStore(tdb.db);
    await createUser(store, { tenant: TENANT, userPrincipalName: `ada@${TENANT}`, displayName: 'Ada Lovelace', roles: ['Intune Administrator'], password: passwords.admin });
    await createUser(store, { tenant: TENANT, userPrincipalName: `grace@${TENANT}`, displayName: 'Grace Hopper', roles: ['Global Reader'], password: passwords.reader });
    const spa = await createApp(store, { tenant: TENANT, displayName: 'Tarmac console', roles: [], redirectUris: [REDIRECT], publicClient: true });
    f = { tdb, app, base, store, contoso: contoso!, spa, clock };
  }, 60_000);

  afterAll(async () => {
    await f?.app.close();
    await f?.tdb.cleanup();
  });

  function authorizeUrl(params: Record<string, string>): string {
    return `${f.base}/${TENANT}/oauth2/v2.0/authorize?${new URLSearchParams(params).toString()}`;
  }

  function defaults(challenge: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      client_id: f.spa.app.clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: SCOPE,
      state: 'state-123',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      nonce: 'nonce-456',
      'client-request-id': '0d8a5b4e-9f7b-4d5e-8c4c-3b0f2a1e9d77',
      'x-client-SKU': 'msal.js.browser',
      ...extra,
    };
  }

  /** GET the form: its CSRF token and cookie. */
  async function openForm(url: string): Promise<{ csrf: string; cookie: string; html: string; res: Response }> {
    const res = await fetch(url, { redirect: 'manual' });
    const html = await res.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { csrf, cookie, html, res };
  }

  async function postForm(url: string, fields: Record<string, string>, cookie: string): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** The whole browser leg: form, credentials, the code from the redirect. */
  async function signIn(login: string, password: string, extra: Record<string, string> = {}): Promise<{ code: string; verifier: string; location: string }> {
    const { verifier, challenge } = pkce();
    const url = authorizeUrl(defaults(challenge, extra));
    const form = await openForm(url);
    expect(form.res.status, form.html).toBe(200);
    const res = await postForm(url, { login, passwd: password, csrf: form.csrf }, form.cookie);
    expect(res.status, await res.clone().text()).toBe(302);
    const location = res.headers.get('location') ?? '';
    const params = extra.response_mode === 'fragment' ? new URLSearchParams(new URL(location).hash.slice(1)) : new URL(location).searchParams;
    expect(params.get('state')).toBe('state-123');
    return { code: params.get('code') ?? '', verifier, location };
  }

  async function token(fields: Record<string, string>, origin = SPA_ORIGIN): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const res = await fetch(`${f.base}/${TENANT}/oauth2/v2.0/token?client-request-id=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', origin },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  }

  const redeem = (code: string, verifier: string, extra: Record<string, string> = {}, origin = SPA_ORIGIN) =>
    token(
      {
      client_id: f.spa.app.clientId,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      scope: SCOPE,
      client_info: '1',
      ...extra,
      },
      origin,
    );

  async function graph(method: string, path: string, accessToken: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${f.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  const group = (name: string) => ({ displayName: name, mailEnabled: false, mailNickname: name, securityEnabled: true });

  it('shows an accessible form with a CSRF token bound to a SameSite=Strict cookie and a strict CSP', async () => {
    const { challenge } = pkce();
    const form = await openForm(authorizeUrl(defaults(challenge, { login_hint: 'ada@contoso.onmicrosoft.com' })));
    expect(form.res.status).toBe(200);
    expect(form.res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(form.html).toContain('<label for="login">');
    expect(form.html).toContain('<label for="passwd">');
    expect(form.html).toContain('value="ada@contoso.onmicrosoft.com"');
    expect(form.html).toContain('Tarmac console');
    expect(form.html).not.toMatch(/<script|https?:\/\/(?!localhost:5173)[^"]*\.(css|js)/);
    expect(form.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(form.res.headers.get('set-cookie')).toMatch(/^tarmac_signin_csrf=[A-Za-z0-9_-]{43}; Path=\/contoso\.onmicrosoft\.com\/oauth2\/; HttpOnly; SameSite=Strict$/);
    const csp = form.res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`form-action 'self' ${SPA_ORIGIN}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(form.res.headers.get('cache-control')).toContain('no-store');
  });

  it('signs an Intune Administrator in, redeems the code cross-origin, and Graph lets the delegated token write', async () => {
    const { code, verifier } = await signIn('Ada@Contoso.onmicrosoft.com', passwords.admin);
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await redeem(code, verifier);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const body = res.body;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
    const user = await f.store.users.findByUpn(f.contoso.tenant.id, 'ada@contoso.onmicrosoft.com');
    expect(JSON.parse(Buffer.from(body.client_info as string, 'base64url').toString())).toEqual({ uid: user!.id, utid: f.contoso.tenant.id });
    expect((body.scope as string).split(' ')).toEqual(expect.arrayContaining(['https://graph.microsoft.com/Group.ReadWrite.All', 'openid', 'profile', 'offline_access']));
    expect(body.refresh_token).toEqual(expect.any(String));

    const at = decodeJwt(body.access_token as string);
    expect(at).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${f.contoso.tenant.id}/`,
      idtyp: 'user',
      oid: user!.id,
      upn: 'ada@contoso.onmicrosoft.com',
      name: 'Ada Lovelace',
      tid: f.contoso.tenant.id,
      appid: f.spa.app.clientId,
      ver: '1.0',
      wids: ['3a2c62db-5318-420d-8d74-23affee5d9d5'],
    });
    expect((at.scp as string).split(' ').sort()).toEqual(
      [
        'DeviceManagementServiceConfig.ReadWrite.All',
        'DeviceManagementManagedDevices.ReadWrite.All',
        'DeviceManagementConfiguration.ReadWrite.All',
        // Intune's audit events are read with DeviceManagementApps.*, as in Graph.
        'DeviceManagementApps.ReadWrite.All',
        'Device.ReadWrite.All',
        'Group.ReadWrite.All',
        'GroupMember.ReadWrite.All',
        'Directory.Read.All',
        'Organization.Read.All',
        'User.Read.All',
      ].sort(),
    );
    expect(at.roles).toBeUndefined();
    const id = decodeJwt(body.id_token as string);
    expect(id).toMatchObject({
      aud: f.spa.app.clientId,
      iss: `https://sts.windows.net/${f.contoso.tenant.id}/`,
      nonce: 'nonce-456',
      oid: user!.id,
      tid: f.contoso.tenant.id,
      preferred_username: 'ada@contoso.onmicrosoft.com',
      name: 'Ada Lovelace',
      ver: '2.0',
    });
    expect(id.sub).toEqual(expect.any(String));

    const created = await graph('POST', '/v1.0/groups', body.access_token as string, group(`ada${engine}`));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await graph('GET', '/v1.0/groups', body.access_token as string)).status).toBe(200);
  });

  it('lets a Global Reader read but not write (403 naming the delegated permissions)', async () => {
    const { code, verifier } = await signIn(`grace@${TENANT}`, passwords.reader);
    const res = await redeem(code, verifier);
    expect(res.status).toBe(200);
    const accessToken = res.body.access_token as string;
    expect((decodeJwt(accessToken).wids as string[])).toEqual(['f2ef992c-3afb-46b9-b7cf-a126ee74c451']);
    expect((await graph('GET', '/v1.0/groups', accessToken)).status).toBe(200);
    const denied = await graph('POST', '/v1.0/groups', accessToken, group(`grace${engine}`));
    expect(denied.status).toBe(403);
    expect(JSON.stringify(denied.body)).toContain('Authorization_RequestDenied');
    expect(JSON.stringify(denied.body)).toContain('delegated permissions');
  });

  it('asks for specific scopes: the token carries only those the roles allow', async () => {
    const { code, verifier } = await signIn(`grace@${TENANT}`, passwords.reader, {
      scope: 'https://graph.microsoft.com/Group.Read.All https://graph.microsoft.com/Group.ReadWrite.All openid',
    });
    const res = await redeem(code, verifier, { scope: '' });
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token as string).scp).toBe('Group.Read.All');
    expect(res.body.refresh_token).toBeUndefined();
    expect(res.body.id_token).toEqual(expect.any(String));
  });

  it('sends the code in the fragment for response_mode=fragment (MSAL for browsers’ default)', async () => {
    const { location } = await signIn(`ada@${TENANT}`, passwords.admin, { response_mode: 'fragment' });
    expect(location.startsWith(`${REDIRECT}#`)).toBe(true);
  });

  it('posts the code to the redirect URI for response_mode=form_post (a page allowed to submit there only)', async () => {
    const { verifier, challenge } = pkce();
    const url = authorizeUrl(defaults(challenge, { response_mode: 'form_post' }));
    const form = await openForm(url);
    const res = await postForm(url, { login: `ada@${TENANT}`, passwd: passwords.admin, csrf: form.csrf }, form.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-security-policy')).toContain(`form-action ${SPA_ORIGIN};`);
    const html = await res.text();
    expect(html).toContain(`<form method="post" action="${REDIRECT}" id="response">`);
    expect(html).toContain('<input type="hidden" name="state" value="state-123">');
    const code = /name="code" value="([^"]+)"/.exec(html)?.[1] ?? '';
    expect((await redeem(code, verifier)).status).toBe(200);
  });

  it('shows an error page, never a redirect, for an unregistered redirect URI or an unknown client', async () => {
    const { challenge } = pkce();
    for (const url of [
      authorizeUrl(defaults(challenge, { redirect_uri: 'https://evil.example/callback' })),
      authorizeUrl(defaults(challenge, { redirect_uri: `${REDIRECT}/` })),
      authorizeUrl(defaults(challenge, { client_id: f.contoso.app.clientId === f.spa.app.clientId ? 'x' : '00000000-0000-0000-0000-000000000001' })),
      `${f.base}/nowhere.example/oauth2/v2.0/authorize?${new URLSearchParams(defaults(challenge)).toString()}`,
    ]) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status, url).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toMatch(/AADSTS(50011|700016|90002)/);
    }
  });

  it('redirects other errors back with error, error_description and state', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ code_challenge: '' }, 'invalid_request'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ scope: 'https://management.azure.com/user_impersonation' }, 'invalid_scope'],
      [{ prompt: 'none' }, 'login_required'],
    ];
    for (const [extra, error] of cases) {
      const { challenge } = pkce();
      const res = await fetch(authorizeUrl(defaults(challenge, extra)), { redirect: 'manual' });
      expect(res.status, JSON.stringify(extra)).toBe(302);
      const location = new URL(res.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('error_description')).toMatch(/^AADSTS\d+: /);
      expect(location.searchParams.get('state')).toBe('state-123');
    }
  });

  it('refuses a wrong code_verifier, and a code used twice (revoking what the first use gave)', async () => {
    const first = await signIn(`ada@${TENANT}`, passwords.admin);
    const wrong = await redeem(first.code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
    expect(wrong.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);

    const second = await signIn(`ada@${TENANT}`, passwords.admin);
    const ok = await redeem(second.code, second.verifier);
    expect(ok.status).toBe(200);
    const again = await redeem(second.code, second.verifier);
    expect(again.body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
    const refreshed = await token({ client_id: f.spa.app.clientId, grant_type: 'refresh_token', refresh_token: ok.body.refresh_token as string });
    expect(refreshed.body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
  });

  it('refuses a code after 10 minutes (the app’s clock)', async () => {
    const { code, verifier } = await signIn(`ada@${TENANT}`, passwords.admin);
    f.clock.offsetMs = 10 * 60_000 + 1000;
    try {
      const res = await redeem(code, verifier);
      expect(res.body).toMatchObject({ error: 'invalid_grant', error_codes: [70008] });
    } finally {
      f.clock.offsetMs = 0;
    }
  });

  it('rotates refresh tokens and revokes the family when a rotated one comes back', async () => {
    const { code, verifier } = await signIn(`ada@${TENANT}`, passwords.admin);
    const first = await redeem(code, verifier);
    const rt1 = first.body.refresh_token as string;
    const second = await token({ client_id: f.spa.app.clientId, grant_type: 'refresh_token', refresh_token: rt1, scope: SCOPE, client_info: '1' });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    const rt2 = second.body.refresh_token as string;
    expect(rt2).not.toBe(rt1);
    expect(decodeJwt(second.body.access_token as string).upn).toBe(`ada@${TENANT}`);
    expect(second.body.client_info).toEqual(first.body.client_info);
    expect(second.body.refresh_token_expires_in as number).toBeLessThanOrEqual(first.body.refresh_token_expires_in as number);

    const reused = await token({ client_id: f.spa.app.clientId, grant_type: 'refresh_token', refresh_token: rt1 });
    expect(reused.body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
    const afterReuse = await token({ client_id: f.spa.app.clientId, grant_type: 'refresh_token', refresh_token: rt2 });
    expect(afterReuse.body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
  });

  it('refuses a public client’s secret and a confidential client without its secret', async () => {
    const { code, verifier } = await signIn(`ada@${TENANT}`, passwords.admin);
    const withSecret = await redeem(code, verifier, { client_secret: f.spa.clientSecret });
    expect(withSecret.body).toMatchObject({ error: 'invalid_request', error_codes: [700025] });
  });

  it('signs in for a confidential client without PKCE; its code needs its secret', async () => {
    const web = await createApp(f.store, { tenant: TENANT, displayName: 'Web app', roles: [], redirectUris: ['https://web.example/signin-oidc'] });
    const extra = { client_id: web.app.clientId, redirect_uri: 'https://web.example/signin-oidc', code_challenge: '', code_challenge_method: '' };
    const withoutSecret = await signIn(`ada@${TENANT}`, passwords.admin, extra);
    const refused = await redeem(withoutSecret.code, '', { client_id: web.app.clientId, redirect_uri: 'https://web.example/signin-oidc' }, 'https://web.example');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'invalid_client', error_codes: [7000218] });
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://web.example');
    const { code } = await signIn(`ada@${TENANT}`, passwords.admin, extra);
    const ok = await redeem(code, '', { client_id: web.app.clientId, redirect_uri: 'https://web.example/signin-oidc', client_secret: web.clientSecret }, 'https://other.example');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBeNull();
    expect(decodeJwt(ok.body.access_token as string)).toMatchObject({ appid: web.app.clientId, appidacr: '1', idtyp: 'user' });
  });

  it('refuses a sign-in form without the CSRF token or cookie (error page, no redirect)', async () => {
    const { challenge } = pkce();
    const url = authorizeUrl(defaults(challenge));
    const form = await openForm(url);
    for (const [fields, cookie] of [
      [{ login: `ada@${TENANT}`, passwd: passwords.admin }, form.cookie],
      [{ login: `ada@${TENANT}`, passwd: passwords.admin, csrf: form.csrf }, ''],
      [{ login: `ada@${TENANT}`, passwd: passwords.admin, csrf: b64url(randomBytes(32)) }, form.cookie],
    ] as const) {
      const res = await postForm(url, fields, cookie);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('AADSTS90014');
    }
  });

  it('answers a wrong password and an unknown user alike, then locks the user name after 5 failures', async () => {
    const { challenge } = pkce();
    const url = authorizeUrl(defaults(challenge));
    const form = await openForm(url);
    const attempt = (login: string, passwd: string) => postForm(url, { login, passwd, csrf: form.csrf }, form.cookie);
    const message = (html: string) => /<p class="error" role="alert"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];

    const wrong = await attempt(`ada@${TENANT}`, 'not the password');
    const unknown = await attempt(`nobody@${TENANT}`, 'not the password');
    expect(wrong.status).toBe(200);
    expect(unknown.status).toBe(200);
    const wrongMessage = message(await wrong.text());
    expect(wrongMessage).toContain('AADSTS50126');
    expect(message(await unknown.text())).toBe(wrongMessage);

    const target = `locked${engine}@${TENANT}`;
    await createUser(f.store, { tenant: TENANT, userPrincipalName: target, password: 'right-password-1', roles: ['Global Reader'] });
    for (let i = 0; i < 5; i++) expect((await attempt(target, `wrong-${i}`)).status).toBe(200);
    const locked = await attempt(target, 'right-password-1');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(message(await locked.text())).toContain('AADSTS50053');
    expect(locked.headers.get('location')).toBeNull();
  });
});
