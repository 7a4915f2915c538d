// The registration guardrails (reference §7): Entra *registered* devices and Intune MDM-only (personal) devices must
// not become Autopilot devices, whatever the path (import, create, "Convert all targeted devices").
import type { NeighbourKeyHolder } from '../intune/ports.js';
import type { ZtdErrorName } from './errors.js';
import { keyString } from './identity-keys.js';
import type { IdentityKey } from '../model/index.js';
import type { Store } from '../ports.js';

/** A device about to be registered: any id to report by, its tenant and its identity keys. */
export interface GuardedDevice {
  id: string;
  tenantId: string;
  keys: IdentityKey[];
}

/**
 * The registration guardrails (reference §7): Entra *registered* devices and Intune MDM-only (personal) devices
 * must not become Autopilot devices. One query for the whole batch looks the candidates' identity keys up among the
 * objects of their tenants made from a hash (workplace join, enrollment): an Entra object with trustType Workplace
 * gives 814 ZtdDeviceAlreadyAadRegistered, else a personal managed device gives 897 ZtdDeviceIsMdmOnlyEnrolled.
 * Removing those objects (DELETE managedDevices/{id}, DELETE devices/{id}) removes their keys, and the device registers.
 */
export async function guardrailRefusals(tx: Store, candidates: GuardedDevice[]): Promise<Map<string, ZtdErrorName>> {
  const refusals = new Map<string, ZtdErrorName>();
  if (candidates.length === 0) return refusals;
  const holders = await tx.intune.keyHolders(
    candidates.map((c) => c.tenantId),
    candidates.flatMap((c) => c.keys),
  );
  if (holders.length === 0) return refusals;
  const byKey = new Map<string, NeighbourKeyHolder[]>();
  for (const h of holders) {
    const key = `${h.tenantId}\u0000${keyString(h)}`;
    const list = byKey.get(key);
    if (list) list.push(h);
    else byKey.set(key, [h]);
  }
  for (const c of candidates) {
    const held = c.keys.flatMap((k) => byKey.get(`${c.tenantId}\u0000${keyString(k)}`) ?? []);
    if (held.some((h) => h.objectType === 'entraDevice' && h.trustType === 'Workplace')) refusals.set(c.id, 'ZtdDeviceAlreadyAadRegistered');
    else if (held.some((h) => h.objectType === 'managedDevice' && h.ownerType === 'personal')) refusals.set(c.id, 'ZtdDeviceIsMdmOnlyEnrolled');
  }
  return refusals;
}
