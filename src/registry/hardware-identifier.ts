// The hardware hash a device is registered with (Tarmac's extension: Graph's windowsAutopilotDeviceIdentity has no
// hash property), for a console that decodes it (src/hash). After a hardware-change remediation it is the new one.
import type { Store } from '../ports.js';
import { findDevice } from './update-device.js';

export interface RegisteredHardware {
  /** The device id (ZTDID), canonical (lowercase). */
  id: string;
  /** The hash's bytes; null for a device a partner or OEM registered without one that has not booted yet. */
  hardwareHash: Buffer | null;
}

/** The device's registered hash, or RegistryError('NotFound') for an unknown id or another tenant's device. */
export async function registeredHardware(store: Store, tenantId: string, id: string): Promise<RegisteredHardware> {
  const device = await findDevice(store, tenantId, id);
  const hash = await store.devices.hardwareHash(tenantId, device.id);
  return { id: device.id, hardwareHash: hash ?? null };
}
