// Deleting an Intune managed device ("Delete" in Intune's All devices, step 1 of deregistration, reference §5): the
// record and its hardware keys go; the Autopilot device it enrolled as is no longer enrolled in Intune
// (managedDeviceId null; its enrollmentState stays, as in Intune); its Entra object is no longer managed.
import { afterDevicesChanged } from '../lifecycle/index.js';
import { RegistryError } from '../registry/errors.js';
import type { Store } from '../ports.js';
import type { ManagedDevice } from '../model/index.js';

export function managedDeviceNotFound(id: string): RegistryError {
  return new RegistryError('NotFound', `No managedDevice with id '${id}' in this tenant.`);
}

export async function findManagedDevice(store: Store, tenantId: string, id: string): Promise<ManagedDevice> {
  const device = await store.intune.find(tenantId, id.toLowerCase());
  if (!device) throw managedDeviceNotFound(id);
  return device;
}

/** Inside or outside a transaction; returns the deleted managed device. */
export async function deleteManagedDevice(store: Store, tenantId: string, id: string, now: Date): Promise<ManagedDevice> {
  const stamp = now.toISOString();
  return store.transaction(async (tx) => {
    const managed = await findManagedDevice(tx, tenantId, id);
    await tx.intune.delete(tenantId, managed.id);
    if (managed.autopilotDeviceId !== null) {
      const autopilot = await tx.devices.find(tenantId, managed.autopilotDeviceId);
      if (autopilot?.managedDeviceId === managed.id) await tx.devices.update(tenantId, autopilot.id, { managedDeviceId: null }, stamp);
    }
    const entraId = managed.azureAdDeviceId ? await tx.intune.entraObjectIdByDeviceId(tenantId, managed.azureAdDeviceId) : undefined;
    if (entraId !== undefined) {
      await tx.entra.update(tenantId, entraId, { isManaged: false, managementType: null, mdmAppId: null }, stamp);
      await afterDevicesChanged(tx, tenantId, [entraId], stamp);
    }
    return managed;
  });
}
