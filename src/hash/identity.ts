// Device identity: the stable keys inside a hash (the hash itself changes with every capture). A placeholder value
// (an unset SMBIOS string, an all-zero UUID) never becomes a key, or every machine with that firmware bug would
// collide.
import { parseHex, sha256Hex } from './bytes.js';
import { OFFLINE_ID_TPM_EK } from './names.js';
import type { DeviceIdentity, HardwareInventory } from './types.js';

/** Values firmware leaves in SMBIOS strings it was never given (compared upper-case, whitespace collapsed). */
const PLACEHOLDER_STRINGS = new Set(
  [
    'SMBIOS_STRING_INDEX_0',
    'To be filled by O.E.M.',
    'To be filled by OEM',
    'Default string',
    'Default',
    'System Serial Number',
    'System manufacturer',
    'System Product Name',
    'Chassis Serial Number',
    'Base Board Serial Number',
    'Not Specified',
    'Not Applicable',
    'Not Available',
    'None',
    'N/A',
    'NA',
    'INVALID',
    'Unknown',
    'OEM',
    'O.E.M.',
    '0',
    '00000000',
  ].map((s) => s.toUpperCase()),
);

/** Longest entry of PLACEHOLDER_STRINGS: longer values skip the set lookup. */
const LONGEST_PLACEHOLDER = Math.max(...[...PLACEHOLDER_STRINGS].map((s) => s.length));

/** A UUID that firmware hands to many machines (besides all-0 and all-F). */
const SHARED_UUID = '03000200-0400-0500-0006-000700080009';

/** Exactly the characters String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator). */
function isSpace(c: number): boolean {
  return (
    c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** Trims and collapses inner whitespace runs to one space. Returns `value` itself when there is nothing to do
 *  (the common case, checked without allocating). */
export function collapseWhitespace(value: string): string {
  const n = value.length;
  if (n === 0) return value;
  let clean = !isSpace(value.charCodeAt(0)) && !isSpace(value.charCodeAt(n - 1));
  for (let i = 1; clean && i < n - 1; i++) {
    const c = value.charCodeAt(i);
    // only a lone plain space is allowed inside
    if ((c <= 0x20 || c >= 0xa0) && isSpace(c) && (c !== 0x20 || isSpace(value.charCodeAt(i + 1)))) clean = false;
  }
  if (clean) return value;
  let out = '';
  let pendingSpace = false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (isSpace(c)) {
      pendingSpace = out !== '';
    } else {
      if (pendingSpace) out += ' ';
      pendingSpace = false;
      out += value[i];
    }
  }
  return out;
}

/** The form a value takes inside an identity key: trimmed, whitespace collapsed, upper-case. */
export function normalizeKeyPart(value: string): string {
  return collapseWhitespace(value).toUpperCase();
}

/** True when nothing but '0', 'F'/'f', spaces and dashes (covers "0", "00000000", "FFFF-FFFF", ""). */
function onlyFillCharacters(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x30 && c !== 0x46 && c !== 0x66 && c !== 0x2d && !isSpace(c)) return false;
  }
  return true;
}

/** True for absent, empty and placeholder SMBIOS strings ("To be filled by O.E.M.", "SMBIOS_STRING_INDEX_0", …). */
export function isPlaceholder(value: string | null | undefined): boolean {
  return value === null || value === undefined || usableKey(value) === null;
}

/** True for absent, all-zero, all-F and well-known shared SMBIOS UUIDs. */
export function isPlaceholderUuid(uuid: string | null | undefined): boolean {
  if (uuid === null || uuid === undefined) return true;
  const u = uuid.trim().toLowerCase();
  return u === '' || onlyFillCharacters(u) || u === SHARED_UUID;
}

function isProductKeyId(value: string): boolean {
  if (value.length !== 13) return false;
  for (let i = 0; i < 13; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** The registration identity of the device an inventory describes. */
export function deviceIdentity(inventory: HardwareInventory): DeviceIdentity {
  const { system, tpm } = inventory;
  const id = tpm.offlineDeviceId;
  const ek = tpm.ekPublicKey;
  return buildIdentity(
    system.manufacturer,
    system.model,
    system.serialNumber,
    system.smbiosUuid,
    inventory.productKey.productKeyId,
    id === null ? -1 : id.idType,
    id === null ? null : id.hash,
    ek === null || ek === '' ? null : () => {
      const bytes = parseHex(ek);
      return bytes === null ? null : sha256Hex(bytes);
    },
  );
}

/** Identity from raw values, however they were read (decode.ts reads them straight from the bytes).
 *  `ekModulusHash` is only called when record 11 does not carry a TPM EK hash. */
export function buildIdentity(
  rawManufacturer: string | null,
  rawModel: string | null,
  rawSerialNumber: string | null,
  rawUuid: string | null,
  rawProductKeyId: string | null,
  offlineIdType: number,
  offlineIdHash: string | null,
  ekModulusHash: (() => string | null) | null,
): DeviceIdentity {
  const placeholders: string[] = [];
  let manufacturerKey: string | null = null;
  let modelKey: string | null = null;
  let serialKey: string | null = null;
  let manufacturer: string | null = null;
  let model: string | null = null;
  let serialNumber: string | null = null;
  if (rawManufacturer !== null) {
    manufacturerKey = usableKey(rawManufacturer);
    if (manufacturerKey === null) placeholders.push('manufacturer');
    else manufacturer = rawManufacturer.trim();
  }
  if (rawModel !== null) {
    modelKey = usableKey(rawModel);
    if (modelKey === null) placeholders.push('model');
    else model = rawModel.trim();
  }
  if (rawSerialNumber !== null) {
    serialKey = usableKey(rawSerialNumber);
    if (serialKey === null) placeholders.push('serialNumber');
    else serialNumber = rawSerialNumber.trim();
  }
  const tuple = manufacturerKey !== null && modelKey !== null && serialKey !== null ? `${manufacturerKey}|${modelKey}|${serialKey}` : null;

  let smbiosUuid: string | null = null;
  if (rawUuid !== null) {
    if (isPlaceholderUuid(rawUuid)) placeholders.push('smbiosUuid');
    else smbiosUuid = rawUuid.trim().toLowerCase();
  }

  let productKeyId: string | null = null;
  if (rawProductKeyId !== null) {
    const pkid = rawProductKeyId.trim();
    if (isProductKeyId(pkid) && !onlyFillCharacters(pkid)) productKeyId = pkid;
    else placeholders.push('productKeyId');
  }

  let tpmEkHash: string | null = null;
  if (offlineIdType === OFFLINE_ID_TPM_EK && offlineIdHash !== null && offlineIdHash.length === 64 && !onlyFillCharacters(offlineIdHash)) {
    tpmEkHash = offlineIdHash.toLowerCase();
  } else if (ekModulusHash !== null) {
    tpmEkHash = ekModulusHash();
  }

  const keys: string[] = [];
  if (tuple !== null) keys.push('tuple:' + tuple);
  if (smbiosUuid !== null) keys.push('uuid:' + smbiosUuid);
  if (productKeyId !== null) keys.push('pkid:' + productKeyId);
  if (tpmEkHash !== null) keys.push('ek:' + tpmEkHash);
  return { manufacturer, model, serialNumber, tuple, smbiosUuid, productKeyId, tpmEkHash, keys, placeholders };
}

/** The normalised key part of a value, or null when the value is a placeholder. */
function usableKey(value: string): string | null {
  const key = normalizeKeyPart(value);
  if (key === '' || onlyFillCharacters(key)) return null;
  return key.length <= LONGEST_PLACEHOLDER && PLACEHOLDER_STRINGS.has(key) ? null : key;
}

/** Two identities describe the same device when they share any key. */
export function sameDevice(a: DeviceIdentity, b: DeviceIdentity): boolean {
  for (const k of a.keys) if (b.keys.includes(k)) return true;
  return false;
}
