// Partner Center device registration on both engines (partner-center-reference §2.1–§2.7): batches, per-device
// judgement, batch status, batch device lists and deletion, as the .NET SDK, the PowerShell module and CIPP call them.
// Two fixtures per engine: one without the import worker (the rows stay queued until the test runs the worker's unit
// of work itself: what submission decides, and the queued → finished transition), one with it (registrations really
// happen: 806/808, the customer's Graph view, partner lists and deletes).
//
// Tests marked [needs h/hashless] depend on the import worker of branch h/hashless: it registers rows without a hash
// (tuple, PKID) and copies a row's origin and batch onto the device (registeredBy 'partner', partnerBatchId), which
// is what puts a device into its batch's device list. Until that branch is merged they fail.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processImportBatch } from '../../src/registry/index.js';
import type { CreatedTenant } from '../../src/tenants/index.js';
import { device as oobe } from '../support/device-side.js';
import { DEVICES, IMPORTS, MANAGED } from '../support/graph-paths.js';
import { partnerFixture, type PartnerFixture, type PartnerCenterResponse } from '../support/partner-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const FIELDS = ['hardwareHash', 'productKey', 'serialNumber', 'oemManufacturerName', 'modelName'] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const base = (customer: CreatedTenant) => `/v1/customers/${customer.tenant.id}`;
/** A 13-digit product key ID, distinct per n. */
const pkid = (n: number) => String(3_300_000_000_000 + n);

/** The tracking id of a 202's Location, checked to be exactly /customers/{cid}/batchJobStatus/{guid}. */
function trackingOf(res: PartnerCenterResponse, customer: CreatedTenant): string {
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body).toBeUndefined();
  const location = String(res.headers['location']);
  const prefix = `/customers/${customer.tenant.id}/batchJobStatus/`;
  expect(location.startsWith(prefix), location).toBe(true);
  const id = location.slice(prefix.length);
  expect(id).toMatch(GUID);
  // The PowerShell module takes segment 4 of the Location as the tracking id.
  expect(location.split('/')[4]).toBe(id);
  return id;
}

async function status(f: PartnerFixture, who: CreatedTenant, customer: CreatedTenant, trackingId: string): Promise<PartnerCenterResponse> {
  return f.pc(who, 'GET', `${base(customer)}/batchJobStatus/${trackingId}`);
}

/** Polls like CIPP and the PowerShell module until the batch is finished. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function finished(f: PartnerFixture, who: CreatedTenant, customer: CreatedTenant, trackingId: string): Promise<any> {
  for (let i = 0; i < 300; i++) {
    const res = await status(f, who, customer, trackingId);
    expect(res.status).toBe(200);
    if (res.body.status === 'finished') return res.body;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`batch ${trackingId} did not finish`);
}

async function create(f: PartnerFixture, who: CreatedTenant, customer: CreatedTenant, batchId: string, devices: unknown[], headers?: Record<string, string>) {
  return f.pc(who, 'POST', `${base(customer)}/deviceBatches`, { batchId, devices }, headers);
}

describe.each(ENGINES)('Partner Center device batches, what submission decides (%s, worker off)', (engine) => {
  let f: PartnerFixture;
  beforeAll(async () => {
    f = await partnerFixture(engine, { importWorker: false });
    await f.relate(f.csp, f.contoso);
  });
  afterAll(async () => f.cleanup());

  it('creates a batch: 202, empty body, exact Location; queued until the worker runs, then finished with completedTime', async () => {
    const res = await create(f, f.csp, f.contoso, 'Wave-1', [{ hardwareHash: syntheticHash(1) }, { hardwareHash: syntheticHash(2), serialNumber: 'SN-2' }]);
    const id = trackingOf(res, f.contoso);
    const before = await status(f, f.csp, f.contoso, id);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      batchTrackingId: id,
      status: 'queued',
      startedTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/),
      devicesStatus: [
        { serialNumber: null, productKey: null, status: 'queued', errorCode: null, errorDescription: null, attributes: { objectType: 'DeviceUploadDetails' } },
        { serialNumber: 'SN-2', productKey: null, status: 'queued', errorCode: null, errorDescription: null, attributes: { objectType: 'DeviceUploadDetails' } },
      ],
      attributes: { objectType: 'BatchUploadDetails' },
    });
    await processImportBatch(f.app.registry.store, { owner: 'test', batchSize: 100, leaseMs: 60_000, maxAttempts: 5, now: () => f.app.now() });
    const after = await status(f, f.csp, f.contoso, id);
    expect(after.body.status).toBe('finished');
    expect(after.body.completedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    expect(after.body.completedTime >= after.body.startedTime).toBe(true);
    expect(after.body.devicesStatus.map((d: { status: string; deviceId: string }) => [d.status, GUID.test(d.deviceId)])).toEqual([
      ['finished', true],
      ['finished', true],
    ]);
    // The batch name is the devices' group tag.
    const device = await f.call(f.contoso, 'GET', `${DEVICES}/${after.body.devicesStatus[0].deviceId}`);
    expect(device.body.groupTag).toBe('Wave-1');
  });

  it('accepts exactly the six identification combinations (manufacturer and model beside a hash are informational); every other subset is refused per device with a reason', async () => {
    const accepted = (fields: string[]) => {
      const counted = fields.includes('hardwareHash') ? fields.filter((x) => x !== 'oemManufacturerName' && x !== 'modelName') : fields;
      const key = [...counted].sort().join('+');
      return [
        'hardwareHash+productKey',
        'hardwareHash+serialNumber',
        'hardwareHash+productKey+serialNumber',
        'hardwareHash',
        'productKey',
        'modelName+oemManufacturerName+serialNumber',
      ]
        .map((c) => c.split('+').sort().join('+'))
        .includes(key);
    };
    const subsets = Array.from({ length: 32 }, (_, mask) => FIELDS.filter((_, bit) => (mask & (1 << bit)) !== 0));
    const devices = subsets.map((fields, i) => {
      const values: Record<string, string> = {
        hardwareHash: syntheticHash(100 + i),
        productKey: pkid(100 + i),
        serialNumber: `SUB-${i}`,
        oemManufacturerName: 'Contoso Hardware',
        modelName: `Model ${i}`,
      };
      // Absent fields are sent the way the SDK sends them: null.
      return Object.fromEntries(FIELDS.map((name) => [name, fields.includes(name) ? values[name] : null]));
    });
    const id = trackingOf(await create(f, f.csp, f.contoso, 'Subsets', devices), f.contoso);
    const body = (await status(f, f.csp, f.contoso, id)).body;
    expect(body.devicesStatus).toHaveLength(32);
    // Refusals are settled, the rest are queued: the batch as a whole is being processed.
    expect(body.status).toBe('processing');
    let passed = 0;
    subsets.forEach((fields, i) => {
      const d = body.devicesStatus[i];
      const label = fields.join('+') || '(none)';
      if (accepted(fields)) {
        passed++;
        expect([label, d.status, d.errorCode]).toEqual([label, 'queued', null]);
        return;
      }
      expect([label, d.status, d.errorCode]).toEqual([label, 'finished_with_errors', '803']);
      expect(d.errorDescription).toMatch(new RegExp(`^MissingZtdSerialNumberAndProductKey: devices\\[${i}\\]`));
      if (fields.length === 0) expect(d.errorDescription).toContain('no identifier');
      else if (fields.includes('productKey')) expect(d.errorDescription).toContain('productKey together with');
      else for (const missing of (['serialNumber', 'oemManufacturerName', 'modelName'] as const).filter((x) => !fields.includes(x))) expect(d.errorDescription).toContain(missing);
    });
    // 16 subsets with a hash, productKey alone, and the tuple.
    expect(passed).toBe(18);
  });

  it('refuses per device a hash that is not base64 (802) and the same device twice in one call (899), never the call', async () => {
    const id = trackingOf(
      await create(f, f.csp, f.contoso, 'Judged', [
        { hardwareHash: 'not base64 at all!' },
        { hardwareHash: syntheticHash(200) },
        { hardwareHash: syntheticHash(200), serialNumber: 'again' },
        { productKey: pkid(200) },
        { productKey: pkid(200) },
        { serialNumber: 'T-1', oemManufacturerName: 'Fabrikam', modelName: 'Surface' },
        { serialNumber: 'T-1', oemManufacturerName: 'Fabrikam', modelName: 'Surface' },
      ]),
      f.contoso,
    );
    const devices = (await status(f, f.csp, f.contoso, id)).body.devicesStatus as { status: string; errorCode: string | null; errorDescription: string | null }[];
    expect(devices.map((d) => [d.status, d.errorCode])).toEqual([
      ['finished_with_errors', '802'],
      ['queued', null],
      ['finished_with_errors', '899'],
      ['queued', null],
      ['finished_with_errors', '899'],
      ['queued', null],
      ['finished_with_errors', '899'],
    ]);
    expect(devices[0]!.errorDescription).toMatch(/^InvalidZtdHardwareHash: devices\[0\]\.hardwareHash is not base64/);
    expect(devices[2]!.errorDescription).toBe('ZtdDeviceDuplicated: devices[2] is the same device as devices[1] in this call; only the first is registered.');
    expect(devices[6]!.errorDescription).toContain('same device as devices[5]');
  });

  it('takes 1000 devices a call; 1001 is 400 code 3000 naming the count', async () => {
    const many = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ productKey: pkid(10_000 + from + i) }));
    const over = await create(f, f.csp, f.contoso, 'Big', many(1001, 0));
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ code: 3000, data: ['devices'], source: 'PartnerFD' });
    expect(over.body.description).toContain('1001');
    // Nothing was created by the refused call.
    const id = trackingOf(await create(f, f.csp, f.contoso, 'Big', many(1000, 2000)), f.contoso);
    expect((await status(f, f.csp, f.contoso, id)).body.devicesStatus).toHaveLength(1000);
    const add = await f.pc(f.csp, 'POST', `${base(f.contoso)}/deviceBatches/Big/devices`, many(1001, 4000));
    expect([add.status, add.body.code]).toEqual([400, 3000]);
  });

  it('409 for a batch name that exists (in any case), 404 1000 adding to a batch that does not; adding takes a bare array', async () => {
    trackingOf(await create(f, f.csp, f.contoso, 'Existing', [{ productKey: pkid(300) }]), f.contoso);
    const again = await create(f, f.csp, f.contoso, 'EXISTING', [{ productKey: pkid(301) }]);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 3001, data: ['batchId'] });
    expect(again.body.description).toContain("'Existing' already exists");
    const unknown = await f.pc(f.csp, 'POST', `${base(f.contoso)}/deviceBatches/Nope/devices`, [{ productKey: pkid(302) }]);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 1000 });
    expect(unknown.body.description).toContain("no device batch named 'Nope'");
    const added = trackingOf(await f.pc(f.csp, 'POST', `${base(f.contoso)}/deviceBatches/existing/devices`, [{ productKey: pkid(303) }]), f.contoso);
    expect((await status(f, f.csp, f.contoso, added)).body.devicesStatus).toEqual([expect.objectContaining({ productKey: pkid(303), status: 'queued' })]);
    const notArray = await f.pc(f.csp, 'POST', `${base(f.contoso)}/deviceBatches/Existing/devices`, { devices: [{ productKey: pkid(304) }] });
    expect([notArray.status, notArray.body.code]).toEqual([400, 3000]);
    expect(notArray.body.description).toContain('JSON array of Device');
    const batches = (await f.pc(f.csp, 'GET', `${base(f.contoso)}/deviceBatches`)).body.items as { id: string }[];
    expect(batches.filter((b) => b.id.toLowerCase() === 'existing')).toHaveLength(1);
  });

  it('refuses unusable bodies and batch names with 400 3000 naming the field', async () => {
    const cases: [unknown, string, string][] = [
      [{ devices: [] }, 'batchId', 'batchId is missing'],
      [{ batchId: '  ', devices: [] }, 'batchId', 'empty'],
      [{ batchId: 'a/b', devices: [] }, 'batchId', '"/" at position 2'],
      [{ batchId: 'x'.repeat(129), devices: [] }, 'batchId', '129 characters'],
      [{ batchId: 'ok', devices: [{ productKey: 12 }] }, 'devices[0].productKey', 'must be a string'],
    ];
    for (const [body, field, text] of cases) {
      const res = await f.pc(f.csp, 'POST', `${base(f.contoso)}/deviceBatches`, body);
      expect([res.status, res.body.code, res.body.data], JSON.stringify(body)).toEqual([400, 3000, [field]]);
      expect(res.body.description).toContain(text);
    }
  });

  it('MS-RequestId: a retried create gets the same Location and stores nothing twice (not even a 409)', async () => {
    const requestId = randomUUID();
    const devices = [{ productKey: pkid(400) }, { productKey: pkid(401) }];
    const first = trackingOf(await create(f, f.csp, f.contoso, 'Retried', devices, { 'MS-RequestId': requestId }), f.contoso);
    const retry = await create(f, f.csp, f.contoso, 'Retried', devices, { 'MS-RequestId': requestId });
    expect(trackingOf(retry, f.contoso)).toBe(first);
    expect(retry.headers['ms-requestid']).toBe(requestId);
    expect(await f.app.registry.store.jobs.results(first)).toHaveLength(2);
    const job = await f.app.registry.store.jobs.findByRequestId(f.csp.tenant.id, requestId);
    expect(job?.id).toBe(first);
    // A new request id is a new call: the name is taken now.
    expect((await create(f, f.csp, f.contoso, 'Retried', devices, { 'MS-RequestId': randomUUID() })).status).toBe(409);
  });

  it('reads the .NET SDK body (PascalCase, nulls, defaults) and CIPP body (camelCase, extra deviceBatchId) alike', async () => {
    const sdk = {
      BatchId: 'SDK batch',
      Devices: [
        {
          Id: null,
          SerialNumber: 'SDK-1',
          ProductKey: null,
          HardwareHash: syntheticHash(500),
          ModelName: null,
          OemManufacturerName: null,
          Policies: null,
          UploadedDate: '0001-01-01T00:00:00',
          AllowedOperations: null,
          Links: null,
          Attributes: { ObjectType: 'Device' },
        },
      ],
      Attributes: { ObjectType: 'DeviceBatchCreationRequest' },
    };
    const sdkId = trackingOf(await f.pc(f.csp, 'POST', `${base(f.contoso)}/deviceBatches`, sdk), f.contoso);
    expect((await status(f, f.csp, f.contoso, sdkId)).body.devicesStatus).toEqual([expect.objectContaining({ serialNumber: 'SDK-1', status: 'queued' })]);
    const cipp = {
      batchId: 'CIPP',
      devices: [{ deviceBatchId: 'CIPP', serialNumber: 'CIPP-1', productKey: '', hardwareHash: syntheticHash(501), oemManufacturerName: 'Contoso', modelName: 'Laptop 7' }],
    };
    const cippId = trackingOf(await f.pc(f.csp, 'POST', `${base(f.contoso)}/deviceBatches`, cipp), f.contoso);
    expect((await status(f, f.csp, f.contoso, cippId)).body.devicesStatus).toEqual([expect.objectContaining({ serialNumber: 'CIPP-1', status: 'queued' })]);
    // The PowerShell module adds to an existing batch with PascalCase devices.
    const ps = trackingOf(await f.pc(f.csp, 'POST', `${base(f.contoso)}/deviceBatches/CIPP/devices`, [{ ProductKey: pkid(502), Policies: [] }]), f.contoso);
    expect((await status(f, f.csp, f.contoso, ps)).body.devicesStatus).toEqual([expect.objectContaining({ productKey: pkid(502), status: 'queued' })]);
  });

  it('lists batches in DeviceBatch shape; a name with spaces round-trips through devicesLink.uri', async () => {
    trackingOf(await create(f, f.csp, f.contoso, 'Test batch 7', []), f.contoso);
    const list = await f.pc(f.csp, 'GET', `${base(f.contoso)}/deviceBatches`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ links: {}, attributes: { objectType: 'Collection' } });
    expect(list.body.totalCount).toBe(list.body.items.length);
    const batch = (list.body.items as { id: string }[]).find((b) => b.id === 'Test batch 7');
    expect(batch).toEqual({
      id: 'Test batch 7',
      createdBy: 'contoso-csp.onmicrosoft.com',
      creationDate: expect.stringMatching(/Z$/),
      devicesCount: 0,
      devicesLink: { uri: `/customers/${f.contoso.tenant.id}/deviceBatches/Test batch 7/devices`, method: 'GET', headers: [] },
      attributes: { objectType: 'DeviceBatch' },
    });
    // CIPP appends the uri to https://…/v1/ (hence //); an HTTP client encodes the spaces.
    const devices = await f.pc(f.csp, 'GET', `/v1/${encodeURI((batch as unknown as { devicesLink: { uri: string } }).devicesLink.uri)}`);
    expect(devices.status).toBe(200);
    expect(devices.body).toEqual({ totalCount: 0, items: [], links: {}, continuationToken: null, attributes: { objectType: 'Collection' } });
  });

  it('tracking ids: 404 1000 when unknown, another partner\'s, or not a GUID', async () => {
    await f.relate(f.csp2, f.contoso);
    const id = trackingOf(await create(f, f.csp, f.contoso, 'Tracked', [{ productKey: pkid(600) }]), f.contoso);
    for (const [who, tracking] of [
      [f.csp, randomUUID()],
      [f.csp2, id],
      [f.csp, 'not-a-guid'],
    ] as const) {
      const res = await status(f, who, f.contoso, tracking);
      expect([res.status, res.body.code]).toEqual([404, 1000]);
    }
    expect((await status(f, f.csp, f.contoso, id.toUpperCase())).status).toBe(200);
  });

  it('MS-ContinuationToken that this API did not issue is 400 naming the header', async () => {
    trackingOf(await create(f, f.csp, f.contoso, 'Paged', []), f.contoso);
    const res = await f.pc(f.csp, 'GET', `${base(f.contoso)}/deviceBatches/Paged/devices`, undefined, { 'MS-ContinuationToken': 'garbage' });
    expect([res.status, res.body.code, res.body.data]).toEqual([400, 3000, ['MS-ContinuationToken']]);
  });

  it('answers 403 20002 on every route without a relationship', async () => {
    const cid = f.fabrikam.tenant.id;
    const calls: [Parameters<PartnerFixture['pc']>[1], string, unknown][] = [
      ['POST', `/v1/customers/${cid}/deviceBatches`, { batchId: 'x', devices: [] }],
      ['POST', `/v1/customers/${cid}/deviceBatches/x/devices`, []],
      ['GET', `/v1/customers/${cid}/deviceBatches`, undefined],
      ['GET', `/v1/customers/${cid}/deviceBatches/x/devices`, undefined],
      ['PUT', `/v1/customers/${cid}/deviceBatches/x/devices/${randomUUID()}`, {}],
      ['DELETE', `/v1/customers/${cid}/deviceBatches/x/devices/${randomUUID()}`, undefined],
      ['GET', `/v1/customers/${cid}/batchJobStatus/${randomUUID()}`, undefined],
    ];
    for (const [method, url, body] of calls) {
      const res = await f.pc(f.csp, method, url, body);
      expect([method, url, res.status, res.body.code]).toEqual([method, url, 403, 20002]);
    }
  });

  it('takes the path spellings clients send: DeviceBatches, batchjobstatus, //, a trailing /', async () => {
    const cid = f.contoso.tenant.id;
    const res = await f.pc(f.csp, 'POST', `/v1/customers/${cid}/DeviceBatches`, { BatchId: 'Spelled', Devices: [{ ProductKey: pkid(700) }] });
    const id = trackingOf(res, f.contoso);
    for (const url of [`/v1//customers/${cid}/batchjobstatus/${id}`, `/v1/customers/${cid}/BatchJobStatus/${id}/`, `/v1/${String(res.headers['location'])}`]) {
      const got = await f.pc(f.csp, 'GET', url);
      expect([url, got.status, got.body.batchTrackingId]).toEqual([url, 200, id]);
    }
    expect((await f.pc(f.csp, 'GET', `/v1/customers/${cid}/devicebatches`)).status).toBe(200);
    expect((await f.pc(f.csp, 'GET', `/v1/customers/${cid}/deviceBatches/Spelled/Devices`)).status).toBe(200);
  });
});

describe.each(ENGINES)('Partner Center device batches, registered (%s, worker on)', (engine) => {
  let f: PartnerFixture;
  beforeAll(async () => {
    f = await partnerFixture(engine);
    await f.relate(f.csp, f.contoso);
    await f.relate(f.csp2, f.contoso);
  });
  afterAll(async () => f.cleanup());

  /** A Graph import by the customer itself, registered. */
  async function customerImport(who: CreatedTenant, hash: string): Promise<string> {
    const res = await f.call(who, 'POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: [{ hardwareIdentifier: hash }] });
    expect(res.status).toBe(200);
    for (let i = 0; i < 300; i++) {
      const row = (await f.call(who, 'GET', `${IMPORTS}/${res.body.value[0].id}`)).body;
      if (row.state.deviceImportStatus === 'complete') return row.state.deviceRegistrationId as string;
      expect(row.state.deviceImportStatus).not.toBe('error');
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('import did not finish');
  }

  it('808 per device when another tenant holds the device; the batch is still finished', async () => {
    await customerImport(f.fabrikam, syntheticHash(1000));
    const id = trackingOf(await create(f, f.csp, f.contoso, 'Taken', [{ hardwareHash: syntheticHash(1000) }, { hardwareHash: syntheticHash(1001) }]), f.contoso);
    const body = await finished(f, f.csp, f.contoso, id);
    expect(body.devicesStatus[0]).toEqual({
      serialNumber: null,
      productKey: null,
      status: 'finished_with_errors',
      errorCode: '808',
      errorDescription: 'ZtdDeviceAssignedToOtherTenant',
      attributes: { objectType: 'DeviceUploadDetails' },
    });
    expect(body.devicesStatus[1]).toMatchObject({ deviceId: expect.stringMatching(GUID), status: 'finished', errorCode: null });
  });

  it("the customer's own device: 806 when a partner submits it, and invisible to every partner (404 1000 on delete)", async () => {
    const own = await customerImport(f.contoso, syntheticHash(1100));
    const id = trackingOf(await create(f, f.csp, f.contoso, 'Own', [{ hardwareHash: syntheticHash(1100) }]), f.contoso);
    const body = await finished(f, f.csp, f.contoso, id);
    expect(body.devicesStatus[0]).toMatchObject({ status: 'finished_with_errors', errorCode: '806', errorDescription: 'ZtdDeviceAlreadyAssigned' });
    for (const who of [f.csp, f.csp2]) {
      const list = await f.pc(who, 'GET', `${base(f.contoso)}/deviceBatches/Own/devices`);
      expect(list.body.items).toEqual([]);
      for (const method of ['DELETE', 'PUT'] as const) {
        const res = await f.pc(who, method, `${base(f.contoso)}/deviceBatches/Own/devices/${own}`, method === 'PUT' ? {} : undefined);
        expect([method, res.status, res.body.code]).toEqual([method, 404, 1000]);
      }
    }
    expect((await f.call(f.contoso, 'GET', `${DEVICES}/${own}`)).status).toBe(200);
  });

  it("the customer's Graph list shows a partner's registration like any other, with the batch name as group tag", async () => {
    const id = trackingOf(await create(f, f.csp, f.contoso, 'Graph view', [{ hardwareHash: syntheticHash(1200) }]), f.contoso);
    const deviceId = (await finished(f, f.csp, f.contoso, id)).devicesStatus[0].deviceId as string;
    const list = await f.call(f.contoso, 'GET', `${DEVICES}?$filter=${encodeURIComponent("groupTag eq 'Graph view'")}`);
    expect(list.status).toBe(200);
    expect(list.body.value.map((d: { id: string }) => d.id)).toEqual([deviceId]);
    // Graph's imported-device list shows only the customer's own rows, not the partner's.
    const imports = await f.call(f.contoso, 'GET', IMPORTS);
    expect(imports.body.value.some((r: { groupTag: string }) => r.groupTag === 'Graph view')).toBe(false);
  });

  it('[needs h/hashless] a second related partner lists, updates and deletes a device of the first partner\'s batch; the Entra object stays', async () => {
    const id = trackingOf(await create(f, f.csp, f.contoso, 'Shared', [{ hardwareHash: syntheticHash(1300), serialNumber: 'SHARED-1' }]), f.contoso);
    const deviceId = (await finished(f, f.csp, f.contoso, id)).devicesStatus[0].deviceId as string;
    const graphDevice = (await f.call(f.contoso, 'GET', `${DEVICES}/${deviceId}`)).body;
    const list = await f.pc(f.csp2, 'GET', `${base(f.contoso)}/deviceBatches/Shared/devices`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ totalCount: 1, continuationToken: null, attributes: { objectType: 'Collection' } });
    expect(list.body.items[0]).toEqual({
      id: deviceId,
      serialNumber: graphDevice.serialNumber,
      // The hash's own product key ID (the synthetic device has one); never the hash itself.
      productKey: graphDevice.productKey || null,
      modelName: graphDevice.model,
      oemManufacturerName: graphDevice.manufacturer,
      policies: [{ key: 'o_o_b_e', value: null }],
      uploadedDate: expect.stringMatching(/Z$/),
      uploadedBy: 'contoso-csp.onmicrosoft.com',
      allowedOperations: ['GET', 'PATCH', 'DELETE'],
      attributes: { objectType: 'Device' },
    });
    expect(list.body.items[0]).not.toHaveProperty('hardwareHash');
    const batches = (await f.pc(f.csp2, 'GET', `${base(f.contoso)}/deviceBatches`)).body.items as { id: string; devicesCount: number }[];
    expect(batches.find((b) => b.id === 'Shared')?.devicesCount).toBe(1);
    const put = await f.pc(f.csp2, 'PUT', `${base(f.contoso)}/deviceBatches/Shared/devices/${deviceId}`, { Id: deviceId, Policies: [] });
    expect([put.status, put.body.id]).toEqual([200, deviceId]);
    // PUT applies a Device body's policies (the SDK's IDevice.Patch sends PUT), and removes them with a null value.
    const policy = await f.pc(f.csp2, 'POST', `${base(f.contoso)}/policies`, { Name: 'Kiosk', PolicySettings: ['SkipEula'] });
    const applied = await f.pc(f.csp2, 'PUT', `${base(f.contoso)}/deviceBatches/Shared/devices/${deviceId}`, { Id: deviceId, Policies: [{ Key: 'o_o_b_e', Value: policy.body.id }] });
    expect([applied.status, applied.body.policies]).toEqual([200, [{ key: 'o_o_b_e', value: policy.body.id }]]);
    const unknownPolicy = await f.pc(f.csp2, 'PUT', `${base(f.contoso)}/deviceBatches/Shared/devices/${deviceId}`, { policies: [{ key: 'o_o_b_e', value: randomUUID() }] });
    expect([unknownPolicy.status, unknownPolicy.body.code]).toEqual([404, 1000]);
    const cleared = await f.pc(f.csp2, 'PUT', `${base(f.contoso)}/deviceBatches/Shared/devices/${deviceId}`, { policies: [{ key: 'o_o_b_e', value: null }] });
    expect(cleared.body.policies).toEqual([{ key: 'o_o_b_e', value: null }]);

    const entraId = graphDevice.azureActiveDirectoryDeviceId as string;
    const entraBefore = await f.call(f.contoso, 'GET', `/v1.0/devices?$filter=${encodeURIComponent(`deviceId eq '${entraId}'`)}`);
    expect(entraBefore.body.value).toHaveLength(1);
    const del = await f.pc(f.csp2, 'DELETE', `${base(f.contoso)}/deviceBatches/Shared/devices/${deviceId}`);
    expect([del.status, del.body]).toEqual([204, undefined]);
    expect((await f.call(f.contoso, 'GET', `${DEVICES}/${deviceId}`)).status).toBe(404);
    const entraAfter = await f.call(f.contoso, 'GET', `/v1.0/devices?$filter=${encodeURIComponent(`deviceId eq '${entraId}'`)}`);
    expect(entraAfter.body.value).toHaveLength(1);
    expect(entraAfter.body.value[0].physicalIds.some((p: string) => p.startsWith('[ZTDID]'))).toBe(false);
    expect((await f.pc(f.csp, 'GET', `${base(f.contoso)}/deviceBatches/Shared/devices`)).body.items).toEqual([]);
    expect((await f.pc(f.csp, 'DELETE', `${base(f.contoso)}/deviceBatches/Shared/devices/${deviceId}`)).status).toBe(404);
    // The hardware is free again: the customer can register it itself.
    await customerImport(f.contoso, syntheticHash(1300));
  });

  it('[needs h/hashless] a device enrolled in Intune with a user: the partner deletes the registration only (the managed device stays), where Graph would refuse', async () => {
    const hash = syntheticHash(1500);
    const id = trackingOf(await create(f, f.csp, f.contoso, 'Enrolled', [{ hardwareHash: hash }]), f.contoso);
    const deviceId = (await finished(f, f.csp, f.contoso, id)).devicesStatus[0].deviceId as string;
    expect((await oobe(f, 'enroll', { hardwareHash: hash, userPrincipalName: 'ada@contoso.onmicrosoft.com' })).status).toBeLessThan(300);
    const managedId = (await f.call(f.contoso, 'GET', `${DEVICES}/${deviceId}`)).body.managedDeviceId as string;
    expect(managedId).toMatch(GUID);
    expect((await f.pc(f.csp, 'DELETE', `${base(f.contoso)}/deviceBatches/Enrolled/devices/${deviceId}`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `${DEVICES}/${deviceId}`)).status).toBe(404);
    expect((await f.call(f.contoso, 'GET', `${MANAGED}/${managedId}`)).status).toBe(200);
  });

  it('[needs h/hashless] registers by tuple (exact case) and by product key ID, without a hash', async () => {
    const id = trackingOf(
      await create(f, f.csp, f.contoso, 'Hashless', [
        { serialNumber: 'TUP-1', oemManufacturerName: 'Contoso Hardware', modelName: 'Laptop Pro 7' },
        { productKey: pkid(1400) },
      ]),
      f.contoso,
    );
    const body = await finished(f, f.csp, f.contoso, id);
    expect(body.devicesStatus.map((d: { status: string }) => d.status)).toEqual(['finished', 'finished']);
    const items = (await f.pc(f.csp, 'GET', `${base(f.contoso)}/deviceBatches/Hashless/devices`)).body.items as Record<string, unknown>[];
    expect(items.find((d) => d['serialNumber'] === 'TUP-1')).toMatchObject({ oemManufacturerName: 'Contoso Hardware', modelName: 'Laptop Pro 7' });
  });

  it('[needs h/hashless] pages a batch of 250 devices by 100 with MS-ContinuationToken', async () => {
    const devices = Array.from({ length: 250 }, (_, i) => ({ hardwareHash: syntheticHash(2000 + i) }));
    const id = trackingOf(await create(f, f.csp, f.contoso, 'Paged', devices), f.contoso);
    await finished(f, f.csp, f.contoso, id);
    const seen: string[] = [];
    let token: string | null = null;
    const sizes: number[] = [];
    do {
      const page: PartnerCenterResponse = await f.pc(f.csp, 'GET', `${base(f.contoso)}/deviceBatches/Paged/devices`, undefined, token ? { 'MS-ContinuationToken': token } : {});
      expect(page.status).toBe(200);
      sizes.push(page.body.items.length);
      seen.push(...(page.body.items as { id: string }[]).map((d) => d.id));
      token = page.body.continuationToken as string | null;
    } while (token !== null);
    expect(sizes).toEqual([100, 100, 50]);
    expect(new Set(seen).size).toBe(250);
  });
});
