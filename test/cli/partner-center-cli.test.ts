// `tarmac partner upload|batches|devices|status|delete` against the real `tarmac serve` (SQLite): a partner made by
// the CLI, accepted by the customer, uploads a Partner Center CSV (tuples, a product key ID, hashes, a row the CSV
// gets wrong, a device another tenant holds), one result per line and exit 1; then lists, reads a tracking id and
// deletes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import { cli, demoOf, getToken, killAll, removeTemps, serve, tempDir } from '../support/serve-process.js';

afterEach(killAll);
afterAll(removeTemps);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const HEADER = 'Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model';

describe('tarmac partner upload and the Partner Center commands', () => {
  it(
    'uploads 1000 a call, reports every CSV line, and lists, reads and deletes',
    { timeout: 180_000 },
    async () => {
      const dir = tempDir();
      const env = { TARMAC_DATA_DIR: join(dir, 'data') };
      const served = await serve(env);
      const demo = demoOf(served.stdout());
      const created = await cli(env, ['partner', 'create', '--domain', 'contoso-csp.onmicrosoft.com', '--json']);
      expect(created.code, created.stderr).toBe(0);
      const csp = JSON.parse(created.stdout) as Json;
      const invite = await cli(env, ['partner', 'invite', '--partner', csp.tenantId, '--json']);
      expect((await cli(env, ['partner', 'accept', (JSON.parse(invite.stdout) as Json).url, '--tenant', demo.tenant])).code).toBe(0);
      const asPartner = { ...env, TARMAC_SERVER: served.url, TARMAC_TENANT: csp.tenantId, TARMAC_CLIENT_ID: csp.clientId, TARMAC_CLIENT_SECRET: csp.clientSecret };

      // Another tenant (a second customer) already holds one device.
      const other = JSON.parse((await cli(env, ['tenant', 'create', '--domain', 'fabrikam.onmicrosoft.com', '--json'])).stdout) as Json;
      const held = encodeHardwareHash(syntheticInventory(9302)).base64;
      const token = await getToken(served.url, other.tenantId, other.clientId, other.clientSecret);
      const imported = await fetch(`${served.url}/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ hardwareIdentifier: held }),
      });
      expect(imported.status).toBe(201);
      await new Promise((r) => setTimeout(r, 500));

      // 1,201 devices: two calls. Line 2 a tuple, line 3 a product key ID, line 4 the held device, line 5 wrong.
      const tuple = syntheticInventory(9301).system;
      const lines = [
        HEADER,
        `${tuple.serialNumber},,,${tuple.manufacturer},${tuple.model}`,
        ',3309876543210,,,',
        `,,${held},,`,
        'LONELY-SERIAL,,,,',
      ];
      for (let seed = 20_000; lines.length < 1 + 1201; seed++) lines.push(`,,${encodeHardwareHash(syntheticInventory(seed)).base64},,`);
      const csv = join(dir, 'devices.csv');
      writeFileSync(csv, `${lines.join('\r\n')}\r\n`);

      const upload = await cli(asPartner, ['partner', 'upload', '--customer', 'demo.onmicrosoft.com', '--batch', 'Wave 7', csv, '--json']);
      expect(upload.code, upload.stderr).toBe(1);
      const report = JSON.parse(upload.stdout) as Json;
      expect(report.summary).toEqual({ rows: 1201, registered: 1199, failed: 1, invalid: 1, pending: 0 });
      expect(report.trackingIds).toHaveLength(2);
      const byLine = new Map<number, Json>((report.rows as Json[]).map((r) => [r.line, r]));
      expect(byLine.get(2)).toMatchObject({ serialNumber: tuple.serialNumber, status: 'registered' });
      expect(byLine.get(3)).toMatchObject({ productKey: '3309876543210', status: 'registered' });
      expect(byLine.get(4)).toMatchObject({ status: 'failed', errorCode: '808', errorDescription: 'ZtdDeviceAssignedToOtherTenant' });
      expect(byLine.get(4).message).toContain('another tenant');
      expect(byLine.get(5)).toMatchObject({ status: 'invalid', errorDescription: 'EmptyHardwareHash' });

      const batches = await cli(asPartner, ['partner', 'batches', '--customer', demo.tenant, '--json']);
      expect(batches.code, batches.stderr).toBe(0);
      expect((JSON.parse(batches.stdout) as Json[]).map((b) => [b.id, b.devicesCount])).toEqual([['Wave 7', 1199]]);

      const devices = await cli(asPartner, ['partner', 'devices', '--customer', demo.tenant, '--batch', 'Wave 7', '--json']);
      expect(devices.code, devices.stderr).toBe(0);
      const listed = JSON.parse(devices.stdout) as Json[];
      expect(listed).toHaveLength(1199);
      const tupleDevice = listed.find((d) => d.serialNumber === tuple.serialNumber);
      expect(tupleDevice).toMatchObject({ oemManufacturerName: tuple.manufacturer, modelName: tuple.model });

      const status = await cli(asPartner, ['partner', 'status', '--customer', demo.tenant, report.trackingIds[0]]);
      expect(status.code).toBe(1);
      expect(status.stdout).toMatch(/batch [0-9a-f-]{36}: finished \(999 of 1000 devices finished without errors\)/);
      expect(status.stdout).toContain('ZtdDeviceAssignedToOtherTenant');

      const deleted = await cli(asPartner, ['partner', 'delete', '--customer', demo.tenant, '--batch', 'Wave 7', tupleDevice.id, '00000000-0000-4000-8000-000000000000']);
      expect(deleted.code).toBe(1);
      expect(deleted.stdout).toContain(`deleted ${tupleDevice.id}`);
      expect(deleted.stdout).toMatch(/not deleted 00000000-0000-4000-8000-000000000000: 1000:/);

      const noRelationship = await cli({ ...asPartner }, ['partner', 'batches', '--customer', other.tenantId]);
      expect(noRelationship.code).toBe(2);
      expect(noRelationship.stderr).toContain('no reseller relationship');
    },
  );

  it('tarmac oem register, then oem deregister: one result per line, and the hardware is free again', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const env = { TARMAC_DATA_DIR: join(dir, 'data') };
    const served = await serve(env);
    const demo = demoOf(served.stdout());
    const oem = JSON.parse((await cli(env, ['oem', 'create', '--domain', 'litware-oem.onmicrosoft.com', '--json'])).stdout) as Json;
    const invite = JSON.parse((await cli(env, ['oem', 'invite', '--oem', oem.tenantId, '--json'])).stdout) as Json;
    expect((await cli(env, ['partner', 'accept', invite.url, '--tenant', demo.tenant])).code).toBe(0);
    const asOem = { ...env, TARMAC_SERVER: served.url, TARMAC_TENANT: oem.tenantId, TARMAC_CLIENT_ID: oem.clientId, TARMAC_CLIENT_SECRET: oem.clientSecret };
    const a = syntheticInventory(9401);
    const b = syntheticInventory(9402);
    const csv = join(dir, 'oem.csv');
    writeFileSync(
      csv,
      [HEADER, `${a.system.serialNumber},,,${a.system.manufacturer},${a.system.model}`, `,${b.productKey.productKeyId},,,`, 'ONLY-A-SERIAL,,,,'].join('\r\n') + '\r\n',
    );

    const registered = await cli(asOem, ['oem', 'register', '--customer', 'demo.onmicrosoft.com', '--group-tag', 'Factory', csv, '--json']);
    expect(registered.code, registered.stderr).toBe(1);
    const report = JSON.parse(registered.stdout) as Json;
    expect(report.summary).toEqual({ rows: 3, registered: 2, failed: 1, invalid: 0, pending: 0 });
    expect((report.rows as Json[]).map((r) => [r.line, r.status, r.errorCode])).toEqual([
      [2, 'registered', ''],
      [3, 'registered', ''],
      [4, 'failed', '803'],
    ]);
    // A serial number alone identifies nothing: the OEM API says what is missing.
    expect(report.rows[2].message).toMatch(/Manufacturer.*Model.*missing/);
    const demoToken = await getToken(served.url, demo.tenant, demo.clientId, demo.clientSecret);
    const list = await fetch(`${served.url}/v1.0/deviceManagement/windowsAutopilotDeviceIdentities`, { headers: { authorization: `Bearer ${demoToken}` } });
    const devices = ((await list.json()) as Json).value as Json[];
    expect(devices.map((d) => d.groupTag)).toEqual(['Factory', 'Factory']);

    // Deregister both (the serial-only row fails again); then another tenant registers the hardware.
    const deregistered = await cli(asOem, ['oem', 'deregister', csv]);
    expect(deregistered.code).toBe(1);
    expect(deregistered.stdout).toContain('2 deregistered, 1 failed, 0 not sent');
    const other = JSON.parse((await cli(env, ['tenant', 'create', '--domain', 'fabrikam.onmicrosoft.com', '--json'])).stdout) as Json;
    const token = await getToken(served.url, other.tenantId, other.clientId, other.clientSecret);
    const imported = await fetch(`${served.url}/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ importedWindowsAutopilotDeviceIdentities: [a, b].map((inv) => ({ hardwareIdentifier: encodeHardwareHash(inv).base64 })) }),
    });
    expect(imported.status).toBe(200);
    const ids = (((await imported.json()) as Json).value as Json[]).map((r) => r.id as string);
    for (const id of ids) {
      let state: Json;
      for (let i = 0; i < 100; i++) {
        state = ((await (await fetch(`${served.url}/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Json).state;
        if (state.deviceImportStatus !== 'unknown' && state.deviceImportStatus !== 'pending') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(state.deviceImportStatus).toBe('complete');
    }
  });
});
