// Tarmac's offboarding: the whole documented deregistration sequence for one device (reference §5), each step in its
// own transaction so that what was done stays done, with a report per system:
//   1. intune    delete the managed device, if the device is enrolled;
//   2. user      unassign the assigned user, if any;
//   3. autopilot deregister the Autopilot device;
//   4. entra     its Entra object: deleted when never joined, kept (Autopilot physicalIds removed) when joined.
// A step that fails stops the sequence; the steps after it are reported as skipped.
import { deleteManagedDevice } from '../intune/delete-managed-device.js';
import { deregisterDevice } from './deregister-device.js';
import { RegistryError } from './errors.js';
import type { Store } from '../ports.js';
import { findDevice, updateDevice } from './update-device.js';

export type OffboardSystem = 'intune' | 'user' | 'autopilot' | 'entra';

export interface OffboardStep {
  system: OffboardSystem;
  /** deleted, unassigned, deregistered, kept, none (nothing to do), failed, skipped. */
  action: 'deleted' | 'unassigned' | 'deregistered' | 'kept' | 'none' | 'failed' | 'skipped';
  detail: string;
}

export interface OffboardReport {
  /** The Autopilot device id (ZTDID). */
  id: string;
  serialNumber: string;
  /** Every step succeeded (or had nothing to do). */
  completed: boolean;
  steps: OffboardStep[];
}

const ORDER: OffboardSystem[] = ['intune', 'user', 'autopilot', 'entra'];

/** RegistryError('NotFound') when the device is not in the tenant; otherwise a report, even when a step failed. */
export async function offboardDevice(store: Store, tenantId: string, id: string, now: Date): Promise<OffboardReport> {
  const device = await findDevice(store, tenantId, id);
  const steps: OffboardStep[] = [];
  const report = (): OffboardReport => {
    const failed = steps.some((s) => s.action === 'failed');
    for (const system of ORDER.slice(steps.length)) steps.push({ system, action: 'skipped', detail: 'not run: an earlier step failed' });
    return { id: device.id, serialNumber: device.serialNumber, completed: !failed, steps };
  };
  const attempt = async (system: OffboardSystem, work: () => Promise<OffboardStep | OffboardStep[]>): Promise<boolean> => {
    try {
      const done = await work();
      steps.push(...(Array.isArray(done) ? done : [done]));
      return true;
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      steps.push({ system, action: 'failed', detail: err.message });
      return false;
    }
  };

  const intuneDone = await attempt('intune', async () => {
      const managed = device.managedDeviceId !== null ? await store.intune.find(tenantId, device.managedDeviceId) : undefined;
      if (!managed) return { system: 'intune', action: 'none', detail: 'not enrolled in Intune' };
      await deleteManagedDevice(store, tenantId, managed.id, now);
      return { system: 'intune', action: 'deleted', detail: `managed device '${managed.deviceName}' (${managed.id})` };
    });
  const userDone =
    intuneDone &&
    (await attempt('user', async () => {
      if (device.userPrincipalName === '') return { system: 'user', action: 'none', detail: 'no user assigned' };
      await updateDevice(store, tenantId, device.id, { userPrincipalName: '', addressableUserName: '' }, now);
      return { system: 'user', action: 'unassigned', detail: device.userPrincipalName };
    }));
  if (userDone) {
    await attempt('autopilot', async () => {
      const entra = await deregisterDevice(store, tenantId, device.id, now);
      const entraStep: OffboardStep =
        entra.action === 'deleted'
          ? { system: 'entra', action: 'deleted', detail: `pre-created object ${entra.entraDeviceId} (never joined) deleted with the registration` }
          : entra.action === 'kept'
            ? {
                system: 'entra',
                action: 'kept',
                detail: `joined object ${entra.entraDeviceId} kept (Microsoft: do not delete Entra-joined devices by hand); its [ZTDID]/[OrderID] physicalIds were removed`,
              }
            : { system: 'entra', action: 'none', detail: 'no Entra object' };
      return [{ system: 'autopilot', action: 'deregistered', detail: `${device.serialNumber || device.id} (${device.id})` }, entraStep];
    });
  }
  return report();
}
