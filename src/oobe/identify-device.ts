// What every device-side call starts with: decode the presented hash (802 when it does not decode) and find the
// Autopilot device it belongs to in the global registry (807 when none), whichever tenant registered it.
//
// First, the hash itself: a PC presenting exactly its registered hash (nearly every boot) is found by the hash's
// SHA-256 alone (DeviceRepository.holderOfHash), with nothing decoded but its base64 (presentedHardware: a registered
// hash was fully checked when it was registered). That gives the same device as the keys would: a registration with a
// hash holds every identity key of that hash (a registration, a replacement or a first boot's hash inserts all of
// them, and a key held elsewhere fails it: 806 / KeyTakenError), keys are unique across the registry, so no other
// registration holds any of the presented keys. Otherwise (a changed board, an unregistered PC, a registration
// without a hash):
// the hash's identity keys (tuple, SMBIOS UUID, product key ID, TPM EK; src/hash/identity.ts) are looked up among
// the registered keys. Registrations WITH a hash always win: the one holding most of the keys is the device. Only
// when no registration with a hash holds any key do registrations WITHOUT a hash count (a partner or OEM registered
// the device by product key ID or by its (manufacturer, model, serial) tuple; src/registry/process-imports.ts):
// - one such registration: it is the device when its product key ID equals the hash's, or when its manufacturer,
//   model and serial number equal the hash's SMBIOS values exactly (trimmed) — case-sensitive to match, although
//   the key, being normalised, is case-insensitive to collide. A registered tuple that differs only in letter case
//   (or spacing) is no match: 807, naming the differing field with the device's own value;
// - two of them (one holds the tuple, another the product key ID; same tenant or not): 813 ZtdDeviceIsNotUnique,
//   naming the kinds of registration that collide but no tenant, and nothing is attached;
// - on a match the device gets its profile, and the presented hash becomes its registered hash (hash, its identity
//   keys, empty hardware properties filled: registeredDeviceAtBoot / src/registry/attach-hardware.ts), in the
//   caller's transaction and only once, however many first boots race.
import { randomInt } from 'node:crypto';
import { decodeHardwareHash, hashTextBytes, type DecodedHash, type DeviceIdentity, type HardwareInventory } from '../hash/index.js';
import { attachFirstHardware } from '../registry/attach-hardware.js';
import { registryKeys } from '../registry/identity-keys.js';
import type { AutopilotDevice, IdentityKey } from '../model/index.js';
import type { Store } from '../ports.js';
import { OobeError } from './errors.js';

export interface PresentedHardware {
  readonly bytes: Buffer;
  readonly identity: DeviceIdentity;
  readonly inventory: HardwareInventory | null;
  readonly keys: IdentityKey[];
}

/**
 * The hash a device presents. Only its base64 is decoded here: a PC presenting exactly its registered hash (nearly
 * every boot) is found by its bytes' digest (identifyRegistered), and a registered hash was fully checked when it was
 * registered. The full decode runs when `identity`, `keys` or `inventory` is first read (any other hash), and that
 * read throws OobeError 802 naming the first problem and its byte offset when the hash does not decode. Text that is
 * not base64 at all throws 802 here.
 */
export function presentedHardware(hardwareHash: unknown): PresentedHardware {
  if (typeof hardwareHash !== 'string' || hardwareHash.trim() === '') {
    throw new OobeError('InvalidZtdHardwareHash', 'hardwareHash is missing: send the device hash as base64 (DeviceHardwareData).', 802);
  }
  const raw = hashTextBytes(hardwareHash);
  if (raw === null) return checkedHardware(decodeHardwareHash(hardwareHash)); // throws: not base64
  return new UndecodedHardware(Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
}

/**
 * Presented hardware known only by its bytes until identity, keys or inventory is read. A class, not an object
 * literal with getters and closures: every profile download builds one, and the literal's per-call accessors cost
 * a few microseconds of allocation each and more in the garbage collector under load.
 */
class UndecodedHardware implements PresentedHardware {
  #checked: PresentedHardware | undefined;
  constructor(readonly bytes: Buffer) {}
  get identity(): DeviceIdentity {
    return this.#check().identity;
  }
  get inventory(): HardwareInventory | null {
    return this.#check().inventory;
  }
  get keys(): IdentityKey[] {
    return this.#check().keys;
  }
  #check(): PresentedHardware {
    return (this.#checked ??= checkedHardware(decodeHardwareHash(this.bytes)));
  }
}

/** A decoded hash as presented hardware, or OobeError 802 naming the first problem and its byte offset. */
function checkedHardware(decoded: DecodedHash): PresentedHardware {
  const problem = decoded.issues.find((i) => i.severity === 'error');
  if (!decoded.valid || decoded.identity === null || decoded.bytes === null) {
    const where = problem?.offset !== undefined ? ` at byte ${problem.offset}` : '';
    throw new OobeError('InvalidZtdHardwareHash', `hardwareHash is not a valid hardware hash: ${problem ? `${problem.code}${where}: ${problem.message}` : 'it does not decode'}`, 802);
  }
  const keys = registryKeys(decoded.identity, '');
  if (keys.length === 0) {
    throw new OobeError('InvalidZtdHardwareHash', 'hardwareHash identifies no device: its SMBIOS serial, UUID, product key ID and TPM are all missing or placeholders.', 802);
  }
  return {
    bytes: Buffer.from(decoded.bytes),
    identity: decoded.identity,
    // Read only when needed (a hardware comparison, a first boot): building it is most of a decode.
    get inventory() {
      return decoded.inventory;
    },
    keys,
  };
}

/**
 * The registered Autopilot device this hardware is, in any tenant (see the rules above); OobeError 807 when no
 * tenant registered it (or a registration without a hash does not match it exactly), 813 when it matches two
 * registrations without a hash. Reads only: a first boot's hash is attached by registeredDeviceAtBoot.
 */
export async function registeredDevice(store: Store, hardware: PresentedHardware): Promise<AutopilotDevice> {
  return (await identifyRegistered(store, hardware)).device;
}

/**
 * Inside a transaction: registeredDevice, and a device registered without a hash takes the presented one as its
 * registered hash (idempotent: a second boot, or a concurrent one, changes nothing). Returns the device as it is after.
 */
export async function registeredDeviceAtBoot(tx: Store, hardware: PresentedHardware, now: string): Promise<AutopilotDevice> {
  const { device, hashless } = await identifyRegistered(tx, hardware);
  return hashless ? attachFirstHardware(tx, device, hardware, now) : device;
}

/** The kinds of key a registration without a hash holds (process-imports.ts gives it exactly one of them). */
const HASHLESS_KINDS = new Set(['tuple', 'pkid']);

export interface Identified {
  device: AutopilotDevice;
  /** Registered without a hash: this boot's hash is its first (registeredDeviceAtBoot attaches it). */
  hashless: boolean;
  /** The registered hash, read with the device (null when hashless). */
  registeredHash: Buffer | null;
}

/**
 * registeredDevice, saying whether the device was registered without a hash (a first boot that registeredDeviceAtBoot
 * must complete in a transaction). Reads only.
 */
export async function identifyRegistered(store: Store, hardware: PresentedHardware): Promise<Identified> {
  const exact = await store.devices.holderOfHash(hardware.bytes);
  if (exact) return { device: exact, hashless: false, registeredHash: hardware.bytes };
  return identifyByKeys(store, hardware);
}

/**
 * identifyRegistered for hardware whose exact hash is not registered (the caller looked: deliverProfile, by
 * bootDeviceOfHash): by the hash's identity keys, then registrations without a hash. Reads only.
 */
export async function identifyByKeys(store: Store, hardware: PresentedHardware): Promise<Identified> {
  // One round trip: the registrations holding any presented key, with their devices and hashes.
  const holders = await store.devices.holdersOf(hardware.keys);
  const withHash = holders.filter((h) => h.hardwareHash !== null);
  const withoutHash = holders.filter((h) => h.hardwareHash === null);
  if (withHash.length > 0) {
    const best = withHash.sort((a, b) => b.kinds.length - a.kinds.length || (a.device.id < b.device.id ? -1 : 1))[0]!;
    return { device: best.device, hashless: false, registeredHash: best.hardwareHash };
  }
  if (withoutHash.length > 1) throw notUnique(withoutHash.map((h) => h.kinds.filter((k) => HASHLESS_KINDS.has(k))));
  const only = withoutHash[0];
  if (!only) throw notRegistered(hardware);
  const device = only.device;
  const kinds = new Set(only.kinds);
  const pkidMatch = kinds.has('pkid') && hardware.identity.productKeyId !== null && device.productKey.trim() === hardware.identity.productKeyId;
  if (pkidMatch) return { device, hashless: true, registeredHash: null };
  const differing = kinds.has('tuple') ? tupleDifferences(device, hardware.identity) : [];
  if (kinds.has('tuple') && differing.length === 0) return { device, hashless: true, registeredHash: null };
  throw caseMismatch(hardware, differing);
}

const TUPLE_FIELDS = [
  ['manufacturer', 'manufacturer'],
  ['model', 'model'],
  ['serialNumber', 'serial number'],
] as const;

/** The tuple fields whose registered value is not exactly the SMBIOS value (their keys are equal: case or spacing). */
function tupleDifferences(device: AutopilotDevice, identity: DeviceIdentity): { label: string; presented: string; caseOnly: boolean }[] {
  const out: { label: string; presented: string; caseOnly: boolean }[] = [];
  for (const [field, label] of TUPLE_FIELDS) {
    const registered = device[field].trim();
    const presented = identity[field] ?? '';
    if (registered !== presented) out.push({ label, presented, caseOnly: registered.toUpperCase() === presented.toUpperCase() });
  }
  return out;
}

function notRegistered(hardware: PresentedHardware): OobeError {
  return new OobeError(
    'ZtdDeviceIsNotRegistered',
    `ZtdDeviceIsNotRegistered: no tenant has registered this device (serial number '${hardware.identity.serialNumber ?? ''}'); it gets the normal Windows OOBE.`,
    807,
  );
}

/** 807 for a tuple registration that matches the hash's key but not its exact SMBIOS values. Names the fields and the
 *  device's own values, never the registered ones (they may be another tenant's data). */
function caseMismatch(hardware: PresentedHardware, differing: { label: string; presented: string; caseOnly: boolean }[]): OobeError {
  if (differing.length === 0) return notRegistered(hardware);
  const how = differing.every((d) => d.caseOnly) ? 'in letter case' : 'in letter case or spacing';
  const fields = differing.map((d) => `${d.label} '${d.presented}'`).join(', ');
  return new OobeError(
    'ZtdDeviceIsNotRegistered',
    `ZtdDeviceIsNotRegistered: this device is registered by its manufacturer, model and serial number only, and the registered tuple differs ${how} ` +
      `from the device's SMBIOS ${fields}. A tuple matches case-sensitively: register the device with its SMBIOS values exactly as the device reports ` +
      `them (or by its hardware hash). Until then it gets the normal Windows OOBE.`,
    807,
  );
}

const KIND_NAMES: Record<string, string> = {
  tuple: 'its manufacturer, model and serial number (tuple)',
  pkid: 'its product key ID',
};

/** 813: the hash matches several registrations without a hash (the kinds each holds). Names the kinds, never the tenants. */
function notUnique(holders: string[][]): OobeError {
  const kinds = holders.map((h) => [...h].sort().map((k) => KIND_NAMES[k] ?? k).join(' and '));
  return new OobeError(
    'ZtdDeviceIsNotUnique',
    `ZtdDeviceIsNotUnique: this device's hash matches ${holders.length} registrations without a hardware hash — one by ${kinds.join(', another by ')} — ` +
      `so it cannot tell which one is this device. Nothing was changed; delete all but one of these registrations, then restart the device.`,
    813,
  );
}

const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The name Windows gives a PC nobody named: DESKTOP- and seven random letters and digits. */
export function windowsDefaultName(): string {
  let name = 'DESKTOP-';
  for (let i = 0; i < 7; i++) name += NAME_CHARS[randomInt(NAME_CHARS.length)];
  return name;
}
