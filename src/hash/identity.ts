// Device identity: the stable keys inside a hash (the hash itself changes with every capture). A placeholder value
// (an unset SMBIOS string, an all-zero UUID) never becomes a key, or every machine with that firmware bug would
// collide.
import { parseGuid, parseHex, sha256Hex, u16, view } from './bytes.js';
import { OFFLINE_ID_TPM_EK } from './names.js';
import { bytes as platform } from './platform.js';
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

/** PLACEHOLDER_STRINGS as bytes (all ASCII), indexed by length, for the byte-level check in identityFromRecords. */
const PLACEHOLDER_BYTES: Uint8Array[][] = [];
for (const s of PLACEHOLDER_STRINGS) (PLACEHOLDER_BYTES[s.length] ??= []).push(Uint8Array.from(s, (c) => c.charCodeAt(0)));

/** SHARED_UUID as the 16 bytes it is stored as. */
const SHARED_UUID_BYTES = parseGuid(SHARED_UUID) as Uint8Array;

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

// ---- Identity straight from the record bytes (decode.ts's hot path) --------------------------------------------
// The same result as buildIdentity over the strings the records hold (a test holds them equal), for the usual case
// of ASCII values: each key is normalised byte by byte (trim, whitespace collapsed, upper-cased) into one scratch
// buffer, the placeholder checks compare bytes, and the strings come out of one native latin1 slice per value, with
// no intermediate strings. Any byte >= 0x80 (where trim and toUpperCase follow Unicode rules) returns null, and the
// caller takes the string path.

/** Scratch for the keys: "tuple:…" first, then "uuid:…" and "pkid:…". */
const KEY = new Uint8Array(4096);
/** Longer string records take the string path: each of the three tuple values takes up to twice its length in KEY
 *  (key and display value), the pkid its length, plus the fixed parts. */
const MAX_VALUE_BYTES = (KEY.length - 128) >> 3;
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const GUID_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

// Results of the last keyInto call: where the trimmed raw value lies in the record bytes.
let rawStart = 0;
let rawEnd = 0;

/** Writes the normalised key of the NUL-terminated string of the record at `at` to KEY[k…] and returns where it
 *  ends, or -1 when the value has a non-ASCII byte. Sets rawStart/rawEnd to the trimmed value's bytes. */
function keyInto(b: Uint8Array, at: number, k: number): number {
  const p = at + 4;
  const e = at + u16(b, at + 2);
  let first = -1;
  let last = p - 1;
  let space = false;
  for (let i = p; i < e; i++) {
    const c = b[i];
    if (c === 0) break;
    if (c >= 0x80) return -1;
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
      space = first >= 0;
      continue;
    }
    if (first < 0) first = i;
    last = i;
    if (space) {
      KEY[k++] = 0x20;
      space = false;
    }
    KEY[k++] = c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  }
  rawStart = first < 0 ? p : first;
  rawEnd = last + 1;
  return k;
}

/** True when KEY[start, end) is empty, only fill characters or a placeholder string: usableKey() === null. */
function placeholderKey(start: number, end: number): boolean {
  const n = end - start;
  if (n === 0) return true;
  let fill = true;
  for (let i = start; i < end; i++) {
    const c = KEY[i];
    // '0', 'F', '-', ' ' (the key is upper-case, and its only whitespace is single spaces)
    if (c !== 0x30 && c !== 0x46 && c !== 0x2d && c !== 0x20) {
      fill = false;
      break;
    }
  }
  if (fill) return true;
  const candidates = n < PLACEHOLDER_BYTES.length ? PLACEHOLDER_BYTES[n] : undefined;
  if (candidates === undefined) return false;
  for (const cand of candidates) {
    let j = 0;
    while (j < n && cand[j] === KEY[start + j]) j++;
    if (j === n) return true;
  }
  return false;
}

/** The record offsets (-1 when absent) identityFromRecords reads. */
export interface IdentityRecords {
  manufacturerAt: number;
  modelAt: number;
  serialNumberAt: number;
  smbiosUuidAt: number;
  productKeyIdAt: number;
  offlineIdAt: number;
  ekAt: number;
  /** Record 11's hash as lower-case hex when its ID type is TPM EK, else null. */
  offlineIdHash: string | null;
}

/** buildIdentity over the values of the records at the given offsets, read from the bytes; null when a string
 *  value is not ASCII (the caller then reads the strings and calls buildIdentity). */
export function identityFromRecords(b: Uint8Array, r: IdentityRecords): DeviceIdentity | null {
  // Everything is written to KEY, then turned into one string by a single native call; the values are substrings
  // of it (a native call per value costs more than all the byte work here).
  const placeholders: string[] = [];
  // "tuple:" + MANUFACTURER + "|" + MODEL + "|" + SERIAL, written as we go; usable only when all three are.
  KEY[0] = 0x74; KEY[1] = 0x75; KEY[2] = 0x70; KEY[3] = 0x6c; KEY[4] = 0x65; KEY[5] = 0x3a; // "tuple:"
  let k = 6;
  let tupleOk = true;
  let usable = 0; // bit f: field f is present and no placeholder
  let m0 = 0, m1 = 0, d0 = 0, d1 = 0, s0 = 0, s1 = 0; // trimmed raw values in b: manufacturer, model, serial
  for (let f = 0; f < 3; f++) {
    const at = f === 0 ? r.manufacturerAt : f === 1 ? r.modelAt : r.serialNumberAt;
    if (at < 0) {
      tupleOk = false;
      continue;
    }
    if (u16(b, at + 2) > MAX_VALUE_BYTES) return null;
    const start = k;
    const end = keyInto(b, at, start);
    if (end < 0) return null;
    if (placeholderKey(start, end)) {
      placeholders.push(f === 0 ? 'manufacturer' : f === 1 ? 'model' : 'serialNumber');
      tupleOk = false;
      continue;
    }
    usable |= 1 << f;
    if (f === 0) { m0 = rawStart; m1 = rawEnd; }
    else if (f === 1) { d0 = rawStart; d1 = rawEnd; }
    else { s0 = rawStart; s1 = rawEnd; }
    k = end;
    if (f < 2) KEY[k++] = 0x7c; // '|'
  }
  const tupleEnd = tupleOk ? k : 0;

  let uuidStart = -1;
  const u = r.smbiosUuidAt;
  if (u >= 0) {
    const p = u + 4;
    let fill = true;
    let shared = true;
    for (let i = 0; i < 16 && (fill || shared); i++) {
      const x = b[p + i];
      if (x !== 0 && x !== 0x0f && x !== 0xf0 && x !== 0xff) fill = false;
      if (x !== SHARED_UUID_BYTES[i]) shared = false;
    }
    if (fill || shared) {
      placeholders.push('smbiosUuid');
    } else {
      // "uuid:" + the GUID as guidOf prints it (lower-case, so buildIdentity's toLowerCase is a no-op)
      uuidStart = k;
      KEY[k++] = 0x75; KEY[k++] = 0x75; KEY[k++] = 0x69; KEY[k++] = 0x64; KEY[k++] = 0x3a;
      for (let i = 0; i < 16; i++) {
        if (i === 4 || i === 6 || i === 8 || i === 10) KEY[k++] = 0x2d;
        const x = b[p + GUID_ORDER[i]];
        KEY[k++] = HEX[x >> 4];
        KEY[k++] = HEX[x & 15];
      }
    }
  }

  let pkidStart = -1;
  const pk = r.productKeyIdAt;
  if (pk >= 0) {
    if (u16(b, pk + 2) > MAX_VALUE_BYTES) return null;
    KEY[k] = 0x70; KEY[k + 1] = 0x6b; KEY[k + 2] = 0x69; KEY[k + 3] = 0x64; KEY[k + 4] = 0x3a; // "pkid:"
    const end = keyInto(b, pk, k + 5);
    if (end < 0) return null;
    // 13 digits, not all '0' (isProductKeyId && !onlyFillCharacters on the trimmed value)
    let ok = end === k + 18 && rawEnd - rawStart === 13;
    let zeros = true;
    for (let i = k + 5; ok && i < k + 18; i++) {
      const c = KEY[i];
      if (c < 0x30 || c > 0x39) ok = false;
      else if (c !== 0x30) zeros = false;
    }
    if (ok && !zeros) {
      pkidStart = k;
      k += 18;
    } else {
      placeholders.push('productKeyId');
    }
  }

  // The display values, trimmed as captured.
  const m = k;
  for (let i = m0; i < m1; i++) KEY[k++] = b[i];
  const d = k;
  for (let i = d0; i < d1; i++) KEY[k++] = b[i];
  const s = k;
  for (let i = s0; i < s1; i++) KEY[k++] = b[i];
  const all = platform.latin1(KEY, 0, k);

  let tpmEkHash: string | null = null;
  const hash = r.offlineIdHash;
  const offlineIdType = r.offlineIdAt < 0 ? -1 : u16(b, r.offlineIdAt + 8);
  // The scan's hash is lower-case hex already (sha256Hex or hexOf), so buildIdentity's toLowerCase is a no-op.
  if (offlineIdType === OFFLINE_ID_TPM_EK && hash !== null && hash.length === 64 && !onlyFillCharacters(hash)) {
    tpmEkHash = hash;
  } else if (r.ekAt >= 0 && u16(b, r.ekAt + 2) !== 4) {
    tpmEkHash = sha256Hex(view(b, r.ekAt + 4, r.ekAt + u16(b, r.ekAt + 2)));
  }

  let tuple: string | null = null;
  let smbiosUuid: string | null = null;
  let productKeyId: string | null = null;
  let tupleKey: string | null = null;
  let uuidKey: string | null = null;
  let pkidKey: string | null = null;
  if (tupleOk) {
    tupleKey = all.slice(0, tupleEnd);
    tuple = tupleKey.slice(6);
  }
  if (uuidStart >= 0) {
    uuidKey = all.slice(uuidStart, uuidStart + 41);
    smbiosUuid = uuidKey.slice(5);
  }
  if (pkidStart >= 0) {
    pkidKey = all.slice(pkidStart, pkidStart + 18);
    productKeyId = pkidKey.slice(5);
  }
  const ekKey = tpmEkHash === null ? null : 'ek:' + tpmEkHash;
  // An exact-size array literal when all four keys are there (the usual case), rather than growing one by pushes.
  let keys: string[];
  if (tupleKey !== null && uuidKey !== null && pkidKey !== null && ekKey !== null) {
    keys = [tupleKey, uuidKey, pkidKey, ekKey];
  } else {
    keys = [];
    if (tupleKey !== null) keys.push(tupleKey);
    if (uuidKey !== null) keys.push(uuidKey);
    if (pkidKey !== null) keys.push(pkidKey);
    if (ekKey !== null) keys.push(ekKey);
  }
  return {
    manufacturer: (usable & 1) !== 0 ? all.slice(m, d) : null,
    model: (usable & 2) !== 0 ? all.slice(d, s) : null,
    serialNumber: (usable & 4) !== 0 ? all.slice(s, k) : null,
    tuple,
    smbiosUuid,
    productKeyId,
    tpmEkHash,
    keys,
    placeholders,
  };
}
