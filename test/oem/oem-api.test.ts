// Tarmac's OEM API (/oem/v1, not Microsoft-compatible) over real HTTP on both engines, with the import worker on:
// registration for consenting customers (per-device consent, no leak about other tenants), the status call,
// deregistration with TenantID and TenantDomain blank (then another tenant can import the device), validation that
// changes nothing, and who may call it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import * as identityKeys from '../../src/registry/identity-keys.js';
import { acceptInvitation } from '../../src/partners/index.js';
import { createStore } from '../../src/store/index.js';
import { createTenant, type CreatedTenant } from '../../src/tenants/index.js';
import { device as pcDevice, importHashes, DEVICES } from '../support/device-side.js';
import { partnerFixture, type PartnerFixture } from '../support/partner-fixture.js';
import { ENGINES } from '../support/registry-fixture.js';

/** Registrations without a hash (tuple, PKID) need the worker of branch h/hashless: these tests run once it is merged. */
const HASHLESS_WORKER = 'hashlessKey' in identityKeys;

const REG = '/oem/v1/AutopilotDeviceRegistration';

interface Hw {
  hash: string;
  serial: string;
  manufacturer: string;
  model: string;
  pkid: string;
}

function hw(seed: number): Hw {
  const inv = syntheticInventory(seed);
  return {
    hash: encodeHardwareHash(inv).base64,
    serial: inv.system.serialNumber ?? '',
    manufacturer: inv.system.manufacturer ?? '',
    model: inv.system.model ?? '',
    pkid: inv.productKey.productKeyId ?? '',
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe.each(ENGINES)('OEM API on %s', (engine) => {
  let f: PartnerFixture;
  let base: string;
  let oem2: CreatedTenant;

  async function oem(who: CreatedTenant, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; headers: Headers }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${await f.pcToken(who)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
  }

  /** Submits, checks the 202, and polls the status (as a client would) until it is finished. */
  async function submitAndWait(devices: unknown[], who: CreatedTenant = f.oem): Promise<Json> {
    const res = await oem(who, 'POST', REG, { devices });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${REG}/[0-9a-f-]{36}$`));
    for (let i = 0; i < 300; i++) {
      const status = await oem(who, 'GET', location);
      expect(status.status).toBe(200);
      if (status.body.status === 'finished') return status.body;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the OEM call did not finish within 3 s');
  }

  async function serialsOf(who: CreatedTenant): Promise<string[]> {
    const list = await f.call(who, 'GET', DEVICES);
    return (list.body.value as { serialNumber: string }[]).map((d) => d.serialNumber);
  }

  async function snapshot(): Promise<string> {
    const tables = ['autopilot_devices', 'device_identity_keys', 'imported_device_identities', 'device_jobs', 'device_job_results', 'entra_devices', 'organization_relationships'] as const;
    const out: Record<string, unknown> = {};
    for (const t of tables) out[t] = await f.tdb.db.selectFrom(t).selectAll().execute();
    return JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  }

  beforeAll(async () => {
    f = await partnerFixture(engine);
    await f.app.listen({ port: 0, host: '127.0.0.1' });
    const address = f.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    base = `http://127.0.0.1:${address.port}`;
    oem2 = await createTenant(f.store, { domain: 'adatum-oem.onmicrosoft.com', displayName: 'Adatum OEM', kind: 'oem' });
    await f.relate(f.oem, f.contoso);
  });
  afterAll(async () => f.cleanup());

  it('gives the consent link, which a customer accepts as an OEM relationship', async () => {
    const res = await oem(f.oem, 'GET', '/oem/v1/consentLink');
    expect(res.status).toBe(200);
    expect(res.body.attributes).toEqual({ objectType: 'OemConsentLink' });
    const url = new URL(res.body.url as string);
    expect(url.searchParams.get('invType')).toBe('OemRelationship');
    expect(url.searchParams.get('partnerId')).toBe(f.oem.tenant.id);
    expect(res.headers.get('ms-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const { relationship } = await acceptInvitation({ tenants: f.store.tenants, relationships: createStore(f.tdb.db).relationships }, f.contoso.tenant, res.body.url as string, f.app.now());
    expect(relationship).toMatchObject({ partnerTenantId: f.oem.tenant.id, customerTenantId: f.contoso.tenant.id, kind: 'oem' });
    // Paths are spelled loosely, as Partner Center's are: any case, `//`, a trailing `/`.
    expect((await oem(f.oem, 'GET', '//OEM/v1//ConsentLink/')).status).toBe(200);
    const validated = await oem(f.oem, 'POST', '/oem/V1/autopilotdeviceregistration/VALIDATE', { devices: [{ TenantID: f.contoso.tenant.id, ProductKey: '3309876543210' }] });
    expect(validated.status).toBe(200);
  });

  it('registers hash-bearing devices for a consenting customer: import rows of origin oem, finished within seconds, in its Graph list', async () => {
    const a = hw(9001);
    const b = hw(9002);
    const status = await submitAndWait([
      { TenantID: f.contoso.tenant.id, TenantDomain: 'Contoso.onmicrosoft.com', SerialNumber: a.serial, Manufacturer: a.manufacturer, Model: a.model, HardwareHash: a.hash, GroupTag: 'OEM-Wave1' },
      // Property names in any case; TenantDomain alone; the PKID identifies it.
      { tenantdomain: 'contoso.onmicrosoft.com', productKey: b.pkid, HARDWAREHASH: b.hash, grouptag: 'OEM-Wave1' },
    ]);
    expect(status).toMatchObject({ status: 'finished', attributes: { objectType: 'BatchUploadDetails' } });
    expect(status.devicesStatus).toHaveLength(2);
    for (const d of status.devicesStatus) {
      expect(d).toMatchObject({ status: 'finished', errorCode: null, errorDescription: null, attributes: { objectType: 'DeviceUploadDetails' } });
      expect(d.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(status.devicesStatus[0].serialNumber).toBe(a.serial);
    expect(status.devicesStatus[1].productKey).toBe(b.pkid);

    const list = await f.call(f.contoso, 'GET', DEVICES);
    const mine = (list.body.value as { id: string; serialNumber: string; groupTag: string }[]).filter((d) => [a.serial, b.serial].includes(d.serialNumber));
    expect(mine.map((d) => d.groupTag)).toEqual(['OEM-Wave1', 'OEM-Wave1']);
    const rows = await f.tdb.db
      .selectFrom('imported_device_identities')
      .select(['origin', 'origin_tenant_id', 'job_id', 'job_position', 'tenant_id', 'group_tag'])
      .where('origin', '=', 'oem')
      .orderBy('job_position')
      .execute();
    expect(rows.map((r) => ({ ...r, job_position: Number(r.job_position) }))).toEqual([
      { origin: 'oem', origin_tenant_id: f.oem.tenant.id, job_id: status.batchTrackingId, job_position: 0, tenant_id: f.contoso.tenant.id, group_tag: 'OEM-Wave1' },
      { origin: 'oem', origin_tenant_id: f.oem.tenant.id, job_id: status.batchTrackingId, job_position: 1, tenant_id: f.contoso.tenant.id, group_tag: 'OEM-Wave1' },
    ]);
    // Graph's imported list shows the customer's own rows only.
    const imported = await f.call(f.contoso, 'GET', '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities');
    expect((imported.body.value as { serialNumber: string }[]).some((r) => r.serialNumber === a.serial)).toBe(false);
  });

  it('fails a device without consent on its own, the same way for an existing and an unknown tenant, and checks TenantID against TenantDomain', async () => {
    const d = hw(9010);
    const id = { SerialNumber: d.serial, Manufacturer: d.manufacturer, Model: d.model, HardwareHash: d.hash };
    const unknownId = '00000000-0000-4000-8000-00000000abcd';
    const status = await submitAndWait([
      { TenantID: f.fabrikam.tenant.id, ...id },
      { TenantID: unknownId, ...id },
      { TenantDomain: 'fabrikam.onmicrosoft.com', ...id },
      { TenantDomain: 'nobody.onmicrosoft.com', ...id },
      { TenantID: f.contoso.tenant.id, TenantDomain: 'fabrikam.onmicrosoft.com', ...id },
      { TenantID: 'contoso', ...id },
    ]);
    const [fab, unknown, fabDomain, nobody, mixed, notGuid] = status.devicesStatus as Json[];
    for (const r of [fab, unknown, fabDomain, nobody, mixed]) expect(r).toMatchObject({ status: 'finished_with_errors', errorCode: '895', errorDescription: 'OemRelationshipRequired', deviceId: null });
    // Nothing tells an existing tenant from an unknown one.
    expect(fab.errorMessage.replace(f.fabrikam.tenant.id, 'X')).toBe(unknown.errorMessage.replace(unknownId, 'X').replace('devices[1]', 'devices[0]'));
    expect(fabDomain.errorMessage.replace('fabrikam', 'X')).toBe(nobody.errorMessage.replace('nobody', 'X').replace('devices[3]', 'devices[2]'));
    expect(JSON.stringify(status)).not.toContain('Fabrikam');
    expect(notGuid).toMatchObject({ errorCode: '801', errorDescription: 'InvalidZtdRequestBody' });
    expect(notGuid.errorMessage).toContain('devices[5].TenantID');
    expect(await serialsOf(f.fabrikam)).not.toContain(d.serial);

    // With both consenting, TenantID and TenantDomain of two tenants is the caller's mistake (801), named.
    await f.relate(f.oem, f.fabrikam);
    const both = await submitAndWait([{ TenantID: f.contoso.tenant.id, TenantDomain: 'fabrikam.onmicrosoft.com', ...id }]);
    expect(both.devicesStatus[0]).toMatchObject({ errorCode: '801', errorDescription: 'InvalidZtdRequestBody' });
    expect(both.devicesStatus[0].errorMessage).toContain('two different tenants');
    await createStore(f.tdb.db).relationships.delete(f.oem.tenant.id, f.fabrikam.tenant.id);
  });

  it('refuses a device without tuple or PKID, a hash of another device, and duplicates within the call, each by position', async () => {
    const a = hw(9020);
    const other = hw(9021);
    const t = f.contoso.tenant.id;
    const status = await submitAndWait([
      { TenantID: t, SerialNumber: a.serial, HardwareHash: a.hash },
      { TenantID: t, ProductKey: '12345' },
      { TenantID: t, SerialNumber: a.serial, Manufacturer: a.manufacturer, Model: a.model, HardwareHash: other.hash },
      { TenantID: t, SerialNumber: a.serial, Manufacturer: a.manufacturer, Model: a.model, HardwareHash: 'not a hash!' },
      { TenantID: t, SerialNumber: a.serial, Manufacturer: a.manufacturer, Model: a.model, HardwareHash: a.hash },
      { TenantID: t, SerialNumber: a.serial, Manufacturer: a.manufacturer, Model: a.model, HardwareHash: a.hash },
    ]);
    const rows = status.devicesStatus as Json[];
    expect(rows.map((r) => r.errorCode)).toEqual(['803', '803', '801', '802', null, '899']);
    expect(rows[0].errorMessage).toContain('devices[0].Manufacturer, devices[0].Model are missing');
    expect(rows[1].errorMessage).toContain("devices[1].ProductKey '12345'");
    expect(rows[2].errorMessage).toContain('devices[2].HardwareHash describes another device');
    expect(rows[3].errorMessage).toContain('devices[3].HardwareHash');
    expect(rows[5].errorDescription).toBe('ZtdDeviceDuplicated');
  });

  it('reports 806 and 808 from the worker, with no other tenant data', async () => {
    const theirs = hw(9030);
    await importHashes(f, f.fabrikam, [theirs.hash]);
    const status = await submitAndWait([{ TenantID: f.contoso.tenant.id, SerialNumber: theirs.serial, Manufacturer: theirs.manufacturer, Model: theirs.model, HardwareHash: theirs.hash }]);
    expect(status.devicesStatus[0]).toMatchObject({ status: 'finished_with_errors', errorCode: '808', errorDescription: 'ZtdDeviceAssignedToOtherTenant', deviceId: null });
    expect(JSON.stringify(status)).not.toContain(f.fabrikam.tenant.id);
  });

  it('deregisters with TenantID and TenantDomain blank: gone from Graph at once, then another tenant imports it', async () => {
    const d = hw(9040);
    const registered = await submitAndWait([{ TenantID: f.contoso.tenant.id, SerialNumber: d.serial, Manufacturer: d.manufacturer, Model: d.model, HardwareHash: d.hash }]);
    const deviceId = registered.devicesStatus[0].deviceId as string;
    expect(await serialsOf(f.contoso)).toContain(d.serial);

    // Tuple in another case and spacing: the registry's key normalisation finds it.
    const res = await oem(f.oem, 'POST', REG, { devices: [{ TenantID: '', TenantDomain: null, SerialNumber: d.serial.toLowerCase(), Manufacturer: ` ${d.manufacturer} `, Model: d.model }] });
    expect(res.status).toBe(202);
    // Synchronous: the status is final at once.
    const status = await oem(f.oem, 'GET', res.headers.get('location') ?? '');
    expect(status.body).toMatchObject({ status: 'finished', devicesStatus: [{ status: 'finished', deviceId, errorCode: null }] });
    expect(await serialsOf(f.contoso)).not.toContain(d.serial);
    expect((await f.call(f.contoso, 'GET', `/v1.0/devices?$filter=physicalIds/any(p: startswith(p, '[ZTDID]:${deviceId}'))`)).body.value).toEqual([]);

    const [state] = await importHashes(f, f.fabrikam, [d.hash]);
    expect(state).toMatchObject({ deviceImportStatus: 'complete' });
    expect(await serialsOf(f.fabrikam)).toContain(d.serial);
  });

  it("deregisters a device the customer registered itself (by PKID), but never one of a tenant without consent, answering as if absent", async () => {
    const own = hw(9050);
    const foreign = hw(9051);
    await importHashes(f, f.contoso, [own.hash]);
    await importHashes(f, f.fabrikam, [foreign.hash]);
    const status = await submitAndWait([{ ProductKey: own.pkid }, { ProductKey: foreign.pkid }, { ProductKey: '4000000000001' }]);
    const [ok, refused, absent] = status.devicesStatus as Json[];
    expect(ok).toMatchObject({ status: 'finished', errorCode: null });
    expect(refused).toMatchObject({ status: 'finished_with_errors', errorCode: '812', errorDescription: 'ZtdDeviceNotFound', deviceId: null });
    expect(refused.errorMessage.replace(foreign.pkid, 'X')).toBe(absent.errorMessage.replace('4000000000001', 'X'));
    expect(await serialsOf(f.contoso)).not.toContain(own.serial);
    expect(await serialsOf(f.fabrikam)).toContain(foreign.serial);
  });

  it('refuses to deregister a device enrolled in Intune, without naming the managed device or its user', async () => {
    const d = hw(9060);
    await importHashes(f, f.contoso, [d.hash]);
    const enrolled = await pcDevice(f, 'enroll', { hardwareHash: d.hash, userPrincipalName: 'ada@contoso.onmicrosoft.com' });
    expect(enrolled.status, enrolled.text).toBe(200);
    const status = await submitAndWait([{ SerialNumber: d.serial, Manufacturer: d.manufacturer, Model: d.model }]);
    expect(status.devicesStatus[0]).toMatchObject({ status: 'finished_with_errors', errorCode: '896', errorDescription: 'ZtdDeviceInUse' });
    expect(status.devicesStatus[0].errorMessage).toContain('enrolled in Intune');
    expect(status.devicesStatus[0].errorMessage).not.toContain('ada@');
    expect(status.devicesStatus[0].errorMessage).not.toContain(enrolled.body.deviceName as string);
    expect(await serialsOf(f.contoso)).toContain(d.serial);
  });

  it('validates without changing anything: would-be outcomes, 806/808 codes only', async () => {
    const fresh = hw(9070);
    const inContoso = hw(9071);
    const inFabrikam = hw(9072);
    const inContoso2 = hw(9073);
    await importHashes(f, f.contoso, [inContoso.hash, inContoso2.hash]);
    await importHashes(f, f.fabrikam, [inFabrikam.hash]);
    const tuple = (h: Hw) => ({ SerialNumber: h.serial, Manufacturer: h.manufacturer, Model: h.model, HardwareHash: h.hash });
    const before = await snapshot();
    const res = await oem(f.oem, 'POST', `${REG}/validate`, {
      Devices: [
        { TenantID: f.contoso.tenant.id, ...tuple(fresh) },
        { TenantID: f.contoso.tenant.id, ...tuple(inContoso) },
        { TenantID: f.contoso.tenant.id, ...tuple(inFabrikam) },
        { TenantID: f.fabrikam.tenant.id, ...tuple(fresh) },
        { TenantID: f.contoso.tenant.id, SerialNumber: fresh.serial },
        { ProductKey: inContoso2.pkid },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.attributes).toEqual({ objectType: 'DeviceSubmissionValidation' });
    const rows = res.body.devicesStatus as Json[];
    expect(rows.map((r) => [r.operation, r.status, r.errorCode])).toEqual([
      ['register', 'finished', null],
      ['register', 'finished_with_errors', '806'],
      ['register', 'finished_with_errors', '808'],
      ['register', 'finished_with_errors', '895'],
      ['register', 'finished_with_errors', '803'],
      ['deregister', 'finished', null],
    ]);
    expect(rows[0].tenantId).toBe(f.contoso.tenant.id);
    expect(rows[3].tenantId).toBeNull();
    // The 808 says nothing of the tenant holding the device (position 3 echoes only the id the OEM sent).
    expect(JSON.stringify(rows[2])).not.toContain(f.fabrikam.tenant.id);
    expect(JSON.stringify(res.body)).not.toContain('Fabrikam');
    expect(await snapshot()).toBe(before);
    expect(await serialsOf(f.contoso)).toContain(inContoso2.serial);
  });

  it('answers a retry with the same MS-RequestId with the first tracking id, registering nothing twice', async () => {
    const d = hw(9080);
    const body = { devices: [{ TenantID: f.contoso.tenant.id, SerialNumber: d.serial, Manufacturer: d.manufacturer, Model: d.model, HardwareHash: d.hash }] };
    const first = await oem(f.oem, 'POST', REG, body, { 'MS-RequestId': 'oem-retry-1' });
    const again = await oem(f.oem, 'POST', REG, body, { 'MS-RequestId': 'oem-retry-1' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(again.headers.get('ms-requestid')).toBe('oem-retry-1');
    const rows = await f.tdb.db.selectFrom('imported_device_identities').select('id').where('serial_number', '=', d.serial).execute();
    expect(rows).toHaveLength(1);
  });

  it('refuses bad bodies with 400 ApiFault naming the field, and more than 1000 devices', async () => {
    const many = Array.from({ length: 1001 }, () => ({ ProductKey: '4000000000001' }));
    const tooMany = await oem(f.oem, 'POST', REG, { devices: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ code: 3000, data: ['devices'], source: 'PartnerFD' });
    expect(tooMany.body.description).toContain('at most 1000');
    expect((await oem(f.oem, 'POST', `${REG}/validate`, { devices: many })).status).toBe(400);
    const empty = await oem(f.oem, 'POST', REG, { devices: [] });
    expect(empty.status).toBe(400);
    const none = await oem(f.oem, 'POST', REG, '\uFEFF{}');
    expect(none.body).toMatchObject({ code: 3000, data: ['devices'] });
    const wrongType = await oem(f.oem, 'POST', REG, { devices: [{ tenantId: f.contoso.tenant.id, serialNumber: true }] });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.data).toEqual(['devices[0].SerialNumber']);
    const notJson = await oem(f.oem, 'POST', REG, '{"devices": [');
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe(3000);
  });

  it('serves OEM tenants only: 403 for partner and customer tenants, 401 for Graph tokens and none', async () => {
    for (const who of [f.csp, f.contoso]) {
      const res = await oem(who, 'GET', '/oem/v1/consentLink');
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 2032, source: 'PartnerFD' });
      expect(res.body.description).toContain('the OEM API serves OEM tenants');
    }
    const graph = await fetch(`${base}${REG}/validate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await f.token(f.contoso)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ devices: [{ ProductKey: '4000000000001' }] }),
    });
    expect(graph.status).toBe(401);
    expect(await graph.json()).toMatchObject({ code: 900420 });
    const anonymous = await fetch(`${base}/oem/v1/consentLink`);
    expect(anonymous.status).toBe(401);
    // The OEM is refused by Partner Center's own routes, pointing at this API.
    const pc = await f.pc(f.oem, 'GET', '/v1/customers');
    expect(pc.status).toBe(403);
  });

  it("answers 404 for another OEM's tracking id, an unknown one and an unknown path", async () => {
    const d = hw(9090);
    const res = await oem(f.oem, 'POST', REG, { devices: [{ TenantID: f.contoso.tenant.id, ProductKey: d.pkid, HardwareHash: d.hash }] });
    const location = res.headers.get('location') ?? '';
    expect((await oem(f.oem, 'GET', location)).status).toBe(200);
    const theirs = await oem(oem2, 'GET', location);
    expect(theirs.status).toBe(404);
    expect(theirs.body).toMatchObject({ code: 1000 });
    expect((await oem(f.oem, 'GET', `${REG}/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await oem(f.oem, 'GET', `${REG}/not-a-guid`)).status).toBe(404);
    const path = await oem(f.oem, 'GET', '/oem/v1/nothing');
    expect(path.status).toBe(404);
    expect(path.body.code).toBe(1000);
    // And the other OEM, without any consent, cannot register for contoso.
    const status = await submitAndWait([{ TenantID: f.contoso.tenant.id, ProductKey: d.pkid, HardwareHash: d.hash }], oem2);
    expect(status.devicesStatus[0].errorCode).toBe('895');
  });

  it.runIf(HASHLESS_WORKER)('registers by tuple and by PKID without a hash, then deregisters by each (needs h/hashless)', async () => {
    const byTuple = hw(9100);
    const byPkid = hw(9101);
    const status = await submitAndWait([
      { TenantID: f.contoso.tenant.id, SerialNumber: byTuple.serial, Manufacturer: byTuple.manufacturer, Model: byTuple.model, GroupTag: 'Hashless' },
      { TenantDomain: 'contoso.onmicrosoft.com', ProductKey: byPkid.pkid, SerialNumber: byPkid.serial },
    ]);
    expect(status.devicesStatus.map((d: Json) => d.status)).toEqual(['finished', 'finished']);
    const serials = await serialsOf(f.contoso);
    expect(serials).toContain(byTuple.serial);
    expect(serials).toContain(byPkid.serial);
    const registeredBy = await f.tdb.db.selectFrom('autopilot_devices').select(['registered_by', 'registered_by_tenant_id']).where('serial_number', '=', byTuple.serial).executeTakeFirst();
    expect(registeredBy).toEqual({ registered_by: 'oem', registered_by_tenant_id: f.oem.tenant.id });
    const gone = await submitAndWait([{ SerialNumber: byTuple.serial, Manufacturer: byTuple.manufacturer, Model: byTuple.model }, { ProductKey: byPkid.pkid }]);
    expect(gone.devicesStatus.map((d: Json) => d.status)).toEqual(['finished', 'finished']);
    expect(await serialsOf(f.contoso)).not.toContain(byTuple.serial);
    const [state] = await importHashes(f, f.fabrikam, [byTuple.hash]);
    expect(state).toMatchObject({ deviceImportStatus: 'complete' });
  });
});
