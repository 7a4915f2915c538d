// The device side of hardware-change detection (see hardware-change.ts for what counts as a change): flag the device
// when its board changed, and let Intune capture the new hash when the device is managed.
import { decodeHardwareHash } from '../hash/index.js';
import { replaceRegisteredHardware } from '../registry/replace-hardware.js';
import type { AutopilotDevice, RemediationState } from '../model/index.js';
import type { Store } from '../ports.js';
import { compareHardware, describeBoardChange, type HardwareComparison } from './hardware-change.js';
import type { PresentedHardware } from './identify-device.js';

export interface HardwareCheck {
  comparison: HardwareComparison;
  /** The device's remediation state after the check. */
  remediationState: RemediationState;
  /** What changed on the board, in words; undefined when nothing did. */
  description: string | undefined;
  /** The presented hash replaced the registered one (Intune captured it). */
  captured: boolean;
}

/**
 * Compares the presented hardware with the registered hash. A board change flags the device:
 * automaticRemediationRequired when it is enrolled in Intune (Intune captures the new hash at its next check-in or
 * enrollment), manualRemediationRequired otherwise (the admin re-imports the new hash, which then replaces the old).
 */
export async function checkHardware(
  tx: Store,
  device: Pick<AutopilotDevice, 'id' | 'tenantId' | 'managedDeviceId' | 'remediationState'>,
  hardware: PresentedHardware,
  now: string,
  /** The registered hash when the caller read it with the device (saves a read). */
  registered?: Buffer | null,
): Promise<HardwareCheck> {
  const storedBytes = registered ?? (await tx.devices.hardwareHash(device.tenantId, device.id));
  // The very hash that is registered: nothing to compare (and no second decode).
  if (storedBytes?.equals(hardware.bytes)) return { comparison: { board: [], tolerated: [] }, remediationState: device.remediationState, description: undefined, captured: false };
  const stored = storedBytes ? decodeHardwareHash(storedBytes) : undefined;
  const comparison =
    stored?.identity
      ? compareHardware({ identity: stored.identity, inventory: stored.inventory }, { identity: hardware.identity, inventory: hardware.inventory })
      : { board: [], tolerated: [] };
  if (comparison.board.length === 0) {
    return { comparison, remediationState: device.remediationState, description: undefined, captured: false };
  }
  const state: RemediationState = device.managedDeviceId !== null ? 'automaticRemediationRequired' : 'manualRemediationRequired';
  if (state !== device.remediationState) {
    await tx.devices.update(device.tenantId, device.id, { remediationState: state, remediationStateModifiedAt: now }, now);
  }
  return { comparison, remediationState: state, description: describeBoardChange(comparison.board), captured: false };
}

/** Inside a transaction: Intune sees the device (check-in, enrollment) and captures its new hash when it was flagged for that. */
export async function captureIfAutomatic(tx: Store, device: AutopilotDevice, check: HardwareCheck, hardware: PresentedHardware, now: string): Promise<HardwareCheck> {
  if (check.remediationState !== 'automaticRemediationRequired') return check;
  if (!(await replaceRegisteredHardware(tx, device, hardware.bytes, hardware.keys, now))) return check;
  if (device.managedDeviceId !== null) await tx.intune.setHardwareKeys('managedDevice', device.managedDeviceId, device.tenantId, hardware.keys, now);
  return { ...check, remediationState: 'noRemediationRequired', captured: true };
}
