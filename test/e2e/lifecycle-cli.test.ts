// The device-lifecycle walk of lifecycle-scenario.test.ts, through the `tarmac` CLI only (the way an admin or a
// trainer would run it), against the real `tarmac serve` on SQLite and on PostgreSQL.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createPostgresScratch, TEST_ENGINES } from '../support/test-databases.js';
import { labHash, swappedBoardHash } from '../support/lab-devices.js';
import { cli, demoOf, killAll, removeTemps, serve, tempDir } from '../support/serve-process.js';

afterEach(killAll);
afterAll(removeTemps);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

for (const engine of TEST_ENGINES) {
  describe(`device lifecycle through the CLI (${engine})`, () => {
    it(
      'registers, groups, assigns, plays OOBE and enrollment, refuses wrong-order deletes and personal devices, offboards',
      async () => {
        const dir = tempDir();
        const scratch = engine === 'postgres' ? await createPostgresScratch() : undefined;
        try {
          const served = await serve({ TARMAC_DATA_DIR: join(dir, 'data'), ...(scratch ? { TARMAC_DATABASE_URL: scratch.url } : {}) });
          const demo = demoOf(served.stdout());
          const env = { TARMAC_SERVER: served.url, TARMAC_TENANT: demo.tenant, TARMAC_CLIENT_ID: demo.clientId, TARMAC_CLIENT_SECRET: demo.clientSecret };
          const run = async (...args: string[]) => cli(env, args);
          const json = async (...args: string[]): Promise<Json> => {
            const r = await run(...args, '--json');
            expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
            return JSON.parse(r.stdout) as Json;
          };
          const hashFile = (name: string, hash: string): string => {
            const file = join(dir, name);
            writeFileSync(file, hash);
            return file;
          };

          // Unregistered hardware: OOBE says so.
          const nobody = await run('simulate', 'oobe', hashFile('nobody.txt', labHash(910, 'CLI-NOBODY')));
          expect(nobody.code).toBe(1);
          expect(nobody.stdout + nobody.stderr).toContain('ZtdDeviceIsNotRegistered');

          // Group, profile, assignment.
          const group = await json('groups', 'create', '--name', 'CLI lab', '--rule', '(device.devicePhysicalIds -any (_ -eq "[OrderID]:CliLab"))');
          const profile = await json('profile', 'create', '--name', 'CLI lab profile', '--template', 'CL-%SERIAL%');
          await json('profile', 'assign', profile.id, '--group', group.id);

          // Register through a CSV with the group tag.
          const hashA = labHash(911, 'CLIA01');
          const csv = join(dir, 'devices.csv');
          writeFileSync(csv, `Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User\r\nCLIA01,,${hashA},CliLab,\r\n`);
          const imported = await json('import', csv);
          expect(imported.rows[0].status).toBe('complete');
          const ztdA: string = imported.rows[0].deviceRegistrationId;

          const members = await json('groups', 'members', group.id);
          expect(JSON.stringify(members)).toContain(`[ZTDID]:${ztdA}`);

          // The PC: OOBE gets the profile, then enrolls.
          const fileA = hashFile('a.txt', hashA);
          const oobe = await run('simulate', 'oobe', fileA);
          expect(oobe.code, oobe.stdout + oobe.stderr).toBe(0);
          expect(oobe.stdout).toContain('CLI lab profile');
          expect(oobe.stdout).toContain('CL-CLIA01');
          const enroll = await run('simulate', 'enroll', fileA, '--upn', `ada@${demo.tenant}`);
          expect(enroll.code, enroll.stdout + enroll.stderr).toBe(0);

          // Visible in Entra and Intune; deleting from Autopilot first is refused with the managed device named.
          const device = await json('devices', 'get', ztdA);
          expect(device.enrollmentState).toBe('enrolled');
          const refused = await run('devices', 'delete', ztdA);
          expect(refused.code).toBe(1);
          expect(refused.stdout + refused.stderr).toContain(device.managedDeviceId);
          const entra = await json('entra', 'list', '--filter', "physicalIds/any(p:startswith(p,'[ZTDID]'))");
          expect(entra.some((d: Json) => d.trustType === 'AzureAd')).toBe(true);

          // The existing-devices file for the profile: ASCII, exact name.
          const out = join(dir, 'AutopilotConfigurationFile.json');
          const exported = await run('profile', 'export-json', profile.id, '--out', out);
          expect(exported.code, exported.stderr).toBe(0);
          const bytes = readFileSync(out);
          expect([...bytes].every((b) => b < 0x80)).toBe(true);
          expect(JSON.parse(bytes.toString('ascii')).ZtdCorrelationId).toBe(profile.id);
          // …which an unregistered PC carries through Autopilot for existing devices.
          const existing = await run('simulate', 'enroll', hashFile('existing.txt', labHash(913, 'CLIE03')), '--config', out);
          expect(existing.code, existing.stdout + existing.stderr).toBe(0);
          expect(existing.stdout).toContain(`OfflineAutopilotprofile-${profile.id}`);

          // Offboarding runs the whole order: Intune, user, Autopilot, Entra.
          const offboard = await json('devices', 'offboard', 'CLIA01');
          expect(JSON.stringify(offboard)).toMatch(/intune/i);
          const gone = await run('devices', 'get', ztdA);
          expect(gone.code).not.toBe(0);

          // Personal devices are refused until removed from Entra and Intune.
          const hashB = labHash(912, 'CLIB02');
          const fileB = hashFile('b.txt', hashB);
          expect((await run('simulate', 'workplace-join', fileB, '--upn', `bo@${demo.tenant}`, '--mdm')).code).toBe(0);
          const csvB = join(dir, 'b.csv');
          writeFileSync(csvB, `Device Serial Number,Windows Product ID,Hardware Hash\r\nCLIB02,,${hashB}\r\n`);
          const refusedB = await run('import', csvB);
          expect(refusedB.code).toBe(1);
          expect(refusedB.stdout + refusedB.stderr).toContain('814');
          const workplace = await json('entra', 'list', '--filter', "trustType eq 'Workplace'");
          expect((await run('entra', 'delete', workplace[0].id)).code).toBe(0);
          const mdmOnly = await run('import', csvB);
          expect(mdmOnly.code).toBe(1);
          expect(mdmOnly.stdout + mdmOnly.stderr).toMatch(/Mdm/);
          const personal = await json('graph', 'GET', "/v1.0/deviceManagement/managedDevices?$filter=managedDeviceOwnerType eq 'personal'");
          expect((await run('graph', 'DELETE', `/v1.0/deviceManagement/managedDevices/${personal.body.value[0].id}`)).code).toBe(0);
          const accepted = await json('import', csvB);
          expect(accepted.rows[0].status).toBe('complete');

          // A new motherboard is flagged.
          const swapped = await run('simulate', 'oobe', hashFile('b2.txt', swappedBoardHash(912, 'CLIB02')));
          expect(swapped.stdout + swapped.stderr).toMatch(/hardware change|remediation/i);
          const flagged = await json('graph', 'GET', `/beta/deviceManagement/windowsAutopilotDeviceIdentities/${accepted.rows[0].deviceRegistrationId}`);
          expect(flagged.body.remediationState).toBe('manualRemediationRequired');
        } finally {
          await killAll();
          await scratch?.drop();
        }
      },
      240_000,
    );
  });
}
