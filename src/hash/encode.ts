// HardwareInventory -> hash bytes: "OA", u16 total, records, "CS" + SHA-256(bytes[0, total)), zero padding to 3000.
//
// Each inventory part becomes a "slot" (record type + canonical payload). Record order follows
// `inventory.records` when it is there (so a decoded hash keeps its layout), otherwise the order Windows uses for
// ToolVersion 9. A `preserved` payload is used instead of the canonical one while it still decodes to the same
// fields; so an unedited decoded inventory gives back its original bytes, and an edited field wins.
import {
  parseBuild,
  parseGuid,
  parseHex,
  putU16,
  putU32,
  putU64,
  seconds2000FromIso,
  sha256Latin1,
} from './bytes.js';
import { bytes as platform } from './platform.js';
import { readInventory } from './read-inventory.js';
import { isSingle } from './record-shape.js';
import { BRAND_STRING_LENGTH, CHECKSUM_RECORD_LENGTH, CHECKSUM_TYPE, HASH_SIZE, Rec } from './records.js';
import type { DiskSerial, EncodedHash, HardwareInventory, RecordEntry } from './types.js';

/** Thrown when an inventory cannot be written: a value out of range, text that would not read back, or too big. */
export class HashEncodeError extends Error {
  constructor(
    message: string,
    /** Dotted path of the offending field, e.g. `networkAdapters.1.macAddress`. */
    readonly path: string,
  ) {
    super(message);
    this.name = 'HashEncodeError';
  }
}

interface Slot {
  type: number;
  payload: Uint8Array;
  /** The payload is a record's `preserved` bytes rather than the canonical encoding. */
  preserved?: boolean;
}

/** Encodes an inventory into a valid 3000-byte hash. Throws HashEncodeError when it cannot. */
export function encodeHardwareHash(inventory: HardwareInventory): EncodedHash {
  const ordered = layOut(inventory);
  let total = 4;
  for (const s of ordered) total += 4 + s.payload.length;
  if (total + CHECKSUM_RECORD_LENGTH > HASH_SIZE) {
    throw new HashEncodeError(
      `The inventory needs ${total + CHECKSUM_RECORD_LENGTH} bytes, more than the ${HASH_SIZE}-byte hardware hash holds; remove records (long strings, extra adapters).`,
      '',
    );
  }
  const bytes = platform.wrap(new Uint8Array(HASH_SIZE));
  bytes[0] = 0x4f; // 'O'
  bytes[1] = 0x41; // 'A'
  putU16(bytes, 2, total);
  let o = 4;
  for (const s of ordered) {
    putU16(bytes, o, s.type);
    putU16(bytes, o + 2, 4 + s.payload.length);
    bytes.set(s.payload, o + 4);
    o += 4 + s.payload.length;
  }
  putU16(bytes, total, CHECKSUM_TYPE);
  putU16(bytes, total + 2, CHECKSUM_RECORD_LENGTH);
  const digest = sha256Latin1(bytes.subarray(0, total));
  for (let i = 0; i < 32; i++) bytes[total + 4 + i] = digest.charCodeAt(i);
  return { bytes, base64: platform.base64(bytes, 0, bytes.length) };
}

/** The record list `encodeHardwareHash` would write for this inventory, as the decoder reports it in
 *  `inventory.records`. Put it in an inventory you built by hand and `decode(encode(inv)).inventory` deep-equals it. */
export function recordLayout(inventory: HardwareInventory): RecordEntry[] {
  const entries: RecordEntry[] = [];
  let o = 4;
  for (const s of layOut(inventory)) {
    const entry: RecordEntry = { type: s.type, offset: o, length: 4 + s.payload.length };
    if (s.preserved) entry.preserved = platform.hex(s.payload, 0, s.payload.length);
    entries.push(entry);
    o += entry.length;
  }
  return entries;
}

function layOut(inventory: HardwareInventory): Slot[] {
  const slots = canonicalSlots(inventory);
  return inventory.records.length > 0 ? followLayout(slots, inventory.records) : slots;
}

// ---- layout --------------------------------------------------------------------------------------------------------

function followLayout(slots: Slot[], layout: RecordEntry[]): Slot[] {
  // Per type, the slots in inventory order: the k-th record of a type in the layout takes the k-th slot of that type.
  const queues = new Map<number, Slot[]>();
  for (const s of slots) {
    const q = queues.get(s.type);
    if (q === undefined) queues.set(s.type, [s]);
    else q.push(s);
  }
  const used = new Set<Slot>();
  const typesPlaced = new Set<number>();
  const out: Slot[] = [];
  for (const entry of layout) {
    const next = queues.get(entry.type)?.shift();
    const preserved = entry.preserved !== undefined ? parseHex(entry.preserved) : null;
    const stands = preserved === null ? null : canonicalOf(entry.type, preserved);
    if (next !== undefined) {
      used.add(next);
      typesPlaced.add(entry.type);
      // The preserved bytes win while they still mean what the fields say.
      const keep = preserved !== null && samePayload(stands, next.payload) && !samePayload(preserved, next.payload);
      out.push(keep && preserved !== null ? { type: entry.type, payload: preserved, preserved: true } : next);
    } else if (preserved !== null && (stands === null || (isSingle(entry.type) && typesPlaced.has(entry.type)))) {
      // Bytes the fields cannot hold: an unreadable record, or a repeat of a single-value record.
      out.push({ type: entry.type, payload: preserved, preserved: true });
    }
    // Otherwise the part was removed from the inventory: drop the record.
  }
  for (const s of slots) if (!used.has(s)) out.push(s); // parts added to the inventory go last
  return out;
}

/** The canonical payload a preserved record stands for: decode it alone, encode the part it produced. */
function canonicalOf(type: number, payload: Uint8Array): Uint8Array | null {
  const b = new Uint8Array(4 + payload.length);
  putU16(b, 0, type);
  putU16(b, 2, 4 + payload.length);
  b.set(payload, 4);
  const inventory = readInventory(b, [{ type, offset: 0, length: b.length }]);
  try {
    return canonicalSlots(inventory).find((s) => s.type === type)?.payload ?? null;
  } catch {
    return null;
  }
}

function samePayload(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---- canonical payloads ----------------------------------------------------------------------------------------

function canonicalSlots(inv: HardwareInventory): Slot[] {
  const slots: Slot[] = [];
  const add = (type: number, payload: Uint8Array): void => {
    if (payload.length > 0xffff - 4) throw new HashEncodeError(`Record type ${type} would be ${payload.length} bytes, too long for a record.`, '');
    slots.push({ type, payload });
  };
  const str = (type: number, value: string | null, path: string): void => {
    if (value !== null) add(type, cString(value, path));
  };

  if (inv.build !== null) add(Rec.Build, buildPayload(inv));
  const cpu = inv.processor;
  if (cpu.topology !== null) {
    const t = cpu.topology;
    const p = new Uint8Array(12);
    putU16(p, 0, u16In(t.architecture, 'processor.topology.architecture'));
    putU16(p, 2, u16In(t.packages, 'processor.topology.packages'));
    putU16(p, 4, u16In(t.cores, 'processor.topology.cores'));
    putU16(p, 6, u16In(t.logicalProcessors, 'processor.topology.logicalProcessors'));
    p[8] = t.hyperThreading ? 1 : 0;
    add(Rec.ProcessorTopology, p);
  }
  if (cpu.coreClasses !== null) {
    const classes = cpu.coreClasses;
    u8In(classes.length, 'processor.coreClasses.length');
    const p = new Uint8Array(1 + 5 * classes.length);
    p[0] = classes.length;
    classes.forEach((c, i) => {
      const path = `processor.coreClasses.${i}`;
      p[1 + 5 * i] = u8In(c.efficiencyClass, `${path}.efficiencyClass`);
      putU16(p, 2 + 5 * i, u16In(c.cores, `${path}.cores`));
      putU16(p, 4 + 5 * i, u16In(c.logicalProcessors, `${path}.logicalProcessors`));
    });
    add(Rec.CoreClasses, p);
  }
  if (inv.memory !== null) {
    const m = inv.memory;
    const p = new Uint8Array(21);
    putU64(p, 0, u64In(m.totalPhysicalRamGB, 'memory.totalPhysicalRamGB'));
    putU64(p, 8, u64In(m.smbiosRamMaximumCapacity, 'memory.smbiosRamMaximumCapacity'));
    putU16(p, 16, u16In(m.smbiosRamSlots, 'memory.smbiosRamSlots'));
    putU16(p, 18, u16In(m.smbiosRamArrayCount, 'memory.smbiosRamArrayCount'));
    p[20] = u8In(m.smbiosRamErrorCorrection, 'memory.smbiosRamErrorCorrection');
    add(Rec.Memory, p);
  }
  str(Rec.ProcessorManufacturer, cpu.manufacturer, 'processor.manufacturer');
  if (cpu.model !== null) add(Rec.ProcessorModel, brandString(cpu.model));

  checkPairs(inv.disks, (d) => d.descriptor !== null, (d) => d.serial !== null, 'disks', 'descriptor (record 6)', 'serial (record 7)');
  inv.disks.forEach((d, i) => {
    if (d.descriptor !== null) {
      const path = `disks.${i}.descriptor`;
      const p = new Uint8Array(12);
      putU64(p, 0, u64In(d.descriptor.capacityGB, `${path}.capacityGB`));
      putU16(p, 8, u16In(d.descriptor.busType, `${path}.busType`));
      p[10] = u8In(d.descriptor.opaqueBytes[0], `${path}.opaqueBytes`);
      p[11] = u8In(d.descriptor.opaqueBytes[1], `${path}.opaqueBytes`);
      add(Rec.Disk, p);
    }
    if (d.serial !== null) add(Rec.DiskSerial, diskSerialText(d.serial, `disks.${i}.serial`, false));
  });

  inv.networkAdapters.forEach((n, i) => {
    const path = `networkAdapters.${i}`;
    const mac = parseHex(n.macAddress, ':-');
    if (mac === null || mac.length !== 6) throw new HashEncodeError(`${path}.macAddress "${n.macAddress}" is not a MAC address (aa:bb:cc:dd:ee:ff).`, `${path}.macAddress`);
    noNul(n.bus, `${path}.bus`);
    const bus = utf16leBytes(n.bus + '\0');
    const p = new Uint8Array(14 + bus.length);
    putU32(p, 0, u32In(n.physicalMedium, `${path}.physicalMedium`));
    p.set(mac, 4);
    putU32(p, 10, bus.length);
    p.set(bus, 14);
    add(Rec.NetworkAdapter, p);
  });

  checkPairs(inv.displays, (d) => d.mode !== null, (d) => d.sizeCm !== null, 'displays', 'mode (record 9)', 'sizeCm (record 27)');
  inv.displays.forEach((d, i) => {
    const path = `displays.${i}`;
    if (d.mode !== null) {
      const p = new Uint8Array(12);
      putU16(p, 0, u16In(d.mode.widthMm, `${path}.mode.widthMm`));
      putU16(p, 2, u16In(d.mode.heightMm, `${path}.mode.heightMm`));
      putU16(p, 4, u16In(d.mode.horizontalResolution, `${path}.mode.horizontalResolution`));
      putU16(p, 6, u16In(d.mode.verticalResolution, `${path}.mode.verticalResolution`));
      putU32(p, 8, u32In(d.mode.outputTechnology, `${path}.mode.outputTechnology`));
      add(Rec.Display, p);
    }
    if (d.sizeCm !== null) {
      const p = new Uint8Array(4);
      putU16(p, 0, u16In(d.sizeCm.widthCm, `${path}.sizeCm.widthCm`));
      putU16(p, 2, u16In(d.sizeCm.heightCm, `${path}.sizeCm.heightCm`));
      add(Rec.DisplaySizeCm, p);
    }
  });

  if (inv.enclosure !== null) {
    const e = inv.enclosure;
    add(
      Rec.Enclosure,
      Uint8Array.of(
        u8In(e.chassisType, 'enclosure.chassisType'),
        u8In(e.powerRole, 'enclosure.powerRole'),
        u8In(e.byte2, 'enclosure.byte2'),
        u8In(e.digitizer.flags, 'enclosure.digitizer.flags'),
        u8In(e.maxTouchPoints, 'enclosure.maxTouchPoints'),
      ),
    );
  }

  const tpm = inv.tpm;
  str(Rec.TpmVersion, tpm.version, 'tpm.version');
  if (tpm.ekPublicKey !== null) add(Rec.TpmEkPublicKey, hexIn(tpm.ekPublicKey, 'tpm.ekPublicKey'));
  if (tpm.offlineDeviceId !== null) {
    const id = tpm.offlineDeviceId;
    const hash = hexIn(id.hash, 'tpm.offlineDeviceId.hash');
    const p = new Uint8Array(10 + hash.length);
    putU16(p, 4, u16In(id.idType, 'tpm.offlineDeviceId.idType'));
    putU16(p, 6, hash.length);
    p.set(hash, 10);
    add(Rec.OfflineDeviceId, p);
  }

  const sys = inv.system;
  if (sys.smbiosUuid !== null) {
    const uuid = parseGuid(sys.smbiosUuid);
    if (uuid === null) throw new HashEncodeError(`system.smbiosUuid "${sys.smbiosUuid}" is not a GUID (8-4-4-4-12 hex).`, 'system.smbiosUuid');
    add(Rec.SmbiosUuid, uuid);
  }
  str(Rec.SerialNumber, sys.serialNumber, 'system.serialNumber');
  str(Rec.FirmwareVendor, inv.firmware.vendor, 'firmware.vendor');
  str(Rec.Manufacturer, sys.manufacturer, 'system.manufacturer');
  str(Rec.Model, sys.model, 'system.model');
  str(Rec.Sku, sys.sku, 'system.sku');
  str(Rec.Family, sys.family, 'system.family');
  str(Rec.SystemVersion, sys.version, 'system.version');
  str(Rec.BaseboardManufacturer, inv.baseboard.manufacturer, 'baseboard.manufacturer');
  str(Rec.BaseboardProduct, inv.baseboard.product, 'baseboard.product');
  str(Rec.BaseboardVersion, inv.baseboard.version, 'baseboard.version');
  str(Rec.ProductKeyId, inv.productKey.productKeyId, 'productKey.productKeyId');
  str(Rec.ProductKeyPartNumber, inv.productKey.partNumber, 'productKey.partNumber');
  if (inv.kernelDiskSerial !== null) add(Rec.KernelDiskSerial, diskSerialText(inv.kernelDiskSerial, 'kernelDiskSerial', true));

  checkGpus(inv);
  inv.gpus.forEach((g, i) => {
    if (g.memory === null) return;
    const path = `gpus.${i}.memory`;
    const p = new Uint8Array(18);
    putU64(p, 0, u64In(g.memory.dedicatedVideoMemoryBytes, `${path}.dedicatedVideoMemoryBytes`));
    putU64(p, 8, u64In(g.memory.dedicatedSystemMemoryBytes, `${path}.dedicatedSystemMemoryBytes`));
    p[16] = u8In(g.memory.opaqueBytes[0], `${path}.opaqueBytes`);
    p[17] = u8In(g.memory.opaqueBytes[1], `${path}.opaqueBytes`);
    add(Rec.GpuMemory, p);
  });
  inv.gpus.forEach((g, i) => {
    if (g.name === null) return;
    const path = `gpus.${i}.name`;
    noSeparator(g.name.manufacturer, '|', `${path}.manufacturer`);
    noNul(g.name.description, `${path}.description`);
    add(Rec.GpuName, utf16leBytes(`${g.name.manufacturer}|${g.name.description}`));
  });

  // Opaque records keep their list order; 35 goes before the locale record and 37 after it, as Windows writes them.
  const opaque = (o: { type: number; hex: string }, i: number): void => {
    if (o.type === CHECKSUM_TYPE) throw new HashEncodeError(`opaqueRecords.${i}.type 0x5343 ("CS") is the checksum record's.`, `opaqueRecords.${i}.type`);
    add(u16In(o.type, `opaqueRecords.${i}.type`), hexIn(o.hex, `opaqueRecords.${i}.hex`));
  };
  inv.opaqueRecords.forEach((o, i) => o.type < Rec.Locale && opaque(o, i));
  if (inv.locale !== null) add(Rec.Locale, localeText(inv));
  inv.opaqueRecords.forEach((o, i) => o.type >= Rec.Locale && opaque(o, i));
  return slots;
}

function buildPayload(inv: HardwareInventory): Uint8Array {
  const b = inv.build;
  if (b === null) return new Uint8Array(0);
  const p = new Uint8Array(24);
  const tool = parseBuild(b.toolBuild);
  const os = parseBuild(b.osBuild);
  if (tool === null) throw new HashEncodeError(`build.toolBuild "${b.toolBuild}" is not major.minor.build.revision.`, 'build.toolBuild');
  if (os === null) throw new HashEncodeError(`build.osBuild "${b.osBuild}" is not major.minor.build.revision.`, 'build.osBuild');
  tool.forEach((v, i) => putU16(p, 2 * i, v));
  os.forEach((v, i) => putU16(p, 8 + 2 * i, v));
  const seconds = seconds2000FromIso(b.capturedAt);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 0xffffffff) {
    throw new HashEncodeError(`build.capturedAt "${b.capturedAt}" is not a whole-second time between 2000 and 2136.`, 'build.capturedAt');
  }
  putU32(p, 16, seconds);
  const toolVersion = u8In(b.toolVersion, 'build.toolVersion');
  const unit = toolVersion >= 5 ? 15 : 1;
  const offset = b.timeZoneOffsetMinutes / unit;
  if (!Number.isInteger(offset) || offset < -128 || offset > 127) {
    throw new HashEncodeError(
      `build.timeZoneOffsetMinutes ${b.timeZoneOffsetMinutes} cannot be stored: ToolVersion ${toolVersion} keeps ${unit === 15 ? 'a multiple of 15 minutes' : 'whole minutes'} within a signed byte.`,
      'build.timeZoneOffsetMinutes',
    );
  }
  p[20] = offset & 0xff;
  p[21] = u8In(b.osType, 'build.osType');
  p[22] = u8In(b.architecture, 'build.architecture');
  p[23] = toolVersion;
  return p;
}

/** Record 4: the brand string NUL-padded to its 48-byte field (or NUL-terminated when longer). */
function brandString(model: string): Uint8Array {
  readsBackTrimmed(model, 'processor.model');
  const text = platform.utf8Bytes(model);
  const p = new Uint8Array(Math.max(BRAND_STRING_LENGTH, text.length + 1));
  p.set(text, 0);
  return p;
}

function diskSerialText(d: DiskSerial, path: string, nulTerminated: boolean): Uint8Array {
  for (const part of ['serialNumber', 'product', 'vendor'] as const) {
    noSeparator(d[part], '|', `${path}.${part}`);
    readsBackTrimmed(d[part], `${path}.${part}`);
  }
  return platform.utf8Bytes(`${d.serialNumber}|${d.product}|${d.vendor}${nulTerminated ? '\0' : ''}`);
}

function localeText(inv: HardwareInventory): Uint8Array {
  const l = inv.locale;
  if (l === null) return new Uint8Array(0);
  noSeparator(l.uiLanguage, '|', 'locale.uiLanguage');
  noSeparator(l.locale, '|', 'locale.locale');
  noSeparator(l.timeZone, '|', 'locale.timeZone');
  l.languages.forEach((lang, i) => {
    noSeparator(lang, '|', `locale.languages.${i}`);
    noSeparator(lang, ',', `locale.languages.${i}`);
    if (lang === '') throw new HashEncodeError(`locale.languages.${i} is empty.`, `locale.languages.${i}`);
  });
  noSeparator(l.keyboardLayout, '|', 'locale.keyboardLayout');
  return platform.utf8Bytes(`${l.uiLanguage}|${l.locale}|${l.timeZone}|${l.languages.join(',')}|${l.keyboardLayout}`);
}

function cString(value: string, path: string): Uint8Array {
  noNul(value, path);
  return platform.utf8Bytes(value + '\0');
}

// ---- field checks ----------------------------------------------------------------------------------------------

/** Text must survive the trip: no NUL (it ends a string) and no lone UTF-16 surrogate (UTF-8 cannot hold one). */
function noNul(value: string, path: string): void {
  if (value.includes('\0')) throw new HashEncodeError(`${path} contains a NUL character, which would end the string early.`, path);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (!pair) throw new HashEncodeError(`${path} contains a lone UTF-16 surrogate at ${i}, which UTF-8 cannot store.`, path);
      i++;
    }
  }
}

/** The decoder trims these fields, so surrounding whitespace would not read back. */
function readsBackTrimmed(value: string, path: string): void {
  noNul(value, path);
  if (value.trim() !== value) throw new HashEncodeError(`${path} "${value}" has surrounding whitespace, which the decoder trims; trim it.`, path);
}

/** Pairs are written first part, second part; the decoder gives a second part to the latest entity still lacking
 *  one. So an entity needs a part, and a second-part-only entity cannot follow a first-part-only one. */
function checkPairs<T>(items: T[], hasFirst: (t: T) => boolean, hasSecond: (t: T) => boolean, path: string, first: string, second: string): void {
  items.forEach((item, i) => {
    if (!hasFirst(item) && !hasSecond(item)) throw new HashEncodeError(`${path}.${i} has neither ${first} nor ${second}.`, `${path}.${i}`);
    if (i > 0 && !hasFirst(item) && hasFirst(items[i - 1]) && !hasSecond(items[i - 1])) {
      throw new HashEncodeError(`${path}.${i} has only a ${second} right after ${path}.${i - 1} with only a ${first}: they would read back as one.`, `${path}.${i}`);
    }
  });
}

/** The n-th record 29 pairs with the n-th record 30, so once a GPU lacks a part no later GPU may have it. */
function checkGpus(inv: HardwareInventory): void {
  let memoryGap = -1;
  let nameGap = -1;
  inv.gpus.forEach((g, i) => {
    if (g.memory === null && g.name === null) throw new HashEncodeError(`gpus.${i} has neither memory (record 29) nor name (record 30).`, `gpus.${i}`);
    if (g.memory !== null && memoryGap >= 0) throw new HashEncodeError(`gpus.${i} has memory but gpus.${memoryGap} does not: GPUs pair by order, so it would read back as gpus.${memoryGap}'s.`, `gpus.${i}.memory`);
    if (g.name !== null && nameGap >= 0) throw new HashEncodeError(`gpus.${i} has a name but gpus.${nameGap} does not: GPUs pair by order, so it would read back as gpus.${nameGap}'s.`, `gpus.${i}.name`);
    if (g.memory === null && memoryGap < 0) memoryGap = i;
    if (g.name === null && nameGap < 0) nameGap = i;
  });
}

function noSeparator(value: string, separator: string, path: string): void {
  noNul(value, path);
  if (value.includes(separator)) {
    throw new HashEncodeError(`${path} "${value}" contains '${separator}', the separator of its record, so it would not read back.`, path);
  }
}

function intIn(value: number, max: number, path: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new HashEncodeError(`${path} is ${value}; it must be a whole number from 0 to ${max}.`, path);
  }
  return value;
}

const u8In = (v: number, path: string): number => intIn(v, 0xff, path);
const u16In = (v: number, path: string): number => intIn(v, 0xffff, path);
const u32In = (v: number, path: string): number => intIn(v, 0xffffffff, path);
const u64In = (v: number, path: string): number => intIn(v, Number.MAX_SAFE_INTEGER, path);

function hexIn(value: string, path: string): Uint8Array {
  const bytes = parseHex(value);
  if (bytes === null) throw new HashEncodeError(`${path} is not hex (an even number of 0-9, a-f).`, path);
  return bytes;
}

/** A string's UTF-16LE code units as bytes (lone surrogates kept as they are). */
function utf16leBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >>> 8;
  }
  return out;
}
