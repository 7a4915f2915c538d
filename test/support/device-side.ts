// Device-side test helpers: register hashes through Graph's import action (as admins do), and call /oobe/v1 as a PC
// (no token).
import { expect } from 'vitest';
import { syntheticInventory } from '../../src/hash/index.js';
import type { CreatedTenant } from '../../src/tenants/index.js';
import type { GraphFixture } from './graph-fixture.js';
import { IMPORTS, PROFILES } from './graph-paths.js';

export { BETA_DEVICES, BETA_MANAGED, DEVICES, IMPORTS, MANAGED, PROFILES } from './graph-paths.js';

export interface ImportState {
  deviceImportStatus: string;
  deviceRegistrationId: string;
  deviceErrorCode: number;
  deviceErrorName: string;
}

/** Imports hashes and waits (polling like a client) until every row is processed; returns their states. */
export async function importHashes(f: GraphFixture, who: CreatedTenant, hashes: string[], extra: Record<string, unknown> = {}): Promise<ImportState[]> {
  const res = await f.call(who, 'POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: hashes.map((h) => ({ hardwareIdentifier: h, ...extra })) });
  expect(res.status).toBe(200);
  const ids = (res.body.value as { id: string }[]).map((r) => r.id);
  for (let i = 0; i < 500; i++) {
    const rows = await Promise.all(ids.map(async (id) => (await f.call(who, 'GET', `${IMPORTS}/${id}`)).body.state as ImportState));
    if (rows.every((r) => r.deviceImportStatus !== 'unknown')) return rows;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('imports did not finish');
}

/** Registers one hash and returns the Autopilot device id. */
export async function register(f: GraphFixture, who: CreatedTenant, hash: string, extra: Record<string, unknown> = {}): Promise<string> {
  const [state] = await importHashes(f, who, [hash], extra);
  expect(state).toMatchObject({ deviceImportStatus: 'complete' });
  return state.deviceRegistrationId;
}

/** A device-side call: no token. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function device(f: GraphFixture, path: string, body: unknown): Promise<{ status: number; body: any; headers: Record<string, unknown>; text: string }> {
  const res = await f.app.inject({ method: 'POST', url: `/oobe/v1/${path}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return { status: res.statusCode, body: res.body === '' ? undefined : res.json(), headers: res.headers, text: res.body };
}

/** A profile assigned to all devices; returns its id. */
export async function allDevicesProfile(f: GraphFixture, who: CreatedTenant, fields: Record<string, unknown>): Promise<string> {
  const created = await f.call(who, 'POST', PROFILES, { '@odata.type': '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile', ...fields });
  expect(created.status).toBe(201);
  const assigned = await f.call(who, 'POST', `${PROFILES}/${created.body.id}/assignments`, { target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } });
  expect(assigned.status).toBe(201);
  return created.body.id as string;
}

/** The same machine after a motherboard replacement: same SMBIOS serial/maker/model and product key, new UUID and TPM. */
export function newBoardOverrides(seed: number) {
  const donor = syntheticInventory(seed + 500_000);
  return { system: { smbiosUuid: donor.system.smbiosUuid }, tpm: { ekPublicKey: donor.tpm.ekPublicKey } };
}
