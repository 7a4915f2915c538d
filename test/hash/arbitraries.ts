// fast-check generators for valid inventories: every field within what the encoder can write and the decoder
// reads back unchanged. Names are derived from codes with the codec's own tables, as the decoder does.
import fc from 'fast-check';
import { guidOf, isoFromSeconds2000, sha256Hex } from '../../src/hash/bytes.js';
import { recordLayout, type HardwareInventory, type OpaqueRecord } from '../../src/hash/index.js';
import {
  architectureName,
  chassisTypeName,
  errorCorrectionName,
  offlineIdTypeName,
  osTypeName,
  outputTechnologyName,
  physicalMediumName,
  powerRoleName,
  storageBusTypeName,
} from '../../src/hash/names.js';
import { digitizerOf } from '../../src/hash/read-inventory.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.oneof(fc.integer({ min: 0, max: 1 << 20 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null, freq: 4 });
const hex = (minBytes: number, maxBytes: number): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength: minBytes, maxLength: maxBytes }).map((b) => Buffer.from(b).toString('hex'));

/** Any text without NUL and without lone surrogates (ASCII mostly, full Unicode sometimes). */
const text = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength }) },
  ).map((s) => s.replace(/\0/g, ''));

const without = (arb: fc.Arbitrary<string>, ...chars: string[]): fc.Arbitrary<string> =>
  arb.map((s) => chars.reduce((acc, c) => acc.split(c).join(''), s));
/** Fields the decoder trims (split parts, the brand string): no surrounding whitespace. */
const trimmed = (arb: fc.Arbitrary<string>): fc.Arbitrary<string> => arb.map((s) => s.trim());

const build = fc
  .record({
    tool: fc.tuple(u16, u16, u16, u16),
    os: fc.tuple(u16, u16, u16, u16),
    seconds: u32,
    toolVersion: u8,
    offset: fc.integer({ min: -128, max: 127 }),
    osType: u8,
    architecture: u8,
  })
  .map((r) => ({
    toolBuild: r.tool.join('.'),
    osBuild: r.os.join('.'),
    capturedAt: isoFromSeconds2000(r.seconds),
    timeZoneOffsetMinutes: r.toolVersion >= 5 ? r.offset * 15 : r.offset,
    osType: r.osType,
    osTypeName: osTypeName(r.osType),
    architecture: r.architecture,
    architectureName: architectureName(r.architecture),
    toolVersion: r.toolVersion,
  }));

const diskSerial = fc.record({
  serialNumber: trimmed(without(text(30), '|')),
  product: trimmed(without(text(30), '|')),
  vendor: trimmed(without(text(10), '|')),
});

const descriptor = fc.record({ capacityGB: u64, busType: u16, opaque: fc.tuple(u8, u8) }).map((d) => ({
  capacityGB: d.capacityGB,
  busType: d.busType,
  busTypeName: storageBusTypeName(d.busType),
  opaqueBytes: d.opaque,
}));

const adapter = fc.record({ medium: u32, mac: fc.uint8Array({ minLength: 6, maxLength: 6 }), bus: text(12) }).map((n) => ({
  physicalMedium: n.medium,
  physicalMediumName: physicalMediumName(n.medium),
  macAddress: Array.from(n.mac, (x) => x.toString(16).padStart(2, '0')).join(':'),
  bus: n.bus,
}));

const display = fc.record({
  mode: fc.record({ w: u16, h: u16, x: u16, y: u16, tech: fc.oneof(u32, fc.constant(0x80000000)) }).map((m) => ({
    widthMm: m.w,
    heightMm: m.h,
    horizontalResolution: m.x,
    verticalResolution: m.y,
    outputTechnology: m.tech,
    outputTechnologyName: outputTechnologyName(m.tech),
  })),
  sizeCm: nullable(fc.record({ widthCm: u16, heightCm: u16 })),
});

const gpu = fc.record({
  memory: fc.record({ dedicatedVideoMemoryBytes: u64, dedicatedSystemMemoryBytes: u64, opaqueBytes: fc.tuple(u8, u8) }),
  name: fc.record({ manufacturer: without(text(30), '|'), description: text(60) }),
});

const enclosure = fc.record({ chassis: u8, role: u8, byte2: u8, flags: u8, touch: u8 }).map((e) => ({
  chassisType: e.chassis,
  chassisTypeName: chassisTypeName(e.chassis),
  powerRole: e.role,
  powerRoleName: powerRoleName(e.role),
  byte2: e.byte2,
  digitizer: digitizerOf(e.flags),
  maxTouchPoints: e.touch,
}));

const locale = fc.record({
  uiLanguage: without(text(10), '|'),
  locale: without(text(10), '|'),
  timeZone: without(text(30), '|'),
  languages: fc.array(without(text(8), '|', ',').filter((s) => s !== ''), { maxLength: 3 }),
  keyboardLayout: without(text(16), '|'),
});

// Types the decoder keeps as bytes. Canonical order writes those below the locale record (36) first.
const opaqueType = fc.oneof(fc.constantFrom(0, 31, 32, 33, 35, 37), fc.integer({ min: 38, max: 0x5000 }));
const opaqueRecords = fc
  .array(fc.record({ type: opaqueType, hex: hex(0, 40) }), { maxLength: 3 })
  .map((list): OpaqueRecord[] => [...list.filter((o) => o.type < 36), ...list.filter((o) => o.type >= 36)]);

/** Any inventory the encoder accepts, with `records` set to the layout it will write. */
export const inventoryArb: fc.Arbitrary<HardwareInventory> = fc
  .record({
    build: nullable(build),
    system: fc.record({
      manufacturer: nullable(text()),
      model: nullable(text()),
      serialNumber: nullable(text(20)),
      sku: nullable(text()),
      family: nullable(text()),
      version: nullable(text()),
      smbiosUuid: nullable(fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => guidOf(b, 0))),
    }),
    baseboard: fc.record({ manufacturer: nullable(text()), product: nullable(text()), version: nullable(text()) }),
    firmware: fc.record({ vendor: nullable(text()) }),
    processor: fc.record({
      manufacturer: nullable(text(12)),
      model: nullable(trimmed(text(60))),
      topology: nullable(
        fc.record({ arch: u16, packages: u16, cores: u16, threads: u16, ht: fc.boolean() }).map((t) => ({
          architecture: t.arch,
          architectureName: architectureName(t.arch),
          packages: t.packages,
          cores: t.cores,
          logicalProcessors: t.threads,
          hyperThreading: t.ht,
        })),
      ),
      coreClasses: nullable(fc.array(fc.record({ efficiencyClass: u8, cores: u16, logicalProcessors: u16 }), { maxLength: 4 })),
    }),
    memory: nullable(
      fc.record({ total: u64, max: u64, slots: u16, arrays: u16, ecc: u8 }).map((m) => ({
        totalPhysicalRamGB: m.total,
        smbiosRamMaximumCapacity: m.max,
        smbiosRamSlots: m.slots,
        smbiosRamArrayCount: m.arrays,
        smbiosRamErrorCorrection: m.ecc,
        smbiosRamErrorCorrectionName: errorCorrectionName(m.ecc),
      })),
    ),
    disks: fc.array(fc.record({ descriptor, serial: nullable(diskSerial) }), { maxLength: 3 }),
    kernelDiskSerial: nullable(diskSerial),
    networkAdapters: fc.array(adapter, { maxLength: 4 }),
    displays: fc.array(display, { maxLength: 2 }),
    gpus: fc.array(gpu, { maxLength: 2 }),
    enclosure: nullable(enclosure),
    tpm: fc.record({
      version: nullable(text(90)),
      ekPublicKey: nullable(hex(0, 256)),
      offlineDeviceId: nullable(
        fc.record({ idType: fc.oneof(fc.constantFrom(1, 0x0103), u16), hash: hex(0, 40) }).map((o) => ({
          idType: o.idType,
          idTypeName: offlineIdTypeName(o.idType),
          hash: o.hash,
        })),
      ),
    }),
    productKey: fc.record({ productKeyId: nullable(text(13)), partNumber: nullable(text(16)) }),
    locale: nullable(locale),
    opaqueRecords,
  })
  .map((inv) => {
    // A TPM EK hash (ID type 1) must be the SHA-256 of the EK, or the hash is invalid (TpmEkHashMismatch).
    const id = inv.tpm.offlineDeviceId;
    if (id !== null && id.idType === 1 && inv.tpm.ekPublicKey !== null) id.hash = sha256Hex(Buffer.from(inv.tpm.ekPublicKey, 'hex'));
    const full: HardwareInventory = { ...inv, records: [] };
    full.records = recordLayout(full);
    return full;
  });
