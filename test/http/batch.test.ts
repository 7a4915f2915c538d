// JSON $batch through inject(): sub-requests run through the app with the caller's token (so roles and tenant
// isolation apply per request), dependsOn orders them and turns a failed dependency into 424, malformed batches
// are 400 naming the request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../src/tenants/index.js';
import { syntheticHash } from '../support/registry-fixture.js';
import { appWithRoles, createTestApp, tokenFor, type TestApp } from '../support/test-app.js';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp();
  token = await tokenFor(t);
});
afterAll(async () => {
  await t.cleanup();
});

interface BatchResponseJson {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: Record<string, unknown> & { error?: { code: string; message: string } };
}

async function batch(body: unknown, opts: { url?: string; bearer?: string } = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: opts.url ?? '/v1.0/$batch',
    headers: { authorization: `Bearer ${opts.bearer ?? token}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  return res;
}

function responsesOf(res: { json(): unknown }): Map<string, BatchResponseJson> {
  const body = res.json() as { responses: BatchResponseJson[] };
  return new Map(body.responses.map((r) => [r.id, r]));
}

describe('POST /v1.0/$batch and /beta/$batch', () => {
  it('runs each request through the app, with the version of the batch URL', async () => {
    const res = await batch({
      requests: [
        { id: '1', method: 'GET', url: '/organization' },
        { id: '2', method: 'GET', url: 'deviceManagement/windowsAutopilotDeviceIdentities?$top=5' },
        { id: '3', method: 'GET', url: '/deviceManagement/windowsAutopilotDeviceIdentities/00000000-0000-0000-0000-000000000001' },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const r = responsesOf(res);
    expect(r.size).toBe(3);
    expect(r.get('1')).toMatchObject({
      status: 200,
      headers: { 'content-type': expect.stringMatching(/^application\/json/) },
      body: { '@odata.context': expect.stringMatching(/\/v1\.0\/\$metadata#organization$/), value: [{ id: t.contoso.tenant.id }] },
    });
    expect(r.get('2')).toMatchObject({ status: 200, body: { value: [] } });
    expect(r.get('3')).toMatchObject({ status: 404, body: { error: { code: 'ResourceNotFound' } } });

    const beta = await batch({ requests: [{ id: 'a', method: 'GET', url: '/deviceManagement/windowsAutopilotSettings' }] }, { url: '/beta/$batch' });
    expect(responsesOf(beta).get('a')).toMatchObject({ status: 200, body: { '@odata.context': expect.stringContaining('/beta/$metadata#') } });
    // The same path in a v1.0 batch is v1.0's: windowsAutopilotSettings is beta only.
    const v1 = await batch({ requests: [{ id: 'a', method: 'GET', url: '/deviceManagement/windowsAutopilotSettings' }] });
    expect(responsesOf(v1).get('a')?.status).toBe(404);
  });

  it('applies roles and tenant isolation per request, with the caller’s token', async () => {
    const reader = await appWithRoles(t, ['DeviceManagementServiceConfig.Read.All']);
    const readerToken = await tokenFor(t, reader);
    const res = await batch(
      {
        requests: [
          { id: 'read', method: 'GET', url: '/deviceManagement/windowsAutopilotDeviceIdentities' },
          { id: 'org', method: 'GET', url: '/organization' },
          { id: 'write', method: 'POST', url: '/deviceManagement/importedWindowsAutopilotDeviceIdentities/import', body: { importedWindowsAutopilotDeviceIdentities: [] } },
        ],
      },
      { bearer: readerToken },
    );
    const r = responsesOf(res);
    expect(r.get('read')?.status).toBe(200);
    expect(r.get('org')).toMatchObject({ status: 403, body: { error: { code: 'Authorization_RequestDenied' } } });
    expect(r.get('write')?.status).toBe(403);

    const fabrikam = await createTenant(t.store, { domain: 'fabrikam.onmicrosoft.com', displayName: 'Fabrikam' });
    const other = await batch(
      { requests: [{ id: 'x', method: 'GET', url: `/organization/${t.contoso.tenant.id}` }, { id: 'y', method: 'GET', url: '/organization' }] },
      { bearer: await tokenFor(t, fabrikam) },
    );
    const o = responsesOf(other);
    expect(o.get('x')?.status).toBe(404);
    expect(o.get('y')).toMatchObject({ status: 200, body: { value: [{ id: fabrikam.tenant.id }] } });
  });

  it('dependsOn: runs in order, passes bodies, and answers 424 when a dependency failed', async () => {
    const res = await batch({
      requests: [
        {
          id: 'import',
          method: 'POST',
          url: '/deviceManagement/importedWindowsAutopilotDeviceIdentities/import',
          headers: { 'Content-Type': 'application/json' },
          body: { importedWindowsAutopilotDeviceIdentities: [{ serialNumber: 'BATCH-1', hardwareIdentifier: syntheticHash(4242) }] },
        },
        { id: 'list', method: 'GET', url: '/deviceManagement/importedWindowsAutopilotDeviceIdentities', dependsOn: ['import'] },
        { id: 'missing', method: 'DELETE', url: '/deviceManagement/windowsAutopilotDeviceIdentities/00000000-0000-0000-0000-00000000dead' },
        { id: 'after-missing', method: 'GET', url: '/organization', dependsOn: ['missing'] },
        { id: 'chain', method: 'GET', url: '/organization', dependsOn: ['after-missing', 'list'] },
      ],
    });
    expect(res.statusCode).toBe(200);
    const r = responsesOf(res);
    expect(r.get('import')).toMatchObject({ status: 200, body: { value: [{ serialNumber: 'BATCH-1' }] } });
    const listed = r.get('list')?.body?.value as { serialNumber: string }[];
    expect(listed.map((d) => d.serialNumber)).toContain('BATCH-1');
    expect(r.get('missing')?.status).toBe(404);
    expect(r.get('after-missing')).toMatchObject({
      status: 424,
      body: { error: { code: 'FailedDependency', message: expect.stringContaining("request 'missing', which failed with 404") } },
    });
    expect(r.get('chain')).toMatchObject({ status: 424, body: { error: { message: expect.stringContaining("'after-missing'") } } });
  });

  it('400 for a malformed batch, naming the request', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /"requests"/],
      [{ requests: [] }, /empty/],
      [{ requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/organization' })) }, /21 requests; a batch holds at most 20/],
      [{ requests: [{ id: '1', method: 'GET', url: '/organization' }, { id: '1', method: 'GET', url: '/organization' }] }, /'1' is used more than once/],
      [{ requests: [{ id: 'a', method: 'GET', url: '/organization', dependsOn: ['nope'] }] }, /request 'a' depends on 'nope', which is not a request/],
      [{ requests: [{ id: 'a', method: 'GET', url: '/organization', dependsOn: ['a'] }] }, /'a' depends on itself/],
      [
        {
          requests: [
            { id: 'a', method: 'GET', url: '/organization', dependsOn: ['c'] },
            { id: 'b', method: 'GET', url: '/organization', dependsOn: ['a'] },
            { id: 'c', method: 'GET', url: '/organization', dependsOn: ['b'] },
          ],
        },
        /dependency cycle \(a → c → b → a\)/,
      ],
      [{ requests: [{ id: 'm', method: 'FETCH', url: '/organization' }] }, /request 'm' has method "FETCH"/],
      [{ requests: [{ id: 'u', method: 'GET', url: 'https://graph.microsoft.com/v1.0/organization' }] }, /request 'u' has the absolute url/],
      [{ requests: [{ id: 'n', method: 'POST', url: '/$batch' }] }, /'n' is a \$batch; batches cannot be nested/],
      [{ requests: [{ id: 'd', method: 'GET', url: '/../oauth2/v2.0/token' }] }, /'d' has '\.' or '\.\.'/],
      [{ requests: [{ method: 'GET', url: '/organization' }] }, /requests\[0\] has no "id"/],
    ];
    for (const [body, message] of cases) {
      const res = await batch(body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'BadRequest', message: expect.stringMatching(message), innerError: { 'request-id': expect.any(String) } } });
    }
  });

  it('401 without a token, before looking at the body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1.0/$batch', payload: { requests: [] } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });
});
