// The auth path of Graph routes, end to end through /v1.0/organization: 401 without a good token, 403 without the
// role, 200 with it; errors in Graph's envelope.
import { SignJWT, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../src/tenants/index.js';
import { generateSigningKey, issueAccessToken } from '../../src/tokens/index.js';
import { appWithRoles, createTestApp, tokenFor, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.keyRing.ensure();
});
afterAll(async () => {
  await t.cleanup();
});

interface GraphErrorJson {
  error: { code: string; message: string; innerError: Record<string, string> };
}

async function organization(authorization?: string, url = '/v1.0/organization') {
  return t.app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
}

function graphError(res: { statusCode: number; json(): unknown; headers: Record<string, unknown> }, status: number, code: string): GraphErrorJson {
  expect(res.statusCode).toBe(status);
  const body = res.json() as GraphErrorJson;
  expect(body).toEqual({
    error: {
      code,
      message: expect.any(String),
      innerError: {
        date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
        'request-id': res.headers['request-id'],
        'client-request-id': expect.any(String),
      },
    },
  });
  return body;
}

/** A token signed with Tarmac's own key but with claims of our choosing. */
async function signedWithTarmacKey(claims: Record<string, unknown>): Promise<string> {
  const { kid, privateKey } = await t.app.keyRing.signingKey();
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(privateKey);
}

function baseClaims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: 'https://graph.microsoft.com',
    iss: `https://sts.windows.net/${t.contoso.tenant.id}/`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    tid: t.contoso.tenant.id,
    appid: t.contoso.app.clientId,
    roles: ['Organization.Read.All'],
  };
}

describe('GET /v1.0/organization', () => {
  it('200 with a token that has Organization.Read.All: the caller’s tenant as Graph’s organization', async () => {
    const res = await organization(`Bearer ${await tokenFor(t)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json()).toEqual({
      '@odata.context': 'http://localhost:80/v1.0/$metadata#organization',
      value: [
        expect.objectContaining({
          id: t.contoso.tenant.id,
          displayName: 'Contoso',
          tenantType: 'AAD',
          createdDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          verifiedDomains: [{ capabilities: 'Email, OfficeCommunicationsOnline', isDefault: true, isInitial: true, name: 'contoso.onmicrosoft.com', type: 'Managed' }],
        }),
      ],
    });
  });

  it('200 on beta and by id; another tenant’s id is 404 (existence does not leak)', async () => {
    const token = `Bearer ${await tokenFor(t)}`;
    expect((await organization(token, '/beta/organization')).statusCode).toBe(200);
    const one = await organization(token, `/v1.0/organization/${t.contoso.tenant.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ '@odata.context': expect.stringContaining('$metadata#organization/$entity'), id: t.contoso.tenant.id });
    const fabrikam = await createTenant(t.store, { domain: 'fabrikam-org.onmicrosoft.com' });
    graphError(await organization(token, `/v1.0/organization/${fabrikam.tenant.id}`), 404, 'Request_ResourceNotFound');
    // And Fabrikam's app sees Fabrikam.
    const theirs = await organization(`Bearer ${await tokenFor(t, fabrikam)}`);
    expect((theirs.json() as { value: { id: string }[] }).value[0]?.id).toBe(fabrikam.tenant.id);
  });

  it('401 InvalidAuthenticationToken without a token, with a Bearer challenge', async () => {
    const res = await organization();
    graphError(res, 401, 'InvalidAuthenticationToken');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="tarmac"');
    graphError(await organization('Basic dXNlcjpwYXNz'), 401, 'InvalidAuthenticationToken');
    graphError(await organization('Bearer'), 401, 'InvalidAuthenticationToken');
  });

  it('401 for a token that is not a JWT', async () => {
    const res = await organization('Bearer not.a.jwt');
    expect(graphError(res, 401, 'InvalidAuthenticationToken').error.message).toMatch(/not a valid JWT/);
    expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('401 for an expired token', async () => {
    const expired = await issueAccessToken(t.app.keyRing, { tenant: t.contoso.tenant, app: t.contoso.app }, new Date(Date.now() - 2 * 3600 * 1000));
    const body = graphError(await organization(`Bearer ${expired.accessToken}`), 401, 'InvalidAuthenticationToken');
    expect(body.error.message).toMatch(/expired/);
  });

  it('401 for a forged token: right kid, another key', async () => {
    const [key] = await t.store.signingKeys.list();
    const other = await generateSigningKey();
    const forged = await new SignJWT(baseClaims())
      .setProtectedHeader({ alg: 'RS256', kid: key?.kid ?? '' })
      .sign(await importPKCS8(other.privatePkcs8, 'RS256'));
    expect(graphError(await organization(`Bearer ${forged}`), 401, 'InvalidAuthenticationToken').error.message).toMatch(/signature/i);
  });

  it('401 for a token signed by a key Tarmac never had, and for alg none', async () => {
    const other = await generateSigningKey();
    const foreign = await new SignJWT(baseClaims()).setProtectedHeader({ alg: 'RS256', kid: other.kid }).sign(await importPKCS8(other.privatePkcs8, 'RS256'));
    graphError(await organization(`Bearer ${foreign}`), 401, 'InvalidAuthenticationToken');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(baseClaims())).toString('base64url')}.`;
    graphError(await organization(`Bearer ${unsigned}`), 401, 'InvalidAuthenticationToken');
  });

  it('401 for a token for another audience, or with an issuer that does not match its tenant', async () => {
    const wrongAudience = await signedWithTarmacKey({ ...baseClaims(), aud: 'https://management.azure.com' });
    expect(graphError(await organization(`Bearer ${wrongAudience}`), 401, 'InvalidAuthenticationToken').error.message).toMatch(/audience/);
    const wrongIssuer = await signedWithTarmacKey({ ...baseClaims(), iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/' });
    expect(graphError(await organization(`Bearer ${wrongIssuer}`), 401, 'InvalidAuthenticationToken').error.message).toMatch(/issuer/);
    // Sanity: the same construction with the right claims is accepted.
    expect((await organization(`Bearer ${await signedWithTarmacKey(baseClaims())}`)).statusCode).toBe(200);
  });

  it('401 when the token’s tenant no longer exists', async () => {
    const gone = await createTenant(t.store, { domain: 'gone.onmicrosoft.com' });
    const token = await tokenFor(t, gone);
    await t.db.deleteFrom('tenants').where('id', '=', gone.tenant.id).execute();
    graphError(await organization(`Bearer ${token}`), 401, 'InvalidAuthenticationToken');
  });

  it('403 Authorization_RequestDenied for an app without an organization permission, naming the permissions', async () => {
    const narrow = await appWithRoles(t, ['DeviceManagementServiceConfig.ReadWrite.All']);
    const res = await organization(`Bearer ${await tokenFor(t, narrow)}`);
    const body = graphError(res, 403, 'Authorization_RequestDenied');
    expect(body.error.message).toContain('Organization.Read.All');
    expect(body.error.message).toContain('DeviceManagementServiceConfig.ReadWrite.All');
    const none = await appWithRoles(t, []);
    graphError(await organization(`Bearer ${await tokenFor(t, none)}`), 403, 'Authorization_RequestDenied');
  });

  it('200 for any of the higher permissions (Directory.Read.All)', async () => {
    const directory = await appWithRoles(t, ['Directory.Read.All']);
    expect((await organization(`Bearer ${await tokenFor(t, directory)}`)).statusCode).toBe(200);
  });
});
