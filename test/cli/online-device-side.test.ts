// The device side through the real binary against the real server: `tarmac simulate` playing a PC (not registered,
// the profile, the first run, workplace join), the guardrail explained by `tarmac import`, `tarmac graph` raw calls,
// and `tarmac devices offboard` after a refused delete.
import { describe, expect, it } from 'vitest';
import { syntheticDevice, writeCsv } from '../support/online-server.js';
import { ONLINE_TIMEOUT, useOnlineServer } from '../support/online-cli.js';

const s = useOnlineServer();

describe('tarmac simulate, graph and devices offboard (online)', () => {
  it('plays a PC: not registered, then registered (profile, enrollment), and the device is then offboarded in order', async () => {
    const pc = syntheticDevice(901);
    const file = writeCsv(s.dir, 'pc.csv', [pc]);

    const unregistered = await s.cli(['simulate', 'oobe', file]);
    expect(unregistered.code).toBe(1);
    expect(unregistered.stdout).toContain('ZtdDeviceIsNotRegistered (807)');
    expect(unregistered.stdout).toContain('normal Windows OOBE');

    const imported = await s.cli(['import', file]);
    expect(imported.code, imported.stderr + imported.stdout).toBe(0);

    const oobe = await s.cli(['simulate', 'oobe', file]);
    expect(oobe.code, oobe.stderr).toBe(0);
    expect(oobe.stdout).toContain(`PC ${pc.serialNumber}`);
    expect(oobe.stdout).toMatch(/tenant\s+demo\.onmicrosoft\.com/);
    expect(oobe.stdout).toMatch(/OOBE config\s+\d+: .*SkipEula/);

    const enroll = await s.cli(['simulate', 'enroll', '--upn', 'ada@demo.onmicrosoft.com', '--json', file]);
    expect(enroll.code, enroll.stderr).toBe(0);
    const [played] = JSON.parse(enroll.stdout) as { ok: boolean; steps: { step: string; status: number; response: { managedDevice: { id: string } } }[] }[];
    expect(played.steps.map((st) => [st.step, st.status])).toEqual([
      ['profile', 200],
      ['enroll', 200],
    ]);
    const managedId = played.steps[1].response.managedDevice.id as string;
    expect(played.steps[1].response).toMatchObject({ enrollmentState: 'enrolled', entraDevice: { trustType: 'AzureAd' } });

    const managed = await s.cli(['graph', 'GET', `/v1.0/deviceManagement/managedDevices/${managedId}`]);
    expect(managed.code, managed.stderr).toBe(0);
    expect(JSON.parse(managed.stdout)).toMatchObject({ id: managedId, serialNumber: pc.serialNumber, managedDeviceOwnerType: 'company' });

    // The wrong order is refused with the name of what to delete first; offboard does it in the right order.
    const refused = await s.cli(['devices', 'delete', pc.serialNumber]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(managedId);
    const offboard = await s.cli(['devices', 'offboard', pc.serialNumber]);
    expect(offboard.code, offboard.stderr).toBe(0);
    expect(offboard.stdout).toMatch(new RegExp(`${pc.serialNumber}\\t${pc.serialNumber}\\tintune\\tdeleted\\t.*${managedId}`));
    expect(offboard.stdout).toMatch(/\tautopilot\tderegistered\t/);
    expect(offboard.stdout).toMatch(/\tentra\tkept\t/);
    const again = await s.cli(['devices', 'offboard', '--json', pc.serialNumber]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)[0]).toMatchObject({ completed: false, message: expect.stringContaining('no Autopilot device') });

    const gone = await s.cli(['graph', 'GET', `/v1.0/deviceManagement/managedDevices/${managedId}`]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/404 ResourceNotFound: No managedDevice with id/);
  }, ONLINE_TIMEOUT);

  it('a workplace-joined MDM-only PC is refused by import with the guardrail explained, and registers once removed', async () => {
    const pc = syntheticDevice(902);
    const file = writeCsv(s.dir, 'byod.csv', [pc]);
    const noUpn = await s.cli(['simulate', 'workplace-join', file]);
    expect(noUpn.code).toBe(2);
    expect(noUpn.stderr).toContain('--upn');

    const joined = await s.cli(['simulate', 'workplace-join', '--upn', 'bo@demo.onmicrosoft.com', '--mdm', file]);
    expect(joined.code, joined.stderr).toBe(0);
    expect(joined.stdout).toMatch(/Entra\s+registered \(Workplace, Personal\)/);
    expect(joined.stdout).toMatch(/Intune\s+personal managed device/);

    const refused = await s.cli(['import', '--json', file]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).rows[0]).toMatchObject({ deviceErrorCode: 814, deviceErrorName: 'ZtdDeviceAlreadyAadRegistered' });
    const explained = await s.cli(['import', file]);
    expect(explained.stdout + explained.stderr).toContain('remove it from Intune and Entra ID first, then register it');

    const list = await s.cli(['graph', 'GET', "/v1.0/deviceManagement/managedDevices?$filter=managedDeviceOwnerType eq 'personal'", '--json']);
    const personal = JSON.parse(list.stdout).body.value as { id: string; azureADDeviceId: string }[];
    expect(personal).toHaveLength(1);
    const entra = JSON.parse((await s.cli(['graph', 'GET', `/v1.0/devices?$filter=deviceId eq '${personal[0].azureADDeviceId}'`])).stdout).value[0];
    expect((await s.cli(['graph', 'DELETE', `/v1.0/deviceManagement/managedDevices/${personal[0].id}`])).code).toBe(0);
    expect((await s.cli(['graph', 'DELETE', `/v1.0/devices/${entra.id}`])).code).toBe(0);
    const registered = await s.cli(['import', file]);
    expect(registered.code, registered.stdout).toBe(0);

    const badBody = await s.cli(['graph', 'POST', '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities', '--body', '{not json']);
    expect(badBody.code).toBe(2);
    expect(badBody.stderr).toContain('--body is not JSON');
  }, ONLINE_TIMEOUT);
});
