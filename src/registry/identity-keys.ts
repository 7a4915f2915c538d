// How a decoded hash becomes registry keys, and which Entra physicalIds an Autopilot device carries.
import { buildIdentity, isPlaceholder, normalizeKeyPart, type DeviceIdentity } from '../hash/index.js';
import type { AutopilotDevice, IdentityKey } from '../model/index.js';

/**
 * The registry keys of a device: the codec's identity keys (`tuple`, `uuid`, `pkid`, `ek`), split into kind and
 * value. A hash whose SMBIOS holds none of them (placeholders everywhere) falls back to the imported row's serial
 * number (`serial`), so that it can still be registered once and only once.
 */
export function registryKeys(identity: DeviceIdentity, rowSerialNumber: string): IdentityKey[] {
  const keys = identity.keys.map((key) => {
    const colon = key.indexOf(':');
    return { kind: key.slice(0, colon), value: key.slice(colon + 1) };
  });
  if (keys.length === 0 && !isPlaceholder(rowSerialNumber)) keys.push({ kind: 'serial', value: normalizeKeyPart(rowSerialNumber) });
  return keys;
}

/** What a partner or OEM registers a device by when it gives no hash. */
export interface HashlessIdentifiers {
  productKey: string;
  serialNumber: string;
  manufacturer: string;
  model: string;
}

/**
 * The registry key of a registration without a hash (Partner Center, OEM): the product key ID (`pkid`) when one is
 * given (a serial number beside it changes nothing), else the (manufacturer, model, serial) `tuple`. Built by the
 * codec's own buildIdentity, so the key is exactly the one a hash of that device yields: normalised (trimmed,
 * whitespace collapsed, upper-case), placeholders refused. Null when the PKID is not 13 digits (or all zeros) or,
 * without a PKID, a tuple part is missing or a placeholder.
 */
export function hashlessKey(ids: HashlessIdentifiers): IdentityKey | null {
  if (ids.productKey.trim() !== '') {
    const { productKeyId } = buildIdentity(null, null, null, null, ids.productKey, -1, null, null);
    return productKeyId === null ? null : { kind: 'pkid', value: productKeyId };
  }
  const { tuple } = buildIdentity(ids.manufacturer, ids.model, ids.serialNumber, null, null, -1, null, null);
  return tuple === null ? null : { kind: 'tuple', value: tuple };
}

export function keyString(key: IdentityKey): string {
  return `${key.kind}:${key.value}`;
}

/** physicalIds prefixes the registry owns on an Entra device (others, like [HWID] or [GID], belong to join). */
export const AUTOPILOT_PHYSICAL_ID_PREFIXES = ['[ZTDID]:', '[OrderID]:', '[PurchaseOrderId]:'];

/** `[ZTDID]:<id>`, `[OrderID]:<groupTag>` and `[PurchaseOrderId]:<po>` (the last two only when set). */
export function autopilotPhysicalIds(device: Pick<AutopilotDevice, 'id' | 'groupTag' | 'purchaseOrderIdentifier'>): string[] {
  const ids = [`[ZTDID]:${device.id}`];
  if (device.groupTag !== '') ids.push(`[OrderID]:${device.groupTag}`);
  if (device.purchaseOrderIdentifier !== '') ids.push(`[PurchaseOrderId]:${device.purchaseOrderIdentifier}`);
  return ids;
}
