// Partner Center configuration policies (/v1/customers/{customer-id}/policies) on SQLite and PostgreSQL: the wire shape
// of ConfigurationPolicy, the SDK's PascalCase bodies, validation in ApiFault (400 3000 naming the field), the
// relationship check (403 20002) and customer isolation (404 1000) — and what a device gets at OOBE: its Intune
// profile when it has one, else a profile built from its Partner Center policy, else the default document.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceIdentity, encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import { registryKeys } from '../../src/registry/identity-keys.js';
import { newAutopilotDevice } from '../../src/registry/new-device.js';
import { newEntraDevice } from '../../src/registry/new-entra-device.js';
import type { CreatedTenant } from '../../src/tenants/index.js';
import { PROFILES, allDevicesProfile, device } from '../support/device-side.js';
import { partnerFixture, type PartnerFixture } from '../support/partner-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';

const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;

describe.each(ENGINES)('Partner Center configuration policies on %s', (engine) => {
  let f: PartnerFixture;
  let contosoPath: string;
  beforeAll(async () => {
    f = await partnerFixture(engine, { importWorker: false });
    await f.relate(f.csp, f.contoso);
    await f.relate(f.csp, f.fabrikam);
    contosoPath = `/v1/customers/${f.contoso.tenant.id}/policies`;
  });
  afterAll(async () => f.cleanup());

  /** A device the partner registered for `customer` (written through the store, as the Partner Center worker does). */
  async function partnerDevice(customer: CreatedTenant, seed: number): Promise<string> {
    const inventory = syntheticInventory(seed);
    const serial = inventory.system.serialNumber ?? '';
    const now = f.app.now().toISOString();
    const id = randomUUID();
    const entra = newEntraDevice({ tenantId: customer.tenant.id, displayName: serial, autopilotDeviceId: id, physicalIds: [`[ZTDID]:${id}`] }, now);
    const registered = newAutopilotDevice(
      {
        id,
        tenantId: customer.tenant.id,
        serialNumber: serial,
        productKey: '',
        azureAdDeviceId: entra.deviceId,
        manufacturer: inventory.system.manufacturer ?? '',
        model: inventory.system.model ?? '',
        registeredBy: 'partner',
        registeredByTenantId: f.csp.tenant.id,
      },
      now,
    );
    await f.app.registry.store.devices.register([
      { device: registered, hardwareHash: Buffer.from(encodeHardwareHash(inventory).bytes), keys: registryKeys(deviceIdentity(inventory), serial), entra },
    ]);
    return id;
  }

  it('creates (200, not 201), lists, gets, updates and deletes in ConfigurationPolicy shape', async () => {
    const created = await f.pc(f.csp, 'POST', contosoPath, {
      name: 'Contoso standard',
      category: 'o_o_b_e',
      description: 'Standard users, no EULA',
      policySettings: ['skip_eula', 'oobe_user_not_local_admin'],
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Contoso standard',
      category: 'o_o_b_e',
      description: 'Standard users, no EULA',
      devicesAssignedCount: 0,
      policySettings: ['oobe_user_not_local_admin', 'skip_eula'],
      createdDate: expect.stringMatching(DATE),
      lastModifiedDate: expect.stringMatching(DATE),
      attributes: { objectType: 'ConfigurationPolicy' },
    });
    const id = created.body.id as string;

    const list = await f.pc(f.csp, 'GET', contosoPath);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ totalCount: 1, items: [created.body], links: {}, attributes: { objectType: 'Collection' } });
    expect((await f.pc(f.csp, 'GET', `${contosoPath}/${id}`)).body).toEqual(created.body);
    // The SDK's path spelling is canonicalised like every Partner Center path.
    expect((await f.pc(f.csp, 'GET', `/v1/customers/${f.contoso.tenant.id}/Policies/${id.toUpperCase()}`)).status).toBe(200);

    f.clock.offsetMs += 5_000;
    const updated = await f.pc(f.csp, 'PUT', `${contosoPath}/${id}`, { ...created.body, name: 'Renamed', policySettings: ['skip_express_settings'] });
    f.clock.offsetMs -= 5_000;
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, name: 'Renamed', description: 'Standard users, no EULA', policySettings: ['skip_express_settings'], createdDate: created.body.createdDate });
    expect(updated.body.lastModifiedDate).not.toBe(created.body.lastModifiedDate);
    expect((await f.pc(f.csp, 'GET', `${contosoPath}/${id}`)).body).toEqual(updated.body);

    const deleted = await f.app.inject({ method: 'DELETE', url: `${contosoPath}/${id}`, headers: { authorization: `Bearer ${await f.pcToken(f.csp)}`, 'content-type': 'application/json' } });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    const gone = await f.pc(f.csp, 'GET', `${contosoPath}/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: 1000, source: 'PartnerFD' });
    expect((await f.pc(f.csp, 'DELETE', `${contosoPath}/${id}`)).body.code).toBe(1000);
  });

  it("reads the SDK's PascalCase body (Category none, CreatedDate, nulls, devicesAssigned) and flag integers", async () => {
    const sdk = await f.pc(f.csp, 'POST', contosoPath, {
      Id: null,
      Name: 'From the SDK',
      Category: 'none',
      Description: null,
      DevicesAssigned: 7,
      DevicesAssignedCount: 9,
      PolicySettings: ['SkipOemRegistration', 'skip_express_settings', 'remove_oem_preinstalls'],
      CreatedDate: '0001-01-01T00:00:00',
      LastModifiedDate: '0001-01-01T00:00:00',
      Attributes: { ObjectType: 'ConfigurationPolicy' },
    });
    expect(sdk.status).toBe(200);
    expect(sdk.body).toMatchObject({
      name: 'From the SDK',
      category: 'o_o_b_e',
      description: '',
      devicesAssignedCount: 0,
      policySettings: ['remove_oem_preinstalls', 'skip_express_settings', 'skip_oem_registration'],
    });
    expect(sdk.body.createdDate).not.toMatch(/^0001/);
    const flags = await f.pc(f.csp, 'POST', contosoPath, { name: 'Flags', policySettings: 2 + 16 });
    expect(flags.body.policySettings).toEqual(['oobe_user_not_local_admin', 'skip_eula']);
    const none = await f.pc(f.csp, 'POST', contosoPath, { name: 'Nothing', policySettings: ['none'] });
    expect([none.status, none.body.policySettings]).toEqual([200, []]);
    // PUT with PascalCase, only some fields: the others stay.
    const put = await f.pc(f.csp, 'PUT', `${contosoPath}/${flags.body.id}`, { Id: flags.body.id, Description: 'now described', Category: 'o_o_b_e' });
    expect(put.body).toMatchObject({ name: 'Flags', description: 'now described', policySettings: ['oobe_user_not_local_admin', 'skip_eula'] });
  });

  it('refuses bad input with 400 3000 naming the field', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ policySettings: ['skip_eula'] }, 'name', /name is required/],
      [{ name: '  ', policySettings: ['skip_eula'] }, 'name', /name is required/],
      [{ name: 'x' }, 'policySettings', /policySettings is required/],
      [{ name: 'x', policySettings: ['skip_eula', 'skip_cortana', 'hide_everything'] }, 'policySettings', /'skip_cortana', 'hide_everything' are not PolicySettingsType names/],
      [{ name: 'x', policySettings: [64] }, 'policySettings', /64 is not a combination/],
      [{ name: 'x', policySettings: [{}] }, 'policySettings', /must be an array of PolicySettingsType names/],
      [{ name: 'x', category: 'compliance', policySettings: [] }, 'category', /is not a PolicyCategory/],
      [{ name: 'x', description: 5, policySettings: [] }, 'description', /description must be a string/],
      [[1, 2], 'body', /must be a ConfigurationPolicy JSON object/],
    ];
    for (const [body, field, message] of cases) {
      const res = await f.pc(f.csp, 'POST', contosoPath, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body, JSON.stringify(body)).toMatchObject({ code: 3000, data: [field], source: 'PartnerFD' });
      expect(res.body.description).toMatch(message);
    }
    const empty = await f.app.inject({ method: 'POST', url: contosoPath, headers: { authorization: `Bearer ${await f.pcToken(f.csp)}`, 'content-type': 'application/json' } });
    expect([empty.statusCode, empty.json().code, empty.json().data]).toEqual([400, 3000, ['body']]);

    const target = (await f.pc(f.csp, 'POST', contosoPath, { name: 'Target', policySettings: [] })).body.id as string;
    const wrongId = await f.pc(f.csp, 'PUT', `${contosoPath}/${target}`, { id: randomUUID(), name: 'x' });
    expect(wrongId.body).toMatchObject({ code: 3000, data: ['id'] });
    const wrongSettings = await f.pc(f.csp, 'PUT', `${contosoPath}/${target}`, { PolicySettings: ['skip_everything'] });
    expect(wrongSettings.body).toMatchObject({ code: 3000, data: ['policySettings'] });
    expect((await f.pc(f.csp, 'GET', `${contosoPath}/${target}`)).body.name).toBe('Target');
  });

  it('403 20002 without a relationship; another customer’s policy is 404 1000 through this customer’s path', async () => {
    const noRelationship = await f.pc(f.csp2, 'GET', contosoPath);
    expect(noRelationship.status).toBe(403);
    expect(noRelationship.body.code).toBe(20002);
    expect((await f.pc(f.csp2, 'POST', contosoPath, { name: 'x', policySettings: [] })).body.code).toBe(20002);

    const fabrikamPath = `/v1/customers/${f.fabrikam.tenant.id}/policies`;
    const fabrikams = await f.pc(f.csp, 'POST', fabrikamPath, { name: 'Fabrikam only', policySettings: ['skip_eula'] });
    expect(fabrikams.status).toBe(200);
    const id = fabrikams.body.id as string;
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { name: 'hijacked' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await f.pc(f.csp, method, `${contosoPath}/${id}`, body);
      expect(res.status, method).toBe(404);
      expect(res.body.code, method).toBe(1000);
    }
    expect((await f.pc(f.csp, 'GET', contosoPath)).body.items.map((p: { id: string }) => p.id)).not.toContain(id);
    expect((await f.pc(f.csp, 'GET', `${fabrikamPath}/${id}`)).body).toMatchObject({ name: 'Fabrikam only' });
    // Policies are the customer's: another partner it relates to sees them too (Partner Center: any CSP's devices and profiles).
    await f.relate(f.csp2, f.fabrikam);
    expect((await f.pc(f.csp2, 'GET', `${fabrikamPath}/${id}`)).status).toBe(200);
  });

  it('OOBE: the Intune profile wins; a Partner Center policy applies only without one; neither gives the default document', async () => {
    // Fabrikam has no Intune profile assigned: its devices show the Partner Center side.
    const fabrikamPath = `/v1/customers/${f.fabrikam.tenant.id}/policies`;
    const policy = await f.pc(f.csp, 'POST', fabrikamPath, {
      name: 'Partner standard',
      policySettings: ['oobe_user_not_local_admin', 'skip_express_settings', 'skip_eula', 'remove_oem_preinstalls'],
    });
    const withPolicy = await partnerDevice(f.fabrikam, 9001);
    await partnerDevice(f.fabrikam, 9002);
    expect(await f.app.registry.store.partnerPolicies.applyToDevices(f.fabrikam.tenant.id, [withPolicy], policy.body.id as string, f.app.now().toISOString())).toBe(1);
    expect((await f.pc(f.csp, 'GET', `${fabrikamPath}/${policy.body.id}`)).body.devicesAssignedCount).toBe(1);

    const fromPolicy = await device(f, 'profile', { hardwareHash: syntheticHash(9001) });
    expect(fromPolicy.status).toBe(200);
    expect(fromPolicy.body).toEqual({
      Version: 2049,
      CloudAssignedTenantId: f.fabrikam.tenant.id,
      CloudAssignedTenantDomain: 'fabrikam.onmicrosoft.com',
      // 256 (always set) + 2 user not local admin + 4 skip express settings + 16 skip EULA; remove_oem_preinstalls has no bit.
      CloudAssignedOobeConfig: 256 + 2 + 4 + 16,
      CloudAssignedDomainJoinMethod: 0,
      CloudAssignedForcedEnrollment: 1,
      ZtdCorrelationId: policy.body.id,
      CloudAssignedAadServerData: JSON.stringify({ ZeroTouchConfig: { CloudAssignedTenantUpn: '', ForcedEnrollment: 1, CloudAssignedTenantDomain: 'fabrikam.onmicrosoft.com' } }),
      Comment_File: 'Partner Center profile Partner standard',
    });
    const neither = await device(f, 'profile', { hardwareHash: syntheticHash(9002) });
    expect(neither.body).toMatchObject({ ZtdCorrelationId: '00000000-0000-0000-0000-000000000000', Comment_File: expect.stringContaining('No deployment profile') });

    // Editing the policy changes what the device gets at its next OOBE.
    await f.pc(f.csp, 'PUT', `${fabrikamPath}/${policy.body.id}`, { policySettings: ['skip_oem_registration'] });
    expect((await device(f, 'profile', { hardwareHash: syntheticHash(9001) })).body.CloudAssignedOobeConfig).toBe(256 + 8);

    // An Intune profile assigned to all of Fabrikam's devices wins over the Partner Center policy.
    const intune = await allDevicesProfile(f, f.fabrikam, { displayName: 'Intune standard' });
    const both = await device(f, 'profile', { hardwareHash: syntheticHash(9001) });
    expect(both.body).toMatchObject({ ZtdCorrelationId: intune, Comment_File: 'Profile Intune standard' });
    expect((await device(f, 'profile', { hardwareHash: syntheticHash(9002) })).body.ZtdCorrelationId).toBe(intune);

    // Without the Intune profile the policy applies again; deleting the policy leaves the default document.
    expect((await f.call(f.fabrikam, 'DELETE', `${PROFILES}/${intune}/assignments/${intune}_adadadad-808e-44e2-905a-0b7873a8a531`)).status).toBe(204);
    expect((await device(f, 'profile', { hardwareHash: syntheticHash(9001) })).body.ZtdCorrelationId).toBe(policy.body.id);
    expect((await f.pc(f.csp, 'DELETE', `${fabrikamPath}/${policy.body.id}`)).status).toBe(204);
    expect((await f.app.registry.store.devices.find(f.fabrikam.tenant.id, withPolicy))?.partnerPolicyId).toBeNull();
    expect((await device(f, 'profile', { hardwareHash: syntheticHash(9001) })).body.ZtdCorrelationId).toBe('00000000-0000-0000-0000-000000000000');
  });
});
