// The first hash of a device registered without one (a partner or OEM registered it by product key ID or tuple): at
// its first boot the hash it presents becomes its registered hash, the hash's identity keys join the registration's,
// and the hardware properties the registration left empty are filled from the hash. From then on the device is
// found like any other (by its SMBIOS UUID, TPM, …) and hardware-change detection has something to compare with.
import type { DeviceIdentity, HardwareInventory } from '../hash/index.js';
import type { AutopilotDevice, IdentityKey } from '../model/index.js';
import type { Store } from '../ports.js';
import { hardwareFields } from './new-device.js';
import type { AttachedHardwareFields } from './ports.js';

export interface FirstHardware {
  bytes: Buffer;
  identity: DeviceIdentity;
  inventory: HardwareInventory | null;
  keys: IdentityKey[];
}

/**
 * Inside a transaction. Returns the device as it is afterwards. Nothing changes when the device has a hash already
 * (another boot attached it first: idempotent) or when a key of the hash belongs to another registration (the
 * caller refuses that case before: ZtdDeviceIsNotUnique).
 */
export async function attachFirstHardware(tx: Store, device: AutopilotDevice, hardware: FirstHardware, now: string): Promise<AutopilotDevice> {
  const owners = await tx.identityKeys.owners(hardware.keys);
  if (owners.some((o) => o.deviceId !== device.id)) return device;
  const fields = emptyFieldsFilled(device, hardware);
  if (await tx.devices.attachHardware(device.tenantId, device.id, hardware.bytes, hardware.keys, fields, now)) {
    return { ...device, ...fields, updatedAt: now };
  }
  return (await tx.devices.find(device.tenantId, device.id)) ?? device;
}

/** The properties the registration left empty that the hash knows: serial number and PKID (after a PKID or tuple
 *  registration respectively), maker, model, SKU and family. What the partner or OEM gave stays as given. */
function emptyFieldsFilled(device: AutopilotDevice, hardware: FirstHardware): AttachedHardwareFields {
  const known: Required<AttachedHardwareFields> = {
    serialNumber: hardware.identity.serialNumber ?? '',
    productKey: hardware.identity.productKeyId ?? '',
    ...hardwareFields(hardware.identity, hardware.inventory?.system),
  };
  const fields: AttachedHardwareFields = {};
  for (const name of Object.keys(known) as (keyof AttachedHardwareFields)[]) {
    if (device[name] === '' && known[name] !== '') fields[name] = known[name];
  }
  return fields;
}
