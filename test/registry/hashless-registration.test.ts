// Partner Center and OEM registrations without a hash, through the one import worker on both engines: by product key
// ID or by the (manufacturer, model, serial) tuple, with who registered them; 806/808 on the same key (the tuple key
// is the codec's, so normalised: a case-only difference collides); customer rows still need a hash; 803 for an
// unusable PKID or tuple.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceIdentity, syntheticInventory } from '../../src/hash/index.js';
import { ImportWorker, registryKeys } from '../../src/registry/index.js';
import type { Store } from '../../src/ports.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { ENGINES, registryFixture, syntheticHash, type RegistryFixture } from '../support/registry-fixture.js';
import { insertPartnerRows, rowOutcomes, type PartnerRow, type RowOutcome } from '../support/partner-rows.js';

afterAll(dropPostgresFileDatabase);

async function registerRows(f: RegistryFixture, tenantId: string, rows: PartnerRow[]): Promise<RowOutcome[]> {
  const made = await insertPartnerRows(f.store, tenantId, rows);
  await drain(f.store);
  return rowOutcomes(f.db, made.map((r) => r.id));
}

async function drain(store: Store): Promise<void> {
  const worker = new ImportWorker(store, { pollIntervalMs: 60_000 });
  worker.start();
  await worker.idle();
  await worker.stop();
}

describe.each(ENGINES)('registration without a hash (%s)', (engine) => {
  let f: RegistryFixture;
  let contoso: string;
  let fabrikam: string;
  const partnerTenant = randomUUID();
  beforeEach(async () => {
    f = await registryFixture(engine);
    contoso = f.contoso.tenant.id;
    fabrikam = f.fabrikam.tenant.id;
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('a tuple-only and a PKID-only partner row register: exact values kept, registeredBy partner, no hash, the codec’s key', async () => {
    const batchId = randomUUID();
    const [byTuple, byPkid] = await registerRows(f, contoso, [
      { manufacturer: 'Dell Inc.', model: 'Precision 3590', serialNumber: 'ab12Cd', groupTag: 'Sales', originTenantId: partnerTenant, batchId },
      { productKey: '3302492178918', serialNumber: 'SN-PK-1', origin: 'oem', originTenantId: partnerTenant },
    ]);
    expect(byTuple).toMatchObject({ status: 'complete', deviceErrorCode: 0 });
    expect(byPkid).toMatchObject({ status: 'complete', deviceErrorCode: 0 });
    const tupleDevice = await f.store.devices.find(contoso, byTuple.deviceRegistrationId ?? '');
    expect(tupleDevice).toMatchObject({
      manufacturer: 'Dell Inc.',
      model: 'Precision 3590',
      serialNumber: 'ab12Cd',
      productKey: '',
      groupTag: 'Sales',
      registeredBy: 'partner',
      registeredByTenantId: partnerTenant,
      partnerBatchId: batchId,
      enrollmentState: 'notContacted',
    });
    const pkidDevice = await f.store.devices.find(contoso, byPkid.deviceRegistrationId ?? '');
    expect(pkidDevice).toMatchObject({ productKey: '3302492178918', serialNumber: 'SN-PK-1', registeredBy: 'oem', registeredByTenantId: partnerTenant, partnerBatchId: null });
    expect(await f.store.devices.hardwareHash(contoso, tupleDevice?.id ?? '')).toBeUndefined();
    expect(await f.store.devices.hardwareHash(contoso, pkidDevice?.id ?? '')).toBeUndefined();
    // The tuple key is the one a hash with these SMBIOS values yields (normalised), the PKID key the digits.
    const inv = syntheticInventory(1, { system: { manufacturer: 'Dell Inc.', model: 'Precision 3590', serialNumber: 'ab12Cd' } });
    const tupleKey = registryKeys(deviceIdentity(inv), '').find((k) => k.kind === 'tuple');
    expect(tupleKey).toEqual({ kind: 'tuple', value: 'DELL INC.|PRECISION 3590|AB12CD' });
    expect((await f.store.identityKeys.owners([tupleKey!])).map((o) => o.deviceId)).toEqual([tupleDevice?.id]);
    expect((await f.store.identityKeys.owners([{ kind: 'pkid', value: '3302492178918' }])).map((o) => o.deviceId)).toEqual([pkidDevice?.id]);
    // Only those keys: a PKID with a serial number beside it is registered by the PKID alone.
    expect(await f.store.identityKeys.owners([{ kind: 'serial', value: 'SN-PK-1' }])).toEqual([]);
    // The pre-created Entra object is named after the serial number, as for any registration.
    expect((await f.store.entra.findByAutopilotDevice(contoso, tupleDevice?.id ?? ''))?.physicalIds).toEqual([`[ZTDID]:${tupleDevice?.id}`, '[OrderID]:Sales']);
  });

  it('the same tuple (in any letter case) or PKID again: 806 in the same tenant, 808 in another; a hash of the device too', async () => {
    await registerRows(f, contoso, [
      { manufacturer: 'HP', model: 'EliteBook 840 G8', serialNumber: '5CG1234XYZ' },
      { productKey: '3302492178918' },
    ]);
    const same = await registerRows(f, contoso, [
      { manufacturer: 'HP', model: 'EliteBook 840 G8', serialNumber: '5CG1234XYZ', origin: 'oem' },
      { manufacturer: 'hp', model: 'ELITEBOOK 840 G8', serialNumber: '5cg1234xyz' },
      { productKey: '3302492178918', serialNumber: 'whatever' },
    ]);
    expect(same.map((o) => [o.deviceErrorCode, o.deviceErrorName])).toEqual([
      [806, 'ZtdDeviceAlreadyAssigned'],
      [806, 'ZtdDeviceAlreadyAssigned'],
      [806, 'ZtdDeviceAlreadyAssigned'],
    ]);
    const other = await registerRows(f, fabrikam, [
      { manufacturer: 'Hp', model: 'elitebook 840 g8', serialNumber: '5CG1234XYZ' },
      { productKey: '3302492178918' },
    ]);
    expect(other.map((o) => [o.deviceErrorCode, o.deviceErrorName])).toEqual([
      [808, 'ZtdDeviceAssignedToOtherTenant'],
      [808, 'ZtdDeviceAssignedToOtherTenant'],
    ]);
    // A hash whose tuple is that one belongs to the registered device too: 808 for Fabrikam's customer import.
    const hash = syntheticHash(3, { system: { manufacturer: 'HP', model: 'EliteBook 840 G8', serialNumber: '5CG1234XYZ' } });
    const [byHash] = await registerRows(f, fabrikam, [{ origin: 'customer', hardwareIdentifier: Buffer.from(hash, 'base64') }]);
    expect(byHash).toMatchObject({ deviceErrorCode: 808 });
    expect(byHash.deviceRegistrationId).toBeNull();
  });

  it('a hash-bearing partner row registers as a customer’s does, with who registered it', async () => {
    const [row] = await registerRows(f, contoso, [{ hardwareIdentifier: Buffer.from(syntheticHash(4), 'base64'), originTenantId: partnerTenant, batchId: 'B-1' }]);
    expect(row.status).toBe('complete');
    const device = await f.store.devices.find(contoso, row.deviceRegistrationId ?? '');
    expect(device).toMatchObject({ serialNumber: syntheticInventory(4).system.serialNumber, registeredBy: 'partner', registeredByTenantId: partnerTenant, partnerBatchId: 'B-1' });
    expect((await f.store.devices.hardwareHash(contoso, device?.id ?? ''))?.toString('base64')).toBe(syntheticHash(4));
  });

  it('refused: a customer row without a hash (802), a placeholder or missing tuple part, a PKID that is not 13 digits (803)', async () => {
    const outcomes = await registerRows(f, contoso, [
      { origin: 'customer', manufacturer: 'Dell Inc.', model: 'Latitude 7440', serialNumber: 'CUST-1' },
      { origin: 'customer', productKey: '3302492178918' },
      { manufacturer: 'Dell Inc.', model: 'Latitude 7440', serialNumber: 'To be filled by O.E.M.' },
      { manufacturer: 'Dell Inc.', model: '', serialNumber: 'SN-NO-MODEL' },
      { productKey: '33024921789' },
      { productKey: '330249217891X', manufacturer: 'Dell Inc.', model: 'Latitude 7440', serialNumber: 'SN-BAD-PK' },
      { productKey: '0000000000000' },
      {},
    ]);
    expect(outcomes.map((o) => [o.status, o.deviceErrorCode, o.deviceErrorName])).toEqual([
      ['error', 802, 'InvalidZtdHardwareHash'],
      ['error', 802, 'InvalidZtdHardwareHash'],
      ['error', 803, 'MissingZtdSerialNumberAndProductKey'],
      ['error', 803, 'MissingZtdSerialNumberAndProductKey'],
      ['error', 803, 'MissingZtdSerialNumberAndProductKey'],
      ['error', 803, 'MissingZtdSerialNumberAndProductKey'],
      ['error', 803, 'MissingZtdSerialNumberAndProductKey'],
      ['error', 803, 'MissingZtdSerialNumberAndProductKey'],
    ]);
    expect(outcomes.every((o) => o.deviceRegistrationId === null)).toBe(true);
    expect(await f.db.selectFrom('autopilot_devices').select('id').where('tenant_id', '=', contoso).execute()).toEqual([]);
  });
});
