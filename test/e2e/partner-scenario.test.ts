// Done-when for partner (CSP) and OEM registration (issue 9), against the real `tarmac serve` on SQLite and on
// PostgreSQL, over real HTTP, with organisations made by the real CLI:
//   - a partner without a relationship gets 403 (code 20002) on every customer route;
//   - after the customer accepts, a tuple-only registration of real devices (their tuples read from the real corpus)
//     works, and that device's OOBE with its real hash gets the customer's profile;
//   - the batch status shows one device finished_with_errors with 808 when another tenant already holds it;
//   - a second partner of the same customer lists and deletes that device; a customer-uploaded device is invisible
//     to both partners; after revocation, 403;
//   - an OEM registers, then deregisters with a blank tenant, and the device is then free for another tenant;
//   - the isolation matrix: every partner/OEM route × a customer without a relationship × another customer's batch
//     and tracking id → 403/404, and never data.
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { decodeHardwareHash } from '../../src/hash/index.js';
import { loadRealHashes, needsRealHashes, fromRealHashes } from '../support/real-hashes.js';
import { createPostgresScratch, TEST_ENGINES } from '../support/test-databases.js';
import { userDrivenProfileBody } from '../support/profiles.js';
import { cli, demoOf, getToken, killAll, removeTemps, serve, tempDir } from '../support/serve-process.js';

afterEach(killAll);
afterAll(removeTemps);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const PC_SCOPE = 'https://api.partnercenter.microsoft.com/.default';

interface RealDevice {
  hash: string;
  manufacturer: string;
  model: string;
  serialNumber: string;
}

/** Real devices whose SMBIOS holds a full tuple, one per device (the corpus has a few devices twice). */
const REAL_DEVICES: RealDevice[] = fromRealHashes(() => {
  const seen = new Set<string>();
  const out: RealDevice[] = [];
  for (const h of loadRealHashes()) {
    const identity = decodeHardwareHash(h.hash).identity;
    if (!identity?.tuple || !identity.manufacturer || !identity.model || !identity.serialNumber || seen.has(identity.tuple)) continue;
    seen.add(identity.tuple);
    out.push({ hash: h.hash, manufacturer: identity.manufacturer, model: identity.model, serialNumber: identity.serialNumber });
  }
  return out;
}, []);

async function token(url: string, tenant: string, clientId: string, secret: string, scope: string): Promise<string> {
  const res = await fetch(`${url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

function caller(url: string, bearer: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined, headers: res.headers };
  };
}

async function until<T>(what: string, get: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await get();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not finish`);
}

for (const engine of TEST_ENGINES) {
  describe(`partner and OEM registration against tarmac serve on ${engine}`, () => {
    it(
      'relationships, Partner Center batches of real tuples, OOBE, 808, a second partner, revocation, OEM deregistration, isolation',
      { ...needsRealHashes, timeout: 240_000 },
      async () => {
        expect(REAL_DEVICES.length, 'real devices with a full SMBIOS tuple').toBeGreaterThanOrEqual(4);
        const [tupleDevice, heldDevice, customerDevice, oemDevice] = REAL_DEVICES as [RealDevice, RealDevice, RealDevice, RealDevice];
        const dir = tempDir();
        const scratch = engine === 'postgres' ? await createPostgresScratch() : undefined;
        try {
          const env = { TARMAC_DATA_DIR: join(dir, 'data'), ...(scratch ? { TARMAC_DATABASE_URL: scratch.url } : {}) };
          const served = await serve(env);
          const url = served.url;
          const demo = demoOf(served.stdout());
          const customerGraph = caller(url, await getToken(url, demo.tenant, demo.clientId, demo.clientSecret));
          const customerId: string = (await customerGraph('GET', '/v1.0/organization')).body.value[0].id;

          // Organisations, by the CLI on the server's database.
          const create = async (args: string[]): Promise<Json> => {
            const r = await cli(env, [...args, '--json']);
            expect(r.code, r.stderr + r.stdout).toBe(0);
            return JSON.parse(r.stdout) as Json;
          };
          const fabrikam = await create(['tenant', 'create', '--domain', 'fabrikam-e2e.onmicrosoft.com']);
          const csp = await create(['partner', 'create', '--domain', 'contoso-csp-e2e.onmicrosoft.com']);
          const csp2 = await create(['partner', 'create', '--domain', 'northwind-csp-e2e.onmicrosoft.com']);
          const oem = await create(['oem', 'create', '--domain', 'litware-oem-e2e.onmicrosoft.com']);
          const pcOf = async (o: Json) => caller(url, await token(url, o.tenantId, o.clientId, o.clientSecret, PC_SCOPE));
          const pc = await pcOf(csp);
          const pc2 = await pcOf(csp2);
          const oemApi = await pcOf(oem);
          const fabrikamGraph = caller(url, await token(url, fabrikam.tenantId, fabrikam.clientId, fabrikam.clientSecret, 'https://graph.microsoft.com/.default'));
          const base = `/v1/customers/${customerId}`;

          // 1. Without a relationship: 403 20002 on every customer route, and never data.
          const customerRoutes: [string, string, unknown?][] = [
            ['GET', base],
            ['PATCH', base, { relationshipToPartner: 'none' }],
            ['GET', `${base}/deviceBatches`],
            ['POST', `${base}/deviceBatches`, { batchId: 'x', devices: [{ productKey: '3309876543210' }] }],
            ['POST', `${base}/deviceBatches/x/devices`, [{ productKey: '3309876543210' }]],
            ['GET', `${base}/deviceBatches/x/devices`],
            ['PUT', `${base}/deviceBatches/x/devices/00000000-0000-4000-8000-000000000000`, { id: '00000000-0000-4000-8000-000000000000' }],
            ['DELETE', `${base}/deviceBatches/x/devices/00000000-0000-4000-8000-000000000000`],
            ['GET', `${base}/batchJobStatus/00000000-0000-4000-8000-000000000000`],
            ['GET', `${base}/policies`],
            ['POST', `${base}/policies`, { name: 'p', category: 'o_o_b_e', policySettings: ['skip_eula'] }],
            ['GET', `${base}/policies/00000000-0000-4000-8000-000000000000`],
            ['PUT', `${base}/policies/00000000-0000-4000-8000-000000000000`, { name: 'p', policySettings: [] }],
            ['DELETE', `${base}/policies/00000000-0000-4000-8000-000000000000`],
            ['PATCH', `${base}/DevicePolicyUpdates`, { devices: [] }],
          ];
          for (const [method, path, body] of customerRoutes) {
            const res = await pc(method, path, body);
            expect(res.status, `${method} ${path}`).toBe(403);
            expect(res.body, `${method} ${path}`).toEqual({ code: 20002, description: expect.stringContaining('no reseller relationship'), data: [], source: 'PartnerFD' });
          }

          // 2. The customer accepts both partners' invitations and the OEM's consent link.
          for (const [who, api] of [
            [csp, pc],
            [csp2, pc2],
          ] as const) {
            const link = await api('GET', '/v1/customers/relationshiprequests');
            expect(link.status).toBe(200);
            const accepted = await cli(env, ['partner', 'accept', link.body.url, '--tenant', demo.tenant]);
            expect(accepted.code, accepted.stderr).toBe(0);
            expect((await api('GET', base)).body.relationshipToPartner, who.domain).toBe('reseller');
          }
          const consent = await oemApi('GET', '/oem/v1/consentLink');
          expect(consent.status, JSON.stringify(consent.body)).toBe(200);
          expect((await cli(env, ['partner', 'accept', consent.body.url, '--tenant', demo.tenant])).code).toBe(0);

          // The customer's profile for every device, and another tenant (fabrikam) holding one of the real devices.
          const profile = await customerGraph('POST', '/beta/deviceManagement/windowsAutopilotDeploymentProfiles', userDrivenProfileBody({ displayName: 'Customer profile', description: 'e2e', deviceNameTemplate: '' }));
          expect(profile.status, JSON.stringify(profile.body)).toBe(201);
          const assigned = await customerGraph('POST', `/beta/deviceManagement/windowsAutopilotDeploymentProfiles/${profile.body.id}/assignments`, {
            target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' },
          });
          expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);
          const importFor = async (graph: typeof customerGraph, hash: string): Promise<Json> => {
            const created = await graph('POST', '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities', { hardwareIdentifier: hash });
            expect(created.status, JSON.stringify(created.body)).toBe(201);
            const done = await until(
              'import',
              () => graph('GET', `/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/${created.body.id}`),
              (r) => ['complete', 'error'].includes(r.body.state.deviceImportStatus),
            );
            return done.body.state;
          };
          expect((await importFor(fabrikamGraph, heldDevice.hash)).deviceImportStatus).toBe('complete');
          expect((await importFor(customerGraph, customerDevice.hash)).deviceImportStatus).toBe('complete');

          // 3. The partner registers two real devices by their tuples only (and the customer's own device by hash).
          const tupleOf = (d: RealDevice) => ({ serialNumber: d.serialNumber, oemManufacturerName: d.manufacturer, modelName: d.model });
          const created = await pc('POST', `${base}/deviceBatches`, { batchId: 'Wave 7', devices: [tupleOf(tupleDevice), tupleOf(heldDevice), { hardwareHash: customerDevice.hash }] });
          expect(created.status, JSON.stringify(created.body)).toBe(202);
          const location = created.headers.get('location') ?? '';
          expect(location).toMatch(new RegExp(`^/customers/${customerId}/batchJobStatus/[0-9a-f-]{36}$`));
          const status = await until('batch', () => pc('GET', `/v1${location}`), (r) => r.body.status === 'finished');
          expect(status.body.attributes).toEqual({ objectType: 'BatchUploadDetails' });
          const [ok, held, own] = status.body.devicesStatus as Json[];
          expect(ok).toMatchObject({ serialNumber: tupleDevice.serialNumber, status: 'finished', errorCode: null });
          expect(held).toMatchObject({ serialNumber: heldDevice.serialNumber, status: 'finished_with_errors', errorCode: '808', errorDescription: 'ZtdDeviceAssignedToOtherTenant' });
          expect(own).toMatchObject({ status: 'finished_with_errors', errorCode: '806', errorDescription: 'ZtdDeviceAlreadyAssigned' });
          const ztd: string = ok.deviceId;

          // The customer's Graph view shows it like any other device; its OOBE with the real hash gets the profile.
          const apDevice = await customerGraph('GET', `/v1.0/deviceManagement/windowsAutopilotDeviceIdentities/${ztd}`);
          expect(apDevice.status).toBe(200);
          expect(apDevice.body.serialNumber).toBe(tupleDevice.serialNumber);
          const oobe = await fetch(`${url}/oobe/v1/profile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hardwareHash: tupleDevice.hash }) });
          const oobeBody = (await oobe.json()) as Json;
          expect(oobe.status, JSON.stringify(oobeBody)).toBe(200);
          expect(oobeBody.ZtdCorrelationId).toBe(profile.body.id);
          expect(oobeBody.CloudAssignedTenantId).toBe(customerId);

          // 4. The second partner sees the batch, lists and deletes the device; the customer's own device is in no batch.
          const batches = await pc2('GET', `${base}/deviceBatches`);
          expect(batches.status).toBe(200);
          expect(batches.body.items.map((b: Json) => [b.id, b.devicesCount])).toEqual([['Wave 7', 1]]);
          const devices = await pc2('GET', `${base}/deviceBatches/${encodeURIComponent('Wave 7')}/devices`);
          expect(devices.body.items.map((d: Json) => d.id)).toEqual([ztd]);
          for (const api of [pc, pc2]) {
            const all = await api('GET', `${base}/deviceBatches/${encodeURIComponent('Wave 7')}/devices`);
            expect(JSON.stringify(all.body)).not.toContain(customerDevice.serialNumber);
          }
          const customerZtd: string = (await customerGraph('GET', '/v1.0/deviceManagement/windowsAutopilotDeviceIdentities')).body.value.find(
            (d: Json) => d.serialNumber !== tupleDevice.serialNumber,
          ).id;
          expect((await pc('DELETE', `${base}/deviceBatches/${encodeURIComponent('Wave 7')}/devices/${customerZtd}`)).status).toBe(404);
          expect((await pc2('DELETE', `${base}/deviceBatches/${encodeURIComponent('Wave 7')}/devices/${ztd}`)).status).toBe(204);
          expect((await customerGraph('GET', `/v1.0/deviceManagement/windowsAutopilotDeviceIdentities/${ztd}`)).status).toBe(404);

          // 5. Revocation: the next call is refused.
          expect((await cli(env, ['partner', 'revoke', '--partner', csp2.tenantId, '--tenant', demo.tenant])).code).toBe(0);
          expect((await pc2('GET', `${base}/deviceBatches`)).status).toBe(403);
          expect((await pc('GET', `${base}/deviceBatches`)).status).toBe(200);

          // 6. The OEM registers a real device by its tuple for the customer, then deregisters it with a blank tenant.
          const oemDeviceBody = { SerialNumber: oemDevice.serialNumber, Manufacturer: oemDevice.manufacturer, Model: oemDevice.model };
          const registered = await oemApi('POST', '/oem/v1/AutopilotDeviceRegistration', { devices: [{ TenantID: customerId, ...oemDeviceBody }] });
          expect(registered.status, JSON.stringify(registered.body)).toBe(202);
          const oemStatus = await until('OEM registration', () => oemApi('GET', registered.headers.get('location') ?? ''), (r) => r.body.status === 'finished');
          expect(oemStatus.body.devicesStatus[0], JSON.stringify(oemStatus.body)).toMatchObject({ status: 'finished' });
          expect((await importFor(fabrikamGraph, oemDevice.hash)).deviceErrorName).toBe('ZtdDeviceAssignedToOtherTenant');
          const deregistered = await oemApi('POST', '/oem/v1/AutopilotDeviceRegistration', { devices: [{ TenantID: '', TenantDomain: '', ...oemDeviceBody }] });
          expect(deregistered.status, JSON.stringify(deregistered.body)).toBe(202);
          const deregStatus = await until('OEM deregistration', () => oemApi('GET', deregistered.headers.get('location') ?? ''), (r) => r.body.status === 'finished');
          expect(deregStatus.body.devicesStatus[0], JSON.stringify(deregStatus.body)).toMatchObject({ status: 'finished' });
          expect((await importFor(fabrikamGraph, oemDevice.hash)).deviceImportStatus).toBe('complete');

          // 7. Isolation: the partner's own batch and tracking id through another customer (fabrikam, no
          // relationship) → 403; csp2 (revoked) → 403; the OEM and the customer on Partner Center → 403; Graph tokens → 401.
          const trackingId = location.split('/').pop() ?? '';
          const other = `/v1/customers/${fabrikam.tenantId}`;
          const reads: [string, string][] = [
            ['GET', `${other}/deviceBatches`],
            ['GET', `${other}/deviceBatches/${encodeURIComponent('Wave 7')}/devices`],
            ['GET', `${other}/batchJobStatus/${trackingId}`],
            ['GET', `${other}/policies`],
            ['DELETE', `${other}/deviceBatches/${encodeURIComponent('Wave 7')}/devices/${ztd}`],
          ];
          for (const [method, path] of reads) {
            for (const api of [pc, pc2]) {
              const res = await api(method, path);
              expect(res.status, `${method} ${path}`).toBe(403);
              expect(JSON.stringify(res.body)).not.toContain('Wave 7');
            }
          }
          for (const [method, path] of [
            ['GET', `${base}/deviceBatches`],
            ['GET', `/v1${location}`],
          ] as const) {
            expect((await oemApi(method, path)).status, `OEM ${method} ${path}`).toBe(403);
            expect((await customerGraph(method, path)).status, `Graph token ${method} ${path}`).toBe(401);
          }
          // A tracking id is not a key to another submitter's data: csp's job through csp2's own customer path is 404.
          expect((await pc2('GET', `/v1/customers/${fabrikam.tenantId}/batchJobStatus/${trackingId}`)).status).toBe(403);
          expect((await oemApi('GET', `/oem/v1/AutopilotDeviceRegistration/${trackingId}`)).status).toBe(404);
          const otherOem = await create(['oem', 'create', '--domain', 'tailspin-oem-e2e.onmicrosoft.com']);
          const otherOemApi = await pcOf(otherOem);
          expect((await otherOemApi('GET', registered.headers.get('location') ?? '')).status).toBe(404);
          const unconsented = await otherOemApi('POST', '/oem/v1/AutopilotDeviceRegistration', { devices: [{ TenantID: customerId, ...oemDeviceBody }] });
          expect(unconsented.status).toBe(202);
          const refused = await until('OEM without consent', () => otherOemApi('GET', unconsented.headers.get('location') ?? ''), (r) => r.body.status === 'finished');
          expect(refused.body.devicesStatus[0]).toMatchObject({ status: 'finished_with_errors', errorCode: '895', errorDescription: 'OemRelationshipRequired' });
          expect(JSON.stringify(refused.body)).not.toContain(demo.tenant);
        } finally {
          await scratch?.drop();
        }
      },
    );
  });
}
