// What every device-side call starts with: decode the presented hash (802 when it does not decode) and find the
// Autopilot device it belongs to in the global registry (807 when none), whichever tenant registered it.
import { randomInt } from 'node:crypto';
import { decodeHardwareHash, type DecodedHash, type DeviceIdentity, type HardwareInventory } from '../hash/index.js';
import { registryKeys } from '../registry/identity-keys.js';
import type { AutopilotDevice, IdentityKey } from '../model/index.js';
import type { Store } from '../ports.js';
import { OobeError } from './errors.js';

export interface PresentedHardware {
  bytes: Buffer;
  identity: DeviceIdentity;
  inventory: HardwareInventory | null;
  keys: IdentityKey[];
}

/** Decodes the base64 hash a device presents, or OobeError 802 naming the first problem and its byte offset. */
export function presentedHardware(hardwareHash: unknown): PresentedHardware {
  if (typeof hardwareHash !== 'string' || hardwareHash.trim() === '') {
    throw new OobeError('InvalidZtdHardwareHash', 'hardwareHash is missing: send the device hash as base64 (DeviceHardwareData).', 802);
  }
  const decoded: DecodedHash = decodeHardwareHash(hardwareHash);
  const problem = decoded.issues.find((i) => i.severity === 'error');
  if (!decoded.valid || decoded.identity === null || decoded.bytes === null) {
    const where = problem?.offset !== undefined ? ` at byte ${problem.offset}` : '';
    throw new OobeError('InvalidZtdHardwareHash', `hardwareHash is not a valid hardware hash: ${problem ? `${problem.code}${where}: ${problem.message}` : 'it does not decode'}`, 802);
  }
  const keys = registryKeys(decoded.identity, '');
  if (keys.length === 0) {
    throw new OobeError('InvalidZtdHardwareHash', 'hardwareHash identifies no device: its SMBIOS serial, UUID, product key ID and TPM are all missing or placeholders.', 802);
  }
  return { bytes: Buffer.from(decoded.bytes), identity: decoded.identity, inventory: decoded.inventory, keys };
}

/**
 * The registered Autopilot device this hardware is (the one holding most of its keys), in any tenant; OobeError 807
 * when no tenant registered it.
 */
export async function registeredDevice(store: Store, hardware: PresentedHardware): Promise<AutopilotDevice> {
  const owners = await store.identityKeys.owners(hardware.keys);
  const votes = new Map<string, { tenantId: string; deviceId: string; n: number }>();
  for (const o of owners) {
    const v = votes.get(o.deviceId) ?? { tenantId: o.tenantId, deviceId: o.deviceId, n: 0 };
    v.n += 1;
    votes.set(o.deviceId, v);
  }
  const best = [...votes.values()].sort((a, b) => b.n - a.n || (a.deviceId < b.deviceId ? -1 : 1))[0];
  const device = best ? await store.devices.find(best.tenantId, best.deviceId) : undefined;
  if (!device) {
    throw new OobeError(
      'ZtdDeviceIsNotRegistered',
      `ZtdDeviceIsNotRegistered: no tenant has registered this device (serial number '${hardware.identity.serialNumber ?? ''}'); it gets the normal Windows OOBE.`,
      807,
    );
  }
  return device;
}

const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The name Windows gives a PC nobody named: DESKTOP- and seven random letters and digits. */
export function windowsDefaultName(): string {
  let name = 'DESKTOP-';
  for (let i = 0; i < 7; i++) name += NAME_CHARS[randomInt(NAME_CHARS.length)];
  return name;
}
