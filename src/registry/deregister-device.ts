// Deregistering, in the documented order (reference §5): a device still enrolled in Intune is refused, naming the
// managed device to delete first; a device with an assigned user is refused until the user is unassigned. Then the
// Autopilot device goes with its hash and identity keys (so the hardware can be registered again, by this tenant or
// another). Its Entra object goes too when the device never joined; a joined one only loses the Autopilot
// physicalIds (Microsoft: do not delete Entra-joined devices by hand).
import { afterDevicesChanged } from '../lifecycle/index.js';
import { RegistryError } from './errors.js';
import { AUTOPILOT_PHYSICAL_ID_PREFIXES } from './identity-keys.js';
import type { AutopilotDevice } from '../model/index.js';
import type { Store } from '../ports.js';
import { findDevice } from './update-device.js';

export async function deregisterDevice(store: Store, tenantId: string, id: string, now: Date): Promise<EntraOutcome> {
  return store.transaction(async (tx) => {
    const device = await findDevice(tx, tenantId, id);
    return remove(tx, device, now);
  });
}

async function remove(tx: Store, device: AutopilotDevice, now: Date): Promise<EntraOutcome> {
  const label = device.serialNumber || device.id;
  // Step 1 of the documented order: the Intune record goes first (Autopilot delete is only for devices not enrolled).
  const managed = device.managedDeviceId !== null ? await tx.intune.find(device.tenantId, device.managedDeviceId) : undefined;
  if (managed) {
    throw new RegistryError(
      'DeviceBusy',
      `Device ${label} is enrolled in Intune as managed device '${managed.deviceName}' (${managed.id}): delete it from Intune first ` +
        `(DELETE /deviceManagement/managedDevices/${managed.id}), then deregister the Autopilot device.`,
    );
  }
  // Step 2: an assigned user must be unassigned before the delete.
  if (device.userPrincipalName !== '') {
    throw new RegistryError(
      'DeviceBusy',
      `Device ${label} is assigned to user ${device.userPrincipalName}: unassign the user first (unassignUserFromDevice), then deregister the device.`,
    );
  }
  return forget(tx, device, now);
}

/** Deletes the Autopilot device; handles its Entra object (step 3) and re-evaluates groups and profiles. */
async function forget(tx: Store, device: AutopilotDevice, now: Date): Promise<EntraOutcome> {
  const stamp = now.toISOString();
  const entra = await tx.entra.findByAutopilotDevice(device.tenantId, device.id);
  await tx.devices.delete(device.tenantId, device.id);
  if (!entra) return { action: 'none', entraDeviceId: null };
  if (entra.trustType === null) {
    // Pre-created for Autopilot and never joined: it goes with the registration.
    await tx.entra.delete(device.tenantId, entra.id);
    await afterDevicesChanged(tx, device.tenantId, [entra.id], stamp);
    return { action: 'deleted', entraDeviceId: entra.id };
  }
  // Joined: Microsoft says not to delete Entra-joined devices by hand; it only loses its Autopilot physicalIds.
  await tx.entra.replacePhysicalIds(device.tenantId, entra.id, AUTOPILOT_PHYSICAL_ID_PREFIXES, [], stamp);
  await afterDevicesChanged(tx, device.tenantId, [entra.id], stamp);
  return { action: 'kept', entraDeviceId: entra.id };
}

/**
 * Inside a transaction: removes only the Autopilot registration (device, hash, identity keys), as Partner Center's
 * delete does (reference §2.7: no MDM unenrolment, no Entra disjoin). Neither an Intune enrollment nor an assigned
 * user blocks it; the Entra object stays, losing only its Autopilot physicalIds, and groups and profiles follow.
 */
export async function deregisterRegistrationOnly(tx: Store, device: AutopilotDevice, now: Date): Promise<void> {
  const stamp = now.toISOString();
  const entra = await tx.entra.findByAutopilotDevice(device.tenantId, device.id);
  await tx.devices.delete(device.tenantId, device.id);
  if (!entra) return;
  await tx.entra.replacePhysicalIds(device.tenantId, entra.id, AUTOPILOT_PHYSICAL_ID_PREFIXES, [], stamp);
  await afterDevicesChanged(tx, device.tenantId, [entra.id], stamp);
}

/** What deregistration did with the device's Entra object. */
export interface EntraOutcome {
  action: 'deleted' | 'kept' | 'none';
  entraDeviceId: string | null;
}

/** Inside a transaction: checks the order rules, deletes the device, and says what happened to its Entra object. */
export function deregisterInOrder(tx: Store, device: AutopilotDevice, now: Date): Promise<EntraOutcome> {
  return remove(tx, device, now);
}

/** deletedWindowsAutopilotDeviceState (beta deleteDevices). */
export interface DeletedDeviceState {
  serialNumber: string;
  deviceRegistrationId: string;
  deletionState: 'unknown' | 'failed' | 'accepted' | 'error';
  errorMessage: string;
}

/** beta deleteDevices: every device with one of these serial numbers; one state per serial (per device when several share it). */
export async function deregisterBySerialNumbers(store: Store, tenantId: string, serialNumbers: string[], now: Date): Promise<DeletedDeviceState[]> {
  const states: DeletedDeviceState[] = [];
  for (const raw of serialNumbers) {
    const serialNumber = raw.trim();
    const devices = serialNumber === '' ? [] : await store.devices.findBySerials(tenantId, [serialNumber]);
    if (devices.length === 0) {
      states.push({ serialNumber: raw, deviceRegistrationId: '', deletionState: 'failed', errorMessage: `No Autopilot device with serial number '${raw}' in this tenant.` });
      continue;
    }
    for (const device of devices) {
      try {
        await store.transaction((tx) => remove(tx, device, now));
        states.push({ serialNumber: raw, deviceRegistrationId: device.id, deletionState: 'accepted', errorMessage: '' });
      } catch (err) {
        if (!(err instanceof RegistryError)) throw err;
        states.push({ serialNumber: raw, deviceRegistrationId: device.id, deletionState: 'error', errorMessage: err.message });
      }
    }
  }
  return states;
}
