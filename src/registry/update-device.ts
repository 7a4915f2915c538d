// Changing a registered device: updateDeviceProperties, assignUserToDevice, unassignUserFromDevice and (beta)
// allowNextEnrollment. The group tag lives twice — on the Autopilot device and as `[OrderID]:<tag>` on its Entra
// object — and both change in one transaction.
import { afterDevicesChanged } from '../lifecycle/index.js';
import { RegistryError } from './errors.js';
import { AUTOPILOT_PHYSICAL_ID_PREFIXES, autopilotPhysicalIds } from './identity-keys.js';
import type { DevicePatch } from './ports.js';
import type { AutopilotDevice } from '../model/index.js';
import type { Store } from '../ports.js';

export function deviceNotFound(id: string): RegistryError {
  return new RegistryError('NotFound', `No windowsAutopilotDeviceIdentity with id '${id}' in this tenant.`);
}

/** The device, or RegistryError('NotFound') (also for another tenant's device). */
export async function findDevice(store: Store, tenantId: string, id: string): Promise<AutopilotDevice> {
  const device = await store.devices.find(tenantId, id.toLowerCase());
  if (!device) throw deviceNotFound(id);
  return device;
}

const MAX_LENGTH: Partial<Record<keyof DevicePatch, number>> = {
  groupTag: 128,
  displayName: 256,
  userPrincipalName: 256,
  addressableUserName: 256,
};

export async function updateDevice(store: Store, tenantId: string, id: string, patch: DevicePatch, now: Date): Promise<AutopilotDevice> {
  for (const [field, max] of Object.entries(MAX_LENGTH) as [keyof DevicePatch, number][]) {
    const value = patch[field];
    if (typeof value === 'string' && value.length > max) {
      throw new RegistryError('InvalidInput', `${field} is ${value.length} characters long; at most ${max} are allowed.`);
    }
  }
  if (patch.userPrincipalName !== undefined && patch.userPrincipalName !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(patch.userPrincipalName)) {
    throw new RegistryError('InvalidInput', `userPrincipalName '${patch.userPrincipalName}' is not a user principal name (user@domain).`);
  }
  return store.transaction(async (tx) => {
    const device = await findDevice(tx, tenantId, id);
    const stamp = now.toISOString();
    await tx.devices.update(tenantId, device.id, patch, stamp);
    const updated: AutopilotDevice = { ...device, ...definedOnly(patch), updatedAt: stamp };
    if (patch.groupTag !== undefined && patch.groupTag !== device.groupTag) {
      const entra = await tx.entra.findByAutopilotDevice(tenantId, device.id);
      if (entra) {
        await tx.entra.replacePhysicalIds(tenantId, entra.id, AUTOPILOT_PHYSICAL_ID_PREFIXES, autopilotPhysicalIds(updated), stamp);
        // [OrderID] feeds dynamic group rules, and groups feed the profile.
        await afterDevicesChanged(tx, tenantId, [entra.id], stamp);
      }
    }
    return updated;
  });
}

function definedOnly(patch: DevicePatch): DevicePatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as DevicePatch;
}

/**
 * beta allowNextEnrollment: unblocks the next Autopilot enrollment. A blocked device gets back the state it had
 * (enrolled when it still has its Intune record, notContacted otherwise), and userlessEnrollmentStatus `allowed`
 * lets exactly one more enrollment through (the enrollment sets it back).
 */
export async function allowNextEnrollment(store: Store, tenantId: string, id: string, now: Date): Promise<void> {
  const device = await findDevice(store, tenantId, id);
  const restored = device.managedDeviceId !== null ? ('enrolled' as const) : ('notContacted' as const);
  await updateDevice(
    store,
    tenantId,
    device.id,
    { userlessEnrollmentStatus: 'allowed', ...(device.enrollmentState === 'blocked' ? { enrollmentState: restored } : {}) },
    now,
  );
}
