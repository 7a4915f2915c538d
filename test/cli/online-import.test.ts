// The online CLI end to end against the real `tarmac serve`: import a CSV of synthetic devices (a damaged hash and
// an in-file duplicate reported at their lines and not sent; a second import answered 806 at its line), find
// devices with an OData filter, get and delete them by serial number or id. Exit codes as documented.
import { describe, expect, it } from 'vitest';
import { damaged, syntheticDevice, writeCsv } from '../support/online-server.js';
import { demoGraphToken, ONLINE_TIMEOUT, useOnlineServer } from '../support/online-cli.js';

interface ImportJson {
  ok: boolean;
  summary: Record<string, number>;
  rows: { line: number; serialNumber: string; status: string; deviceErrorCode: number | null; deviceErrorName: string; deviceRegistrationId: string }[];
}

const s = useOnlineServer();

async function graphGet(path: string): Promise<{ value: unknown[] }> {
  const access_token = await demoGraphToken(s);
  const res = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${access_token}` } });
  return (await res.json()) as { value: unknown[] };
}

describe('tarmac import, devices list|get|delete (online)', () => {
  const [d1, d2, d3, d4, d5] = [7001, 7002, 7003, 7004, 7005].map(syntheticDevice) as [
    ReturnType<typeof syntheticDevice>,
    ReturnType<typeof syntheticDevice>,
    ReturnType<typeof syntheticDevice>,
    ReturnType<typeof syntheticDevice>,
    ReturnType<typeof syntheticDevice>,
  ];

  it(
    'imports a CSV, maps every result to its line, reports bad rows without sending them, deletes the receipts',
    async () => {
      const csv = writeCsv(s.dir, 'first.csv', [
        { ...d1, groupTag: 'Lab' }, // line 2
        d2, // line 3
        { serialNumber: d3.serialNumber, hash: damaged(d3.hash) }, // line 4
        d4, // line 5
        d1, // line 6: the same device as line 2
      ]);
      const r = await s.cli(['import', csv, '--json']);
      expect(r.code, r.stderr).toBe(1);
      const out = JSON.parse(r.stdout) as ImportJson;
      expect(out.ok).toBe(false);
      expect(out.summary).toEqual({ rows: 5, complete: 3, error: 0, invalid: 2, pending: 0 });
      expect(out.rows.map((row) => [row.line, row.serialNumber, row.status, row.deviceErrorCode, row.deviceErrorName])).toEqual([
        [2, d1.serialNumber, 'complete', 0, ''],
        [3, d2.serialNumber, 'complete', 0, ''],
        [4, d3.serialNumber, 'invalid', 802, 'InvalidZtdHardwareHash'],
        [5, d4.serialNumber, 'complete', 0, ''],
        [6, d1.serialNumber, 'invalid', null, 'ZtdDeviceDuplicated'],
      ]);
      for (const row of out.rows.filter((x) => x.status === 'complete')) expect(row.deviceRegistrationId).toMatch(/^[0-9a-f-]{36}$/);

      // Not sent: the damaged device is not registered. Receipts: deleted once processed.
      const listed = await graphGet(`/v1.0/deviceManagement/windowsAutopilotDeviceIdentities?$filter=${encodeURIComponent(`serialNumber eq '${d3.serialNumber}'`)}`);
      expect(listed.value).toEqual([]);
      expect((await graphGet('/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities')).value).toEqual([]);
    },
    ONLINE_TIMEOUT,
  );

  it(
    'a second import of a registered device: 806 ZtdDeviceAlreadyAssigned at its line, as a table; exit 1',
    async () => {
      const csv = writeCsv(s.dir, 'second.csv', [d5, d1]);
      const r = await s.cli(['import', csv]);
      expect(r.code, r.stderr).toBe(1);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toBe('line\tserial\tstatus\tdeviceErrorCode\tdeviceErrorName\tregistrationId');
      expect(lines[1]).toMatch(new RegExp(`^2\\t${d5.serialNumber}\\tcomplete\\t0\\t\\t[0-9a-f-]{36}$`));
      expect(lines[2]).toBe(`3\t${d1.serialNumber}\terror\t806\tZtdDeviceAlreadyAssigned\t`);
      expect(r.stdout).toContain('line 3: ZtdDeviceAlreadyAssigned: already registered in this tenant (806)');
      expect(r.stdout).toContain('1 imported, 1 failed, 0 not sent');
      expect(r.stderr).toContain('2 rows, 2 to import, 0 with errors');
    },
    ONLINE_TIMEOUT,
  );

  it(
    'devices list --filter, get by serial and by id, delete; re-import after delete succeeds with exit 0',
    async () => {
      const list = await s.cli(['devices', 'list', '--filter', `contains(serialNumber,'${d1.serialNumber}')`, '--json']);
      expect(list.code, list.stderr).toBe(0);
      const devices = JSON.parse(list.stdout) as { id: string; serialNumber: string; groupTag: string }[];
      expect(devices).toHaveLength(1);
      expect(devices[0]).toMatchObject({ serialNumber: d1.serialNumber, groupTag: 'Lab' });
      const id = devices[0]?.id ?? '';

      const all = await s.cli(['devices', 'list']);
      expect(all.code).toBe(0);
      expect(all.stdout.split('\n')[0]).toBe('serial\tmanufacturer\tmodel\tgroupTag\tenrollmentState\tid');
      expect(all.stdout.trim().split('\n')).toHaveLength(1 + 4);
      const top = await s.cli(['devices', 'list', '--top', '2', '--json']);
      expect(JSON.parse(top.stdout)).toHaveLength(2);

      const bySerial = await s.cli(['devices', 'get', d1.serialNumber, '--json']);
      expect(bySerial.code).toBe(0);
      expect(JSON.parse(bySerial.stdout)).toMatchObject({ id, serialNumber: d1.serialNumber });
      const byId = await s.cli(['devices', 'get', id]);
      expect(byId.code).toBe(0);
      expect(byId.stdout).toContain(`serialNumber\t${d1.serialNumber}`);
      const missing = await s.cli(['devices', 'get', 'NO-SUCH-SERIAL']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain("No Autopilot device with id or serial number 'NO-SUCH-SERIAL'");

      const bad = await s.cli(['devices', 'list', '--filter', 'contains(serialNumber,']);
      expect(bad.code).toBe(2);

      const del = await s.cli(['devices', 'delete', d1.serialNumber, 'NO-SUCH-SERIAL', '--json']);
      expect(del.code).toBe(1);
      expect(JSON.parse(del.stdout)).toEqual([
        { target: d1.serialNumber, id, serialNumber: d1.serialNumber, status: 'deleted', message: '' },
        { target: 'NO-SUCH-SERIAL', id: '', serialNumber: '', status: 'notFound', message: 'no device with this id or serial number' },
      ]);
      const gone = await s.cli(['devices', 'list', '--filter', `contains(serialNumber,'${d1.serialNumber}')`, '--json']);
      expect(JSON.parse(gone.stdout)).toEqual([]);

      const again = await s.cli(['import', writeCsv(s.dir, 'again.csv', [d1]), '--group-tag', 'Kiosk', '--json']);
      expect(again.code, again.stdout).toBe(0);
      const back = await s.cli(['devices', 'get', d1.serialNumber, '--json']);
      expect(JSON.parse(back.stdout)).toMatchObject({ serialNumber: d1.serialNumber, groupTag: 'Kiosk' });

      const delById = await s.cli(['devices', 'delete', (JSON.parse(back.stdout) as { id: string }).id]);
      expect(delById.code).toBe(0);
      expect(delById.stdout).toMatch(/deleted/);
    },
    ONLINE_TIMEOUT,
  );
});
