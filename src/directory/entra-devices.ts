// Entra device objects beyond registration: POST /devices (an admin or a tool creating one), PATCH, DELETE.
// Every change runs in one transaction with the lifecycle hook, so that dynamic groups follow at once.
import { randomUUID } from 'node:crypto';
import { afterDevicesChanged, afterMembershipChanged } from '../lifecycle/index.js';
import { newEntraDevice } from '../registry/new-entra-device.js';
import type { EntraDevice } from '../model/index.js';
import type { EntraDevicePatch } from './ports.js';
import type { Store } from '../ports.js';
import { DirectoryError, objectNotFound } from './errors.js';

export interface CreateEntraDeviceInput {
  accountEnabled?: unknown;
  alternativeSecurityIds?: unknown;
  deviceId?: unknown;
  displayName?: unknown;
  operatingSystem?: unknown;
  operatingSystemVersion?: unknown;
  trustType?: unknown;
  physicalIds?: unknown;
}

export interface UpdateEntraDeviceInput {
  displayName?: unknown;
  accountEnabled?: unknown;
}

/** Graph's trustType values: Workplace (Entra registered), AzureAd (joined), ServerAd (hybrid joined). */
export const TRUST_TYPES = ['Workplace', 'AzureAd', 'ServerAd'] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZTDID_PREFIX = '[ztdid]';
const MAX_TEXT = 256;

function bad(message: string): DirectoryError {
  return new DirectoryError('BadRequest', message);
}

function requiredText(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw bad(`Property '${field}' is required and must be a non-empty string.`);
  if (value.length > MAX_TEXT) throw bad(`Property '${field}' is at most ${MAX_TEXT} characters long.`);
  return value.trim();
}

function requiredBool(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw bad(`Property '${field}' is required and must be true or false.`);
  return value;
}

/** True for the Entra object of a Windows Autopilot device: linked to one, or carrying a [ZTDID] physicalId. */
export function isAutopilotEntraDevice(device: Pick<EntraDevice, 'autopilotDeviceId' | 'physicalIds'>): boolean {
  return device.autopilotDeviceId !== null || device.physicalIds.some((p) => p.toLowerCase().startsWith(ZTDID_PREFIX));
}

export async function createEntraDevice(store: Store, tenantId: string, input: CreateEntraDeviceInput, now: string): Promise<EntraDevice> {
  const accountEnabled = requiredBool('accountEnabled', input.accountEnabled);
  if (!Array.isArray(input.alternativeSecurityIds)) {
    throw bad(`Property 'alternativeSecurityIds' is required: an array of {type, key} objects (it may be empty).`);
  }
  if (typeof input.deviceId !== 'string' || !GUID.test(input.deviceId)) {
    throw bad(`Property 'deviceId' is required and must be a GUID, e.g. ${randomUUID()} (got ${JSON.stringify(input.deviceId)}).`);
  }
  const deviceId = input.deviceId.toLowerCase();
  const displayName = requiredText('displayName', input.displayName);
  const operatingSystem = requiredText('operatingSystem', input.operatingSystem);
  if (typeof input.operatingSystemVersion !== 'string') throw bad(`Property 'operatingSystemVersion' is required and must be a string.`);
  let trustType: string | null = null;
  if (input.trustType !== undefined && input.trustType !== null) {
    const wanted = typeof input.trustType === 'string' ? input.trustType.toLowerCase() : '';
    const found = TRUST_TYPES.find((t) => t.toLowerCase() === wanted);
    if (!found) throw bad(`Property 'trustType' must be one of ${TRUST_TYPES.join(', ')} (got ${JSON.stringify(input.trustType)}).`);
    trustType = found;
  }
  let physicalIds: string[] = [];
  if (input.physicalIds !== undefined && input.physicalIds !== null) {
    if (!Array.isArray(input.physicalIds) || input.physicalIds.some((p) => typeof p !== 'string' || p.trim() === '')) {
      throw bad(`Property 'physicalIds' must be an array of non-empty strings, e.g. ["[OrderID]:Sales"].`);
    }
    physicalIds = [...new Set((input.physicalIds as string[]).map((p) => p.trim()))];
    const ztd = physicalIds.find((p) => p.toLowerCase().startsWith(ZTDID_PREFIX));
    if (ztd) throw bad(`physicalIds cannot contain '${ztd}': only Windows Autopilot registration sets [ZTDID] (import the device's hardware hash instead).`);
  }
  const device = newEntraDevice(
    {
      tenantId,
      deviceId,
      displayName,
      operatingSystem,
      operatingSystemVersion: input.operatingSystemVersion.trim(),
      accountEnabled,
      trustType,
      profileType: trustType === 'Workplace' ? 'RegisteredDevice' : null,
      physicalIds,
    },
    now,
  );
  return store.transaction(async (tx) => {
    if (await tx.directory.deviceIdTaken(deviceId)) {
      throw bad(`Another object with the same value for property deviceId already exists (${deviceId}).`);
    }
    await tx.entra.create(device);
    await afterDevicesChanged(tx, tenantId, [device.id], now);
    return device;
  });
}

export async function findEntraDevice(store: Store, tenantId: string, id: string): Promise<EntraDevice> {
  const device = await store.entra.find(tenantId, id.toLowerCase());
  if (!device) throw objectNotFound(id);
  return device;
}

export async function updateEntraDevice(store: Store, tenantId: string, id: string, input: UpdateEntraDeviceInput & Record<string, unknown>, now: string): Promise<void> {
  const others = Object.keys(input).filter((k) => k !== 'displayName' && k !== 'accountEnabled' && !k.startsWith('@odata.'));
  if (others.length > 0) throw bad(`Tarmac can change only displayName and accountEnabled of a device; remove ${others.map((k) => `'${k}'`).join(', ')}.`);
  const patch: EntraDevicePatch = {};
  if (input.displayName !== undefined) patch.displayName = requiredText('displayName', input.displayName);
  if (input.accountEnabled !== undefined) patch.accountEnabled = requiredBool('accountEnabled', input.accountEnabled);
  await store.transaction(async (tx) => {
    const device = await findEntraDevice(tx, tenantId, id);
    if (Object.keys(patch).length === 0) return;
    await tx.entra.update(tenantId, device.id, patch, now);
    await afterDevicesChanged(tx, tenantId, [device.id], now);
  });
}

/**
 * Deletes an Entra device, its memberships and its hardware keys. The Entra object of an Autopilot device is refused:
 * deleting it would orphan the Autopilot record (autopilot-reference §5); deregister from Autopilot first.
 */
export async function deleteEntraDevice(store: Store, tenantId: string, id: string, now: string): Promise<void> {
  await store.transaction(async (tx) => {
    const device = await findEntraDevice(tx, tenantId, id);
    if (isAutopilotEntraDevice(device)) {
      const ztdid = device.autopilotDeviceId ?? device.physicalIds.find((p) => p.toLowerCase().startsWith(ZTDID_PREFIX))?.slice('[ZTDID]:'.length) ?? '';
      throw bad(
        `Device '${device.displayName}' (${device.id}) is a Windows Autopilot device and cannot be deleted here: deleting it would orphan its Autopilot record. ` +
          `Deregister it from Autopilot first (DELETE /deviceManagement/windowsAutopilotDeviceIdentities/${ztdid}), which removes this object (or, once the device has joined Entra, its [ZTDID] so that it can then be deleted here).`,
      );
    }
    await tx.directory.deleteEntraDevice(tenantId, device.id);
    await afterMembershipChanged(tx, tenantId, [device.id], now);
  });
}
