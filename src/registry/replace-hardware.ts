// Hardware-change remediation on the registry side: the registered hash and identity keys of a device become those
// of its new hardware (Intune captured it, or the admin re-imported it), and its remediation state returns to
// noRemediationRequired.
import type { AutopilotDevice, IdentityKey } from '../model/index.js';
import type { Store } from '../ports.js';

/**
 * Inside a transaction. False (and nothing changed) when a key of the new hardware belongs to another registered
 * device: that is a different machine, not a repair.
 */
export async function replaceRegisteredHardware(
  tx: Store,
  device: AutopilotDevice,
  hardwareHash: Buffer,
  keys: IdentityKey[],
  now: string,
): Promise<boolean> {
  const owners = await tx.identityKeys.owners(keys);
  if (owners.some((o) => o.deviceId !== device.id)) return false;
  await tx.devices.replaceHardware(device.tenantId, device.id, hardwareHash, keys, now);
  await tx.devices.update(device.tenantId, device.id, { remediationState: 'noRemediationRequired', remediationStateModifiedAt: now }, now);
  return true;
}
