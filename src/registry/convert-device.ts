// "Convert all targeted devices" (reference §3.4): a company device that is already joined and enrolled, and that a
// deployment profile with hardwareHashExtractionEnabled targets, is registered as an Autopilot device from the hash it
// presents. Intune does this within about 48 hours; Tarmac does it when the device presents its hash. The device keeps
// its Entra object (which gains the [ZTDID] physicalId) and its Intune record; it is enrolled already.
import { randomUUID } from 'node:crypto';
import type { DeviceIdentity, HardwareInventory } from '../hash/index.js';
import { guardrailRefusals } from './guardrails.js';
import { AUTOPILOT_PHYSICAL_ID_PREFIXES, autopilotPhysicalIds } from './identity-keys.js';
import { hardwareFields, newAutopilotDevice } from './new-device.js';
import type { AutopilotDevice, EntraDevice, IdentityKey } from '../model/index.js';
import type { Store } from '../ports.js';

export interface ConvertInput {
  tenantId: string;
  hash: Buffer;
  identity: DeviceIdentity;
  inventory: HardwareInventory | null;
  keys: IdentityKey[];
  /** The device's (joined) Entra object. */
  entra: EntraDevice;
  managedDeviceId: string;
  now: string;
}

/**
 * The new Autopilot device, or undefined when the hardware is registered already (in any tenant: the registry is
 * global) or a guardrail refuses it (an Entra registered or MDM-only personal object of the same hardware).
 */
export async function convertToAutopilot(tx: Store, input: ConvertInput): Promise<AutopilotDevice | undefined> {
  if ((await tx.identityKeys.owners(input.keys)).length > 0) return undefined;
  const refusals = await guardrailRefusals(tx, [{ id: input.entra.id, tenantId: input.tenantId, keys: input.keys }]);
  if (refusals.size > 0) return undefined;
  const serialNumber = input.identity.serialNumber ?? '';
  const productKey = input.identity.productKeyId ?? '';
  if (serialNumber === '' && productKey === '') return undefined;
  const device = newAutopilotDevice(
    {
      id: randomUUID(),
      tenantId: input.tenantId,
      serialNumber,
      productKey,
      ...hardwareFields(input.identity, input.inventory?.system),
      azureAdDeviceId: input.entra.deviceId,
      enrollmentState: 'enrolled',
      managedDeviceId: input.managedDeviceId,
      lastContactedAt: input.now,
    },
    input.now,
  );
  await tx.devices.register([{ device, hardwareHash: input.hash, keys: input.keys }]);
  await tx.entra.update(input.tenantId, input.entra.id, { autopilotDeviceId: device.id }, input.now);
  await tx.entra.replacePhysicalIds(input.tenantId, input.entra.id, AUTOPILOT_PHYSICAL_ID_PREFIXES, autopilotPhysicalIds(device), input.now);
  return device;
}
