// DevicePolicyUpdates (applying or removing a Partner Center policy on devices), on SQLite and PostgreSQL: the
// request read in any case, per-device outcomes (partner devices only) in the job that batchJobStatus reports,
// removal, an unknown policy refused, MS-RequestId retries; and the route (PATCH …/DevicePolicyUpdates → 202 +
// Location).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceIdentity, encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import {
  PartnerError,
  readDevicePolicyUpdate,
  updateDevicePolicies,
  type DevicePolicyUpdateStore,
} from '../../src/partners/index.js';
import { registryKeys } from '../../src/registry/identity-keys.js';
import { newAutopilotDevice } from '../../src/registry/new-device.js';
import type { RegistrationOrigin } from '../../src/model/index.js';
import type { CreatedTenant } from '../../src/tenants/index.js';
import { partnerFixture, type PartnerFixture } from '../support/partner-fixture.js';
import { ENGINES } from '../support/registry-fixture.js';

describe.each(ENGINES)('DevicePolicyUpdates on %s', (engine) => {
  let f: PartnerFixture;
  let policyId: string;
  let store: DevicePolicyUpdateStore;

  beforeAll(async () => {
    f = await partnerFixture(engine, { importWorker: false });
    await f.relate(f.csp, f.contoso);
    store = f.app.registry.store;
    policyId = (await f.pc(f.csp, 'POST', `/v1/customers/${f.contoso.tenant.id}/policies`, { name: 'Standard', policySettings: ['skip_eula'] })).body.id as string;
  });
  afterAll(async () => f.cleanup());

  async function registered(customer: CreatedTenant, seed: number, registeredBy: RegistrationOrigin): Promise<string> {
    const inventory = syntheticInventory(seed);
    const serial = inventory.system.serialNumber ?? '';
    const id = randomUUID();
    const device = newAutopilotDevice(
      { id, tenantId: customer.tenant.id, serialNumber: serial, productKey: '', azureAdDeviceId: null, registeredBy, registeredByTenantId: registeredBy === 'customer' ? null : f.csp.tenant.id },
      f.app.now().toISOString(),
    );
    await f.app.registry.store.devices.register([{ device, hardwareHash: Buffer.from(encodeHardwareHash(inventory).bytes), keys: registryKeys(deviceIdentity(inventory), serial) }]);
    return id;
  }

  it('applies the policy to partner devices, settles every device in the job, removes it with value null', async () => {
    const partner = await registered(f.contoso, 7001, 'partner');
    const own = await registered(f.contoso, 7002, 'customer');
    const foreign = await registered(f.fabrikam, 7003, 'partner');
    const body = {
      Devices: [
        { Id: partner, Policies: [{ Key: 'o_o_b_e', Value: policyId.toUpperCase() }] },
        { id: own, policies: [{ key: 'o_o_b_e', value: policyId }] },
        { id: foreign, policies: [{ key: 'o_o_b_e', value: policyId }] },
      ],
    };
    const job = await updateDevicePolicies(store, { customerTenantId: f.contoso.tenant.id, partnerTenantId: f.csp.tenant.id, requestId: 'req-1', body }, f.app.now());
    expect(job).toMatchObject({ kind: 'policyUpdate', customerTenantId: f.contoso.tenant.id, submittedByTenantId: f.csp.tenant.id, deviceCount: 3, requestId: 'req-1' });
    expect(await f.app.registry.store.jobs.results(job.id)).toEqual([
      expect.objectContaining({ position: 0, deviceId: partner, status: 'finished', errorCode: null }),
      expect.objectContaining({ position: 1, deviceId: own, status: 'finished_with_errors', errorCode: '2032' }),
      expect.objectContaining({ position: 2, deviceId: foreign, status: 'finished_with_errors', errorCode: '1000' }),
    ]);
    expect((await f.app.registry.store.devices.find(f.contoso.tenant.id, partner))?.partnerPolicyId).toBe(policyId);
    expect((await f.app.registry.store.devices.find(f.contoso.tenant.id, own))?.partnerPolicyId).toBeNull();
    expect((await f.app.registry.store.devices.find(f.fabrikam.tenant.id, foreign))?.partnerPolicyId).toBeNull();
    expect((await f.pc(f.csp, 'GET', `/v1/customers/${f.contoso.tenant.id}/policies/${policyId}`)).body.devicesAssignedCount).toBe(1);

    // A retry with the same MS-RequestId gets the same job and records nothing new.
    const again = await updateDevicePolicies(store, { customerTenantId: f.contoso.tenant.id, partnerTenantId: f.csp.tenant.id, requestId: 'req-1', body }, f.app.now());
    expect(again.id).toBe(job.id);

    const removed = await updateDevicePolicies(
      store,
      { customerTenantId: f.contoso.tenant.id, partnerTenantId: f.csp.tenant.id, requestId: null, body: { devices: [{ id: partner, policies: [{ key: 'o_o_b_e', value: null }] }] } },
      f.app.now(),
    );
    expect((await f.app.registry.store.jobs.results(removed.id))[0]).toMatchObject({ status: 'finished' });
    expect((await f.app.registry.store.devices.find(f.contoso.tenant.id, partner))?.partnerPolicyId).toBeNull();
  });

  it('refuses an unknown policy (404 naming the value) and malformed requests (400 naming the field), changing nothing', async () => {
    const partner = await registered(f.contoso, 7010, 'partner');
    const unknown = updateDevicePolicies(
      store,
      { customerTenantId: f.contoso.tenant.id, partnerTenantId: f.csp.tenant.id, requestId: 'req-unknown', body: { devices: [{ id: partner, policies: [{ key: 'o_o_b_e', value: randomUUID() }] }] } },
      f.app.now(),
    );
    await expect(unknown).rejects.toMatchObject({ code: 'NotFound', data: ['devices[0].policies[0].value'] });
    expect(await f.app.registry.store.jobs.findByRequestId(f.csp.tenant.id, 'req-unknown')).toBeUndefined();
    const bad: [unknown, string][] = [
      [{}, 'devices'],
      [{ devices: [] }, 'devices'],
      [{ devices: [{ policies: [] }] }, 'devices[0].id'],
      [{ devices: [{ id: 'x', policies: {} }] }, 'devices[0].policies'],
      [{ devices: [{ id: 'x', policies: [{ key: 'compliance', value: 'y' }] }] }, 'devices[0].policies[0].key'],
      [{ devices: [{ id: 'x', policies: [{ key: 'o_o_b_e', value: 5 }] }] }, 'devices[0].policies[0].value'],
    ];
    for (const [body, field] of bad) {
      let error: unknown;
      try {
        readDevicePolicyUpdate(body);
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(body)).toBeInstanceOf(PartnerError);
      expect((error as PartnerError).data, JSON.stringify(body)).toEqual([field]);
    }
    expect(readDevicePolicyUpdate({ devices: [{ id: 'd', policies: [] }, { id: 'e', policies: [{ key: 'OOBE', value: '' }] }] })).toEqual([
      { deviceId: 'd', policyId: null },
      { deviceId: 'e', policyId: null },
    ]);
  });

  it('PATCH DevicePolicyUpdates answers 202 with the Location of a batch status that reports every device', async () => {
    const partner = await registered(f.contoso, 7020, 'partner');
    const res = await f.pc(f.csp, 'PATCH', `/v1/customers/${f.contoso.tenant.id}/devicepolicyupdates`, {
      Devices: [{ Id: partner, Policies: [{ Key: 'o_o_b_e', Value: policyId }] }, { Id: 'no-such-device', Policies: [{ Key: 'o_o_b_e', Value: policyId }] }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toBeUndefined();
    const location = String(res.headers['location']);
    expect(location).toMatch(new RegExp(`^/customers/${f.contoso.tenant.id}/batchJobStatus/[0-9a-f-]{36}$`));
    const status = await f.pc(f.csp, 'GET', `/v1${location}`);
    expect(status.status).toBe(200);
    expect(status.body.status).toBe('finished');
    expect(status.body.devicesStatus.map((d: { deviceId: string; status: string; errorCode: string | null }) => [d.deviceId, d.status, d.errorCode])).toEqual([
      [partner, 'finished', null],
      ['no-such-device', 'finished_with_errors', '1000'],
    ]);
    expect((await f.pc(f.csp2, 'PATCH', `/v1/customers/${f.contoso.tenant.id}/DevicePolicyUpdates`, { devices: [] })).status).toBe(403);
  });
});
