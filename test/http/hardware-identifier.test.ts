// Tarmac's extension GET /tarmac/v1.0/windowsAutopilotDeviceIdentities/{id}/hardwareIdentifier on both engines: the
// hash a device was imported with (built by the fixtures' encoder, imported through Graph and the import worker),
// decodable again by src/hash; null for a partner's hash-less (product key) registration; 404 for another tenant's or
// an unknown id, 403 without a read permission; an app's token and a signed-in user's alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import { createUser } from '../../src/tenants/index.js';
import { grantedPermissions, issueDelegatedAccessToken, parseScope } from '../../src/tokens/index.js';
import { DEVICES, IMPORTS } from '../support/graph-paths.js';
import { partnerFixture, type PartnerFixture } from '../support/partner-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const PATH = (id: string) => `/tarmac/v1.0/windowsAutopilotDeviceIdentities/${id}/hardwareIdentifier`;

describe.each(ENGINES)('the registered hardware hash (Tarmac extension) on %s', (engine) => {
  let f: PartnerFixture;
  let deviceId: string;

  async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 500; i++) {
      const value = await read();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${what} did not happen`);
  }

  beforeAll(async () => {
    f = await partnerFixture(engine);
    const imported = await f.call(f.contoso, 'POST', `${IMPORTS}/import`, {
      importedWindowsAutopilotDeviceIdentities: [{ serialNumber: syntheticInventory(4711).system.serialNumber, hardwareIdentifier: syntheticHash(4711), groupTag: 'Hash' }],
    });
    expect(imported.status).toBe(200);
    const rowId = imported.body.value[0].id as string;
    deviceId = await until('the import', async () => {
      const row = (await f.call(f.contoso, 'GET', `${IMPORTS}/${rowId}`)).body;
      return row.state.deviceImportStatus === 'complete' ? (row.state.deviceRegistrationId as string) : undefined;
    });
  }, 60_000);
  afterAll(async () => f.cleanup());

  it('answers the imported hash, which src/hash decodes back to the device', async () => {
    const res = await f.call(f.contoso, 'GET', PATH(deviceId));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      '@odata.context': expect.stringMatching(new RegExp(`/tarmac/v1\\.0/\\$metadata#windowsAutopilotDeviceIdentities\\('${deviceId}'\\)/hardwareIdentifier$`)),
      id: deviceId,
      hardwareIdentifier: syntheticHash(4711),
    });
    const decoded = decodeHardwareHash(res.body.hardwareIdentifier as string);
    expect(JSON.stringify(decoded)).toContain(syntheticInventory(4711).system.serialNumber);
    // The id in any case, as the other Autopilot routes take it.
    expect((await f.call(f.contoso, 'GET', PATH(deviceId.toUpperCase()))).body.id).toBe(deviceId);
  });

  it("answers Graph's 404 for another tenant's device and an unknown id, 403 without a read permission", async () => {
    for (const [who, id] of [
      [f.fabrikam, deviceId],
      [f.contoso, '00000000-0000-4000-8000-000000000099'],
      [f.contoso, 'not-a-device'],
    ] as const) {
      const res = await f.call(who, 'GET', PATH(id));
      expect(res.status, id).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'ResourceNotFound', message: expect.stringContaining('windowsAutopilotDeviceIdentity') });
    }
    const groupsOnly = await f.appWithRoles(['Group.Read.All']);
    const denied = await f.call(groupsOnly, 'GET', PATH(deviceId));
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('Authorization_RequestDenied');
    expect(denied.body.error.message).toContain('DeviceManagementServiceConfig.Read.All');
  });

  it("accepts a signed-in user's delegated token (a Global Reader reads)", async () => {
    const { user } = await createUser(f.store, { tenant: f.contoso.tenant.id, userPrincipalName: `reader-${engine}@contoso.onmicrosoft.com`, roles: ['Global Reader'], password: 'Global-reader-pass-1' });
    const { accessToken } = await issueDelegatedAccessToken(
      f.app.keyRing,
      { tenant: f.contoso.tenant, app: f.contoso.app, user, scopes: grantedPermissions(parseScope('.default'), user) },
      f.app.now(),
    );
    const res = await f.app.inject({ method: 'GET', url: PATH(deviceId), headers: { authorization: `Bearer ${accessToken}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().hardwareIdentifier).toBe(syntheticHash(4711));
  });

  it('answers null for a device a partner registered by product key, not booted yet', async () => {
    await f.relate(f.csp, f.contoso);
    const pkid = '3300000004711';
    const created = await f.pc(f.csp, 'POST', `/v1/customers/${f.contoso.tenant.id}/deviceBatches`, { batchId: 'No hash', devices: [{ productKey: pkid }] });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const id = await until('the partner registration', async () => {
      const list = await f.call(f.contoso, 'GET', `${DEVICES}?$filter=${encodeURIComponent("groupTag eq 'No hash'")}`);
      return (list.body.value as { id: string }[])[0]?.id;
    });
    const res = await f.call(f.contoso, 'GET', PATH(id));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id, hardwareIdentifier: null });
  });
});
