// Records -> HardwareInventory (field table: hardware-hash-format.md §2).
//
// One pass over the record list: numbers are read straight from the bytes, and single-byte strings are cut from
// one latin1 string of the whole walked region (a JS substring is far cheaper than a native decode per field).
// A string falls back to a real UTF-8 decode only when it has a byte >= 0x80, which no sample has.
//
// Problems are not reported here: the validating walk (container.ts) already did, using the same record-shape.ts
// decisions, so reader and validator agree on which records are repeated, unreadable or too long.
//
// Whenever the decoded fields could not re-create a record byte for byte (trimmed spaces, extra NULs, non-zero
// reserved bytes, a repeat of a single-value record, an unreadable payload), the record's entry keeps its payload
// in `preserved`, so that re-encoding an unedited inventory gives back the original bytes.
import { bytes as platform } from './platform.js';
import { buildOf, guidOf, isoFromSeconds2000, macOf, u16, u32, u64 } from './bytes.js';
import {
  architectureName,
  chassisTypeName,
  DIGITIZER_EXTERNAL_PEN,
  DIGITIZER_EXTERNAL_TOUCH,
  DIGITIZER_INTEGRATED_PEN,
  DIGITIZER_INTEGRATED_TOUCH,
  DIGITIZER_MULTI_INPUT,
  DIGITIZER_READY,
  errorCorrectionName,
  offlineIdTypeName,
  osTypeName,
  outputTechnologyName,
  physicalMediumName,
  powerRoleName,
  storageBusTypeName,
} from './names.js';
import { isSingle, recordShape, SHAPE_LONG, SHAPE_UNREADABLE } from './record-shape.js';
import { BRAND_STRING_LENGTH, Rec } from './records.js';
import type {
  BuildInfo,
  CoreClass,
  DigitizerInfo,
  DiskInfo,
  DiskSerial,
  DisplayInfo,
  GpuInfo,
  HardwareInventory,
  LocaleInfo,
  RecordEntry,
} from './types.js';

function emptyInventory(): HardwareInventory {
  return {
    build: null,
    system: { manufacturer: null, model: null, serialNumber: null, sku: null, family: null, version: null, smbiosUuid: null },
    baseboard: { manufacturer: null, product: null, version: null },
    firmware: { vendor: null },
    processor: { manufacturer: null, model: null, topology: null, coreClasses: null },
    memory: null,
    disks: [],
    kernelDiskSerial: null,
    networkAdapters: [],
    displays: [],
    gpus: [],
    enclosure: null,
    tpm: { version: null, ekPublicKey: null, offlineDeviceId: null },
    productKey: { productKeyId: null, partNumber: null },
    locale: null,
    opaqueRecords: [],
    records: [],
  };
}

/** Reads `records` (in bounds, as listed by the container walk) into an inventory; entries gain `preserved` where
 *  the fields cannot re-create them. `offlineIdHash` is the walk's hex of the record-11 hash (ContainerScan), if
 *  it built one: the same string, not built twice. */
export function readInventory(b: Uint8Array, records: RecordEntry[], offlineIdHash: string | null = null): HardwareInventory {
  return new InventoryReader(b, records, offlineIdHash).read();
}

const MAX_SAFE_HIGH_WORD = 0x200000; // a u64 whose high word is below this is exact as a JS number

const SEEN = new Uint8Array(64);

class InventoryReader {
  private readonly inv: HardwareInventory = emptyInventory();
  /** latin1 view of the walked bytes: string fields are substrings of it. */
  private readonly text: string;
  /** Which single-value record types were already read (shared scratch, cleared per read: reads never overlap). */
  private readonly seen = SEEN.fill(0);
  /** Where the last `scan` stopped: the first NUL, or the end of the payload. */
  private nulAt = 0;

  constructor(
    private readonly b: Uint8Array,
    private readonly records: RecordEntry[],
    private readonly offlineIdHash: string | null,
  ) {
    const last = records.length > 0 ? records[records.length - 1] : null;
    this.text = last === null ? '' : platform.latin1(b, 0, last.offset + last.length);
    this.inv.records = records;
  }

  read(): HardwareInventory {
    const { b, inv } = this;
    for (const rec of this.records) {
      const p = rec.offset + 4;
      const e = rec.offset + rec.length;
      const type = rec.type;
      if (isSingle(type) && this.seen[type]++ !== 0) {
        this.preserve(rec); // a repeat: the first one holds the fields
        continue;
      }
      const shape = recordShape(b, type, p, e);
      if (shape === SHAPE_UNREADABLE) {
        this.preserve(rec);
        continue;
      }
      if (shape === SHAPE_LONG) this.preserve(rec);

      switch (type) {
        case Rec.Build:
          inv.build = this.readBuild(p);
          break;
        case Rec.ProcessorTopology: {
          const ht = b[p + 8];
          if (ht > 1 || b[p + 9] !== 0 || b[p + 10] !== 0 || b[p + 11] !== 0) this.preserve(rec);
          const arch = u16(b, p);
          inv.processor.topology = {
            architecture: arch,
            architectureName: architectureName(arch),
            packages: u16(b, p + 2),
            cores: u16(b, p + 4),
            logicalProcessors: u16(b, p + 6),
            hyperThreading: ht !== 0,
          };
          break;
        }
        case Rec.CoreClasses: {
          const count = b[p];
          if (p + 1 + 5 * count !== e) this.preserve(rec);
          const classes: CoreClass[] = [];
          for (let i = 0, o = p + 1; i < count; i++, o += 5) {
            classes.push({ efficiencyClass: b[o], cores: u16(b, o + 1), logicalProcessors: u16(b, o + 3) });
          }
          inv.processor.coreClasses = classes;
          break;
        }
        case Rec.ProcessorManufacturer:
          inv.processor.manufacturer = this.str(rec, p, e);
          break;
        case Rec.ProcessorModel:
          inv.processor.model = this.brandString(rec, p, e);
          break;
        case Rec.Memory:
          if (u32(b, p + 4) >= MAX_SAFE_HIGH_WORD || u32(b, p + 12) >= MAX_SAFE_HIGH_WORD) this.preserve(rec);
          inv.memory = {
            totalPhysicalRamGB: u64(b, p),
            smbiosRamMaximumCapacity: u64(b, p + 8),
            smbiosRamSlots: u16(b, p + 16),
            smbiosRamArrayCount: u16(b, p + 18),
            smbiosRamErrorCorrection: b[p + 20],
            smbiosRamErrorCorrectionName: errorCorrectionName(b[p + 20]),
          };
          break;
        case Rec.Disk: {
          if (u32(b, p + 4) >= MAX_SAFE_HIGH_WORD) this.preserve(rec);
          const bus = u16(b, p + 8);
          newDisk(inv.disks).descriptor = {
            capacityGB: u64(b, p),
            busType: bus,
            busTypeName: storageBusTypeName(bus),
            opaqueBytes: [b[p + 10], b[p + 11]],
          };
          break;
        }
        case Rec.DiskSerial:
          diskForSerial(inv.disks).serial = this.diskSerial(rec, p, e, false);
          break;
        case Rec.NetworkAdapter:
          this.readNetworkAdapter(rec, p, e);
          break;
        case Rec.Display: {
          const tech = u32(b, p + 8);
          newDisplay(inv.displays).mode = {
            widthMm: u16(b, p),
            heightMm: u16(b, p + 2),
            horizontalResolution: u16(b, p + 4),
            verticalResolution: u16(b, p + 6),
            outputTechnology: tech,
            outputTechnologyName: outputTechnologyName(tech),
          };
          break;
        }
        case Rec.DisplaySizeCm:
          displayForSize(inv.displays).sizeCm = { widthCm: u16(b, p), heightCm: u16(b, p + 2) };
          break;
        case Rec.Enclosure:
          inv.enclosure = {
            chassisType: b[p],
            chassisTypeName: chassisTypeName(b[p]),
            powerRole: b[p + 1],
            powerRoleName: powerRoleName(b[p + 1]),
            byte2: b[p + 2],
            digitizer: digitizerOf(b[p + 3]),
            maxTouchPoints: b[p + 4],
          };
          break;
        case Rec.OfflineDeviceId: {
          const hashLength = u16(b, p + 6);
          if (u32(b, p) !== 0 || u16(b, p + 8) !== 0 || p + 10 + hashLength !== e) this.preserve(rec);
          const idType = u16(b, p + 4);
          inv.tpm.offlineDeviceId = { idType, idTypeName: offlineIdTypeName(idType), hash: this.offlineIdHash ?? hex(b, p + 10, p + 10 + hashLength) };
          break;
        }
        case Rec.SmbiosUuid:
          inv.system.smbiosUuid = guidOf(b, p);
          break;
        case Rec.TpmVersion:
          inv.tpm.version = this.str(rec, p, e);
          break;
        case Rec.TpmEkPublicKey:
          inv.tpm.ekPublicKey = hex(b, p, e);
          break;
        case Rec.SerialNumber:
          inv.system.serialNumber = this.str(rec, p, e);
          break;
        case Rec.FirmwareVendor:
          inv.firmware.vendor = this.str(rec, p, e);
          break;
        case Rec.Manufacturer:
          inv.system.manufacturer = this.str(rec, p, e);
          break;
        case Rec.Model:
          inv.system.model = this.str(rec, p, e);
          break;
        case Rec.Sku:
          inv.system.sku = this.str(rec, p, e);
          break;
        case Rec.Family:
          inv.system.family = this.str(rec, p, e);
          break;
        case Rec.SystemVersion:
          inv.system.version = this.str(rec, p, e);
          break;
        case Rec.BaseboardManufacturer:
          inv.baseboard.manufacturer = this.str(rec, p, e);
          break;
        case Rec.BaseboardProduct:
          inv.baseboard.product = this.str(rec, p, e);
          break;
        case Rec.BaseboardVersion:
          inv.baseboard.version = this.str(rec, p, e);
          break;
        case Rec.ProductKeyId:
          inv.productKey.productKeyId = this.str(rec, p, e);
          break;
        case Rec.ProductKeyPartNumber:
          inv.productKey.partNumber = this.str(rec, p, e);
          break;
        case Rec.KernelDiskSerial:
          inv.kernelDiskSerial = this.diskSerial(rec, p, e, true);
          break;
        case Rec.GpuMemory:
          if (u32(b, p + 4) >= MAX_SAFE_HIGH_WORD || u32(b, p + 12) >= MAX_SAFE_HIGH_WORD) this.preserve(rec);
          gpuLacking(inv.gpus, 'memory').memory = {
            dedicatedVideoMemoryBytes: u64(b, p),
            dedicatedSystemMemoryBytes: u64(b, p + 8),
            opaqueBytes: [b[p + 16], b[p + 17]],
          };
          break;
        case Rec.GpuName:
          this.readGpuName(rec, p, e);
          break;
        case Rec.Locale:
          inv.locale = this.readLocale(rec, p, e);
          break;
        default:
          // 35, 37 and anything unknown: kept as bytes.
          inv.opaqueRecords.push({ type, hex: hex(b, p, e) });
      }
    }
    return inv;
  }

  // ---- record readers ------------------------------------------------------------------------------------------

  private readBuild(p: number): BuildInfo {
    const b = this.b;
    const toolVersion = b[p + 23];
    const offset = (b[p + 20] << 24) >> 24; // s8
    return {
      toolBuild: buildOf(b, p),
      osBuild: buildOf(b, p + 8),
      capturedAt: isoFromSeconds2000(u32(b, p + 16)),
      // ToolVersion 5+ stores 15-minute units; v3 stored minutes (current oa3tool misreads those as 15-minute units).
      timeZoneOffsetMinutes: toolVersion >= 5 ? offset * 15 : offset,
      osType: b[p + 21],
      osTypeName: osTypeName(b[p + 21]),
      architecture: b[p + 22],
      architectureName: architectureName(b[p + 22]),
      toolVersion,
    };
  }

  private readNetworkAdapter(rec: RecordEntry, p: number, e: number): void {
    const b = this.b;
    const busStart = p + 14;
    const busEnd = busStart + u32(b, p + 10);
    let i = busStart;
    while (i + 1 < busEnd && (b[i] | b[i + 1]) !== 0) i += 2;
    // Canonical: the text, one NUL unit, nothing after it, nothing after the bus bytes.
    if (i !== busEnd - 2 || busEnd !== e) this.preserve(rec);
    const medium = u32(b, p);
    this.inv.networkAdapters.push({
      physicalMedium: medium,
      physicalMediumName: physicalMediumName(medium),
      macAddress: macOf(b, p + 4),
      bus: utf16(b, busStart, i),
    });
  }

  private readGpuName(rec: RecordEntry, p: number, e: number): void {
    const b = this.b;
    let end = e - ((e - p) % 2); // an odd trailing byte cannot be UTF-16
    while (end - 2 >= p && (b[end - 2] | b[end - 1]) === 0) end -= 2; // trailing NUL units
    const text = utf16(b, p, end);
    const bar = text.indexOf('|');
    if (end !== e || bar < 0) this.preserve(rec);
    gpuLacking(this.inv.gpus, 'name').name =
      bar < 0 ? { manufacturer: '', description: text } : { manufacturer: text.slice(0, bar), description: text.slice(bar + 1) };
  }

  private readLocale(rec: RecordEntry, p: number, e: number): LocaleInfo {
    const value = this.scan(rec, p, e);
    const parts = value.split('|');
    if (this.nulAt !== e || parts.length !== 5) this.preserve(rec);
    const langs = parts.length > 3 ? parts[3] : '';
    return {
      uiLanguage: parts[0],
      locale: parts.length > 1 ? parts[1] : '',
      timeZone: parts.length > 2 ? parts[2] : '',
      languages: langs === '' ? [] : langs.split(','),
      keyboardLayout: parts.length > 4 ? parts.slice(4).join('|') : '',
    };
  }

  /** Records 7 (no NUL) and 28 (NUL-terminated): `serial|product|vendor`, each part trimmed. */
  private diskSerial(rec: RecordEntry, p: number, e: number, nulTerminated: boolean): DiskSerial {
    const value = this.scan(rec, p, e);
    const bar1 = value.indexOf('|');
    const bar2 = bar1 < 0 ? -1 : value.indexOf('|', bar1 + 1);
    let canonical = this.nulAt === (nulTerminated ? e - 1 : e) && bar2 >= 0 && value.indexOf('|', bar2 + 1) < 0;
    const rawSerial = bar1 < 0 ? value : value.slice(0, bar1);
    const rawProduct = bar1 < 0 ? '' : bar2 < 0 ? value.slice(bar1 + 1) : value.slice(bar1 + 1, bar2);
    const rawVendor = bar2 < 0 ? '' : value.slice(bar2 + 1);
    const serialNumber = rawSerial.trim();
    const product = rawProduct.trim();
    const vendor = rawVendor.trim();
    if (serialNumber.length !== rawSerial.length || product.length !== rawProduct.length || vendor.length !== rawVendor.length) {
      canonical = false;
    }
    if (!canonical) this.preserve(rec);
    return { serialNumber, product, vendor };
  }

  /** Record 4: the CPUID brand string, a 48-byte NUL-padded field (short on Apple silicon), trimmed. */
  private brandString(rec: RecordEntry, p: number, e: number): string {
    const value = this.scan(rec, p, e);
    const model = value.trim();
    let canonical = model.length === value.length && e - p === Math.max(BRAND_STRING_LENGTH, this.nulAt - p + 1);
    for (let i = this.nulAt; canonical && i < e; i++) if (this.b[i] !== 0) canonical = false;
    if (!canonical) this.preserve(rec);
    return model;
  }

  /** A NUL-terminated single-byte string (the common "Str" record). */
  private str(rec: RecordEntry, p: number, e: number): string {
    const value = this.scan(rec, p, e);
    if (this.nulAt !== e - 1) this.preserve(rec);
    return value;
  }

  /** Text from p up to the first NUL (or e), which it leaves in `nulAt`. ASCII comes from the latin1 view;
   *  anything else is decoded as UTF-8 and kept raw when UTF-8 would not give the same bytes back. */
  private scan(rec: RecordEntry, p: number, e: number): string {
    const b = this.b;
    let i = p;
    let high = 0;
    while (i < e) {
      const c = b[i];
      if (c === 0) break;
      high |= c;
      i++;
    }
    this.nulAt = i;
    if (high < 0x80) return this.text.slice(p, i);
    const value = platform.utf8(b, p, i);
    if (!sameBytes(platform.utf8Bytes(value), b, p, i)) this.preserve(rec);
    return value;
  }

  private preserve(rec: RecordEntry): void {
    rec.preserved = hex(this.b, rec.offset + 4, rec.offset + rec.length);
  }
}

function hex(b: Uint8Array, start: number, end: number): string {
  return platform.hex(b, start, end);
}

/** True when `a` equals b[start, end). */
function sameBytes(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

/** UTF-16LE code units as a string (lossless: lone surrogates stay as they are). */
function utf16(b: Uint8Array, start: number, end: number): string {
  // Below 13 characters V8 builds concatenations as flat strings, and the loop beats a native call; above, the
  // native decoder wins clearly (concatenation leaves a cons string that is flattened again on first use).
  if (end - start > 24) return platform.utf16le(b, start, end);
  let s = '';
  for (let i = start; i + 1 < end; i += 2) s += String.fromCharCode(b[i] | (b[i + 1] << 8));
  return s;
}

export function digitizerOf(flags: number): DigitizerInfo {
  return {
    flags,
    integratedTouch: (flags & DIGITIZER_INTEGRATED_TOUCH) !== 0,
    externalTouch: (flags & DIGITIZER_EXTERNAL_TOUCH) !== 0,
    integratedPen: (flags & DIGITIZER_INTEGRATED_PEN) !== 0,
    externalPen: (flags & DIGITIZER_EXTERNAL_PEN) !== 0,
    multiInput: (flags & DIGITIZER_MULTI_INPUT) !== 0,
    ready: (flags & DIGITIZER_READY) !== 0,
  };
}

// Paired records. A disk is a record 6 and the record 7 after it (a display: 9 and the 27 after it): 6 starts a
// disk, 7 completes the latest disk if it has no serial yet, else starts a serial-only one. GPUs pair the n-th 29
// with the n-th 30 (two GPUs are laid out 29,29,30,30): each fills the first GPU still lacking that part.
// Either way the k-th record of a type lands in the k-th entity having that part, which lets the encoder follow a
// decoded layout.
function newDisk(disks: DiskInfo[]): DiskInfo {
  const d: DiskInfo = { descriptor: null, serial: null };
  disks.push(d);
  return d;
}

function diskForSerial(disks: DiskInfo[]): DiskInfo {
  const last = disks.length > 0 ? disks[disks.length - 1] : null;
  return last !== null && last.serial === null ? last : newDisk(disks);
}

function newDisplay(displays: DisplayInfo[]): DisplayInfo {
  const d: DisplayInfo = { mode: null, sizeCm: null };
  displays.push(d);
  return d;
}

function displayForSize(displays: DisplayInfo[]): DisplayInfo {
  const last = displays.length > 0 ? displays[displays.length - 1] : null;
  return last !== null && last.sizeCm === null ? last : newDisplay(displays);
}

function gpuLacking(gpus: GpuInfo[], part: keyof GpuInfo): GpuInfo {
  for (const g of gpus) if (g[part] === null) return g;
  const g: GpuInfo = { memory: null, name: null };
  gpus.push(g);
  return g;
}
