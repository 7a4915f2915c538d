// Deregistering: the Autopilot device goes with its hash and identity keys (so the hardware can be registered
// again, by this tenant or another). Its Entra object goes too when the device never joined; a joined one only loses
// the Autopilot physicalIds (Microsoft: do not delete Entra-joined devices by hand).
import { RegistryError } from './errors.js';
import { AUTOPILOT_PHYSICAL_ID_PREFIXES } from './identity-keys.js';
import type { AutopilotDevice, RegistryStore } from './ports.js';
import { findDevice } from './update-device.js';

export async function deregisterDevice(store: RegistryStore, tenantId: string, id: string, now: Date): Promise<void> {
  await store.transaction(async (tx) => {
    const device = await findDevice(tx, tenantId, id);
    await remove(tx, device, now);
  });
}

async function remove(tx: RegistryStore, device: AutopilotDevice, now: Date): Promise<void> {
  if (device.managedDeviceId !== null) {
    throw new RegistryError(
      'DeviceBusy',
      `Device ${device.serialNumber || device.id} is enrolled in Intune (managed device ${device.managedDeviceId}); delete the managed device first.`,
    );
  }
  const entra = await tx.entra.findByAutopilotDevice(device.tenantId, device.id);
  await tx.devices.delete(device.tenantId, device.id);
  if (entra) {
    if (entra.trustType === null) await tx.entra.delete(device.tenantId, entra.id);
    else await tx.entra.replacePhysicalIds(device.tenantId, entra.id, AUTOPILOT_PHYSICAL_ID_PREFIXES, [], now.toISOString());
  }
}

/** deletedWindowsAutopilotDeviceState (beta deleteDevices). */
export interface DeletedDeviceState {
  serialNumber: string;
  deviceRegistrationId: string;
  deletionState: 'unknown' | 'failed' | 'accepted' | 'error';
  errorMessage: string;
}

/** beta deleteDevices: every device with one of these serial numbers; one state per serial (per device when several share it). */
export async function deregisterBySerialNumbers(store: RegistryStore, tenantId: string, serialNumbers: string[], now: Date): Promise<DeletedDeviceState[]> {
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
