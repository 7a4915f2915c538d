// POST /oobe/v1/check-in: an enrolled device syncs with Intune. Intune then captures a changed hardware hash of a
// device flagged automaticRemediationRequired (the registered hash and keys become the new ones).
import type { AutopilotDevice } from '../model/index.js';
import type { Store } from '../ports.js';
import { OobeError } from './errors.js';
import { captureIfAutomatic, checkHardware, type HardwareCheck } from './hardware-remediation.js';
import { presentedHardware, registeredDeviceAtBoot } from './identify-device.js';

export async function checkIn(store: Store, input: { hardwareHash: unknown }, now: Date): Promise<{ device: AutopilotDevice; hardware: HardwareCheck }> {
  const hardware = presentedHardware(input.hardwareHash);
  const stamp = now.toISOString();
  return store.transaction(async (tx) => {
    const device = await registeredDeviceAtBoot(tx, hardware, stamp);
    const managed = device.managedDeviceId ? await tx.intune.find(device.tenantId, device.managedDeviceId) : undefined;
    if (!managed) {
      throw new OobeError('EnrollmentBlocked', `Device ${device.serialNumber || device.id} is not enrolled in Intune: enroll it first (POST /oobe/v1/enroll).`);
    }
    let check = await checkHardware(tx, device, hardware, stamp);
    check = await captureIfAutomatic(tx, device, check, hardware, stamp);
    await tx.intune.touch(device.tenantId, managed.id, stamp);
    await tx.devices.update(device.tenantId, device.id, { lastContactedAt: stamp }, stamp);
    return { device: (await tx.devices.find(device.tenantId, device.id)) ?? device, hardware: check };
  });
}
