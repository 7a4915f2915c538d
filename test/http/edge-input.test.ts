// Input Tarmac refuses at the edge, and errors raised before routing, on SQLite and PostgreSQL alike:
//   - U+0000 and unpaired UTF-16 surrogates in any body field, path parameter or query value → 400 naming the field,
//     in the route family's envelope (PostgreSQL answered 500 to U+0000; the engines stored a lone surrogate differently);
//   - the other control characters are stored as sent, and read back equal on both engines;
//   - a path that is not percent-encoded UTF-8, an overlong path segment, and what Node's HTTP parser refuses (a URL
//     over its header limit, an unknown method, a malformed header) answer in the envelope of the URL's family.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticInventory } from '../../src/hash/index.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { BETA_DEVICES, DEVICES, IMPORTS, PROFILES } from '../support/graph-paths.js';
import { userDrivenProfileBody } from '../support/profiles.js';

afterAll(dropPostgresFileDatabase);

const NUL = 'a\u0000b';

/** Graph's envelope with a 400 BadRequest whose message names `field`. */
function expectGraphRefusal(res: { status: number; body: unknown }, field: string): void {
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ error: { code: 'BadRequest', message: expect.stringContaining(`${field} contains `), innerError: { 'request-id': expect.any(String) } } });
}

/** Sends `text` as is on a fresh connection to `port` and reads the whole answer (the server closes after it). */
function raw(port: number, text: string | Buffer): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => (chunks.length > 0 ? undefined : reject(err)));
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), headers: head, body });
    });
    socket.write(text);
  });
}

describe.each(ENGINES)('input Tarmac refuses, errors before routing (%s)', (engine) => {
  let f: GraphFixture;
  let autopilotId: string;
  let serial: string;
  let entraId: string;
  let groupId: string;
  let profileId: string;

  beforeAll(async () => {
    f = await graphFixture(engine, { importWorker: { pollIntervalMs: 20 } });
    serial = syntheticInventory(7).system.serialNumber ?? '';
    const imported = await f.call(f.contoso, 'POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: [{ hardwareIdentifier: syntheticHash(7) }] });
    expect(imported.status).toBe(200);
    for (let i = 0; i < 500 && !autopilotId; i++) {
      const row = (await f.call(f.contoso, 'GET', `${IMPORTS}/${imported.body.value[0].id}`)).body;
      if (row.state.deviceImportStatus === 'complete') autopilotId = row.state.deviceRegistrationId;
      else await new Promise((r) => setTimeout(r, 10));
    }
    expect(autopilotId).toBeDefined();
    const entra = await f.call(f.contoso, 'POST', '/v1.0/devices', {
      accountEnabled: true,
      alternativeSecurityIds: [],
      deviceId: '00000000-0000-4000-8000-000000000007',
      displayName: 'plain',
      operatingSystem: 'Windows',
      operatingSystemVersion: '10.0',
    });
    expect(entra.status).toBe(201);
    entraId = entra.body.id;
    const group = await f.call(f.contoso, 'POST', '/v1.0/groups', { displayName: 'plain', mailEnabled: false, mailNickname: 'plain', securityEnabled: true });
    expect(group.status).toBe(201);
    groupId = group.body.id;
    const profile = await f.call(f.contoso, 'POST', PROFILES, userDrivenProfileBody({ displayName: 'plain', description: '', deviceNameTemplate: '' }));
    expect(profile.status).toBe(201);
    profileId = profile.body.id;
  });
  afterAll(async () => f.cleanup());

  it('U+0000 in a body field → 400 BadRequest naming the field, for every write the issue lists', async () => {
    const hash = syntheticHash(8);
    const cases: [method: 'POST' | 'PATCH', url: string, body: unknown, field: string][] = [
      ['PATCH', `/v1.0/devices/${entraId}`, { displayName: NUL }, 'displayName'],
      ['POST', '/v1.0/devices', { accountEnabled: true, alternativeSecurityIds: [], deviceId: '00000000-0000-4000-8000-000000000008', displayName: NUL, operatingSystem: 'Windows', operatingSystemVersion: '10.0' }, 'displayName'],
      ['POST', '/v1.0/groups', { displayName: NUL, mailEnabled: false, mailNickname: 'n', securityEnabled: true }, 'displayName'],
      ['PATCH', `/v1.0/groups/${groupId}`, { description: NUL }, 'description'],
      ['POST', PROFILES, userDrivenProfileBody({ displayName: NUL, description: '', deviceNameTemplate: '' }), 'displayName'],
      ['PATCH', `${PROFILES}/${profileId}`, { '@odata.type': '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile', description: NUL }, 'description'],
      ['POST', `${DEVICES}/${autopilotId}/updateDeviceProperties`, { groupTag: NUL }, 'groupTag'],
      ['POST', `${DEVICES}/${autopilotId}/assignUserToDevice`, { userPrincipalName: `${NUL}@contoso.onmicrosoft.com`, addressableUserName: 'A' }, 'userPrincipalName'],
      ['POST', `${BETA_DEVICES}/deleteDevices`, { serialNumbers: [serial, NUL] }, 'serialNumbers[1]'],
      ['POST', IMPORTS, { hardwareIdentifier: hash, serialNumber: NUL }, 'serialNumber'],
      [
        'POST',
        `${IMPORTS}/import`,
        { importedWindowsAutopilotDeviceIdentities: [0, 1, 2, 3].map((i) => ({ hardwareIdentifier: syntheticHash(20 + i), ...(i === 3 ? { serialNumber: NUL } : {}) })) },
        'importedWindowsAutopilotDeviceIdentities[3].serialNumber',
      ],
    ];
    for (const [method, url, body, field] of cases) expectGraphRefusal(await f.call(f.contoso, method, url, body), field);
    // Nothing was written: the device keeps its name, the import queued nothing.
    expect((await f.call(f.contoso, 'GET', `/v1.0/devices/${entraId}`)).body.displayName).toBe('plain');
    expect((await f.call(f.contoso, 'GET', `${IMPORTS}?$count=true`)).body['@odata.count']).toBe(1);
  });

  it('U+0000 in a path parameter or a query value → 400 naming it, on every id GET', async () => {
    for (const url of ['/v1.0/groups/%00', '/v1.0/devices/a%00', `${DEVICES}/%00`, `${IMPORTS}/%00`, `${PROFILES}/%00`, '/v1.0/deviceManagement/managedDevices/%00', '/v1.0/organization/%00']) {
      expectGraphRefusal(await f.call(f.contoso, 'GET', url), 'path parameter id');
    }
    const reader = await f.appWithRoles(['User.Read.All']);
    expectGraphRefusal(await f.call(reader, 'GET', '/v1.0/users/%00'), 'path parameter id');
    expectGraphRefusal(await f.call(f.contoso, 'DELETE', `/v1.0/groups/${groupId}/members/x%00/$ref`), 'path parameter memberId');
    expectGraphRefusal(await f.call(f.contoso, 'GET', "/v1.0/groups?$filter=displayName eq 'a%00'"), 'query parameter $filter');
    expectGraphRefusal(await f.call(f.contoso, 'GET', '/v1.0/groups?$search=%22a%00%22'), 'query parameter $search');
  });

  it('an unpaired surrogate anywhere (value or key) → 400 naming it; JSON escapes of a pair are fine', async () => {
    const token = await f.token(f.contoso);
    const patch = async (json: string) => {
      const res = await f.app.inject({ method: 'PATCH', url: `/v1.0/devices/${entraId}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: json });
      return { status: res.statusCode, body: res.body === '' ? undefined : (res.json() as unknown) };
    };
    expectGraphRefusal(await patch('{"displayName":"a\\ud800b"}'), 'displayName');
    expectGraphRefusal(await patch('{"displayName":"\\udc00"}'), 'displayName');
    expectGraphRefusal(await patch('{"extension":{"x\\ud800":1}}'), 'the name of extension["x\\ud800"]');
    expect((await patch('{"displayName":"pair \\ud83d\\ude00"}')).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `/v1.0/devices/${entraId}`)).body.displayName).toBe('pair \u{1F600}');
  });

  it('stores the other control characters (U+0001–U+001F, U+007F) as sent: they read back equal', async () => {
    const controls = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('') + '\u007f';
    expect((await f.call(f.contoso, 'PATCH', `/v1.0/devices/${entraId}`, { displayName: `c${controls}` })).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `/v1.0/devices/${entraId}`)).body.displayName).toBe(`c${controls}`);
    expect((await f.call(f.contoso, 'PATCH', `/v1.0/groups/${groupId}`, { description: controls })).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `/v1.0/groups/${groupId}`)).body.description).toBe(controls);
    expect((await f.call(f.contoso, 'POST', `${DEVICES}/${autopilotId}/updateDeviceProperties`, { displayName: `d\t\u0001` })).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `${DEVICES}/${autopilotId}`)).body.displayName).toBe(`d\t\u0001`);
  });

  it('the device side, the token endpoint and Partner Center refuse U+0000 in their own envelopes', async () => {
    const enroll = await f.app.inject({ method: 'POST', url: '/oobe/v1/enroll', payload: { hardwareHash: syntheticHash(7), userPrincipalName: `${NUL}@contoso.onmicrosoft.com` } });
    expect(enroll.statusCode).toBe(400);
    expect(enroll.json()).toMatchObject({ error: { code: 'InvalidInput', message: expect.stringMatching(/^userPrincipalName contains U\+0000/) } });
    const token = await f.app.inject({
      method: 'POST',
      url: '/common/oauth2/v2.0/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&client_id=a%00b&client_secret=x&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default',
    });
    expect(token.statusCode).toBe(400);
    expect(token.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/^client_id contains U\+0000/) });
    // The sign-in page's own errors are HTML; this one is Entra's JSON (it was "[object Object]" through the page's schema).
    const authorize = await f.app.inject({ method: 'GET', url: '/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=x&nonce=%00' });
    expect(authorize.statusCode).toBe(400);
    expect(authorize.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/^query parameter nonce contains U\+0000/) });
    const pc = await f.app.inject({ method: 'GET', url: '/v1/customers?size=%00', headers: { authorization: `Bearer ${await f.token(f.contoso)}` } });
    expect(pc.statusCode).toBe(401); // a Graph token is refused before the input is read: still ApiFault
    expect(pc.json()).toMatchObject({ code: 900420 });
  });

  it('a path that is not percent-encoded UTF-8 → 400 in the family’s envelope (no FST_ERR_BAD_URL)', async () => {
    const graph = await f.call(f.contoso, 'GET', '/v1.0/groups/%ff%fe');
    expect(graph.status).toBe(400);
    expect(graph.body).toMatchObject({ error: { code: 'BadRequest', message: expect.stringContaining('/v1.0/groups/%ff%fe'), innerError: { date: expect.any(String) } } });
    const pc = await f.app.inject({ method: 'GET', url: '/v1/customers/%ff/deviceBatches' });
    expect([pc.statusCode, pc.json()]).toEqual([400, { code: 3000, description: expect.stringContaining('/v1/customers/%ff'), data: [], source: 'PartnerFD' }]);
    const oobe = await f.app.inject({ method: 'POST', url: '/oobe/v1/%c0', payload: {} });
    expect([oobe.statusCode, oobe.json()]).toEqual([400, { error: { code: 'InvalidInput', message: expect.any(String), innerError: { 'request-id': expect.any(String), date: expect.any(String) } } }]);
    const entra = await f.app.inject({ method: 'POST', url: '/%ff/oauth2/v2.0/token' });
    expect([entra.statusCode, entra.json().error]).toEqual([400, 'invalid_request']);
    const kerberos = await f.app.inject({ method: 'GET', url: '/%ff/kerberos' });
    expect([kerberos.statusCode, kerberos.json().error]).toEqual([400, 'invalid_request']);
  });

  it('/oobe/v1: a body it cannot read, one that fails the schema and an unknown path answer in the device side’s envelope', async () => {
    const envelope = (code: string, message: RegExp) => ({ error: { code, message: expect.stringMatching(message), innerError: { 'request-id': expect.any(String), date: expect.any(String) } } });
    const post = (payload: string, type = 'application/json', url = '/oobe/v1/profile') => f.app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload });
    const notJson = await post('{"hardwareHash":');
    expect([notJson.statusCode, notJson.json()]).toEqual([400, envelope('InvalidInput', /not valid JSON/)]);
    const notObject = await post('[]');
    expect([notObject.statusCode, notObject.json()]).toEqual([400, envelope('InvalidInput', /^The request is not valid: body must be object\.$/)]);
    const xml = await post('<x/>', 'application/xml');
    expect([xml.statusCode, xml.json()]).toEqual([415, envelope(expect.any(String), /content-type/i)]);
    expect(xml.json().error.innerError).not.toHaveProperty('client-request-id'); // Graph's, not the device side's
    const unknown = await post('{}', 'application/json', '/oobe/v1/nothing-here');
    expect([unknown.statusCode, unknown.json()]).toEqual([404, envelope(expect.any(String), /no device endpoint for POST \/oobe\/v1\/nothing-here/)]);
  });

  it('unknown paths under /v1 and the identity paths answer in their family’s envelope, token or not', async () => {
    const pc = await f.app.inject({ method: 'GET', url: '/v1/deviceBatches' });
    expect([pc.statusCode, pc.json()]).toEqual([401, { code: expect.any(Number), description: expect.stringContaining('Authorization'), data: [], source: 'PartnerFD' }]);
    const entra = await f.app.inject({ method: 'GET', url: '/contoso.onmicrosoft.com/oauth2/v2.0/nothing-here' });
    expect([entra.statusCode, entra.json().error]).toEqual([404, 'invalid_request']);
  });

  it('a malformed escape inside an id or a URL given in the query is not a 500 (the fuzz suite found /users/%25ff)', async () => {
    const reader = await f.appWithRoles(['User.Read.All']);
    const user = await f.call(reader, 'GET', '/v1.0/users/%25ff');
    expect([user.status, user.body.error.code]).toEqual([404, 'Request_ResourceNotFound']);
    const endpoint = encodeURIComponent('http://localhost:80/%ff/oauth2/v2.0/authorize');
    const discovery = await f.app.inject({ method: 'GET', url: `/common/discovery/instance?api-version=1.1&authorization_endpoint=${endpoint}` });
    expect([discovery.statusCode, discovery.json().error]).toEqual([400, 'invalid_instance']);
  });

  it('a 1,000-character id reaches its route (404); a segment over 1,024 characters → 414 in the envelope', async () => {
    const long = await f.call(f.contoso, 'GET', `/v1.0/groups/${'a'.repeat(1000)}`);
    expect([long.status, long.body.error.code]).toEqual([404, 'Request_ResourceNotFound']);
    // Fastify's default limit, 100 characters, refused a long user principal name with 414.
    const upn = await f.call(await f.appWithRoles(['User.Read.All']), 'GET', `/v1.0/users/${'u'.repeat(200)}@contoso.onmicrosoft.com`);
    expect([upn.status, upn.body.error.code]).toEqual([404, 'Request_ResourceNotFound']);
    const tooLong = await f.call(f.contoso, 'GET', `/v1.0/groups/${'a'.repeat(1100)}`);
    expect([tooLong.status, tooLong.body.error.code]).toEqual([414, 'RequestUriTooLong']);
    const pc = await f.app.inject({ method: 'GET', url: `/v1/customers/${'c'.repeat(1100)}` });
    expect([pc.statusCode, pc.json().code]).toEqual([414, 3000]);
  });

  describe('on a listening server', () => {
    let port: number;
    beforeAll(async () => {
      await f.app.listen({ host: '127.0.0.1', port: 0 });
      port = (f.app.server.address() as { port: number }).port;
    });

    it('a URL over the header limit (a long $filter) → 431 in the family’s envelope, not Fastify’s', async () => {
      const filter = encodeURIComponent(`displayName eq '${'x'.repeat(17_000)}'`);
      const graph = await raw(port, `GET /v1.0/groups?$filter=${filter} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      expect(graph.status).toBe(431);
      expect(JSON.parse(graph.body)).toMatchObject({ error: { code: 'RequestHeaderFieldsTooLarge', message: expect.stringContaining('KB'), innerError: { 'request-id': expect.any(String) } } });
      const pc = await raw(port, `GET /v1/customers?filter=${'x'.repeat(17_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      expect([pc.status, JSON.parse(pc.body)]).toEqual([431, { code: 3000, description: expect.any(String), data: [], source: 'PartnerFD' }]);
      const entra = await raw(port, `POST /common/oauth2/v2.0/token?x=${'x'.repeat(17_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      expect([entra.status, JSON.parse(entra.body).error]).toEqual([431, 'invalid_request']);
    });

    it('an unknown method or a malformed Content-Type → 400 in the family’s envelope, not {"error":"Bad Request","message":"Client Error"}', async () => {
      const method = await raw(port, 'FROB /v1.0/groups HTTP/1.1\r\nHost: localhost\r\n\r\n');
      expect(method.status).toBe(400);
      expect(JSON.parse(method.body)).toMatchObject({ error: { code: 'BadRequest', message: expect.stringContaining('method') } });
      const header = await raw(port, 'POST /oobe/v1/enroll HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/\u0001json\r\nContent-Length: 2\r\n\r\n{}');
      expect(header.status).toBe(400);
      expect(JSON.parse(header.body)).toMatchObject({ error: { code: 'InvalidInput', message: expect.stringContaining('not valid HTTP') } });
      expect(header.headers).toMatch(/content-type: application\/json/i);
    });
  });
});
