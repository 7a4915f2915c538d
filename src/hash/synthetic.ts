// Deterministic, realistic synthetic inventories for tests, benchmarks and the device simulator.
//
// Everything here is made up: no value comes from the real samples. Strings imitate what HP, Lenovo, Dell and
// Microsoft firmware report; the record set is ToolVersion 8 or 9's; encoded hashes land at real-world sizes.
// The serial number, SMBIOS UUID, MAC addresses, disk serials, product key ID and TPM EK embed a bijective scramble
// of the seed (taken modulo 2^32), so two seeds never share an identity key.
import { guidOf, hexOf, parseHex, putU16, putU32, sha256Hex } from './bytes.js';
import { recordLayout } from './encode.js';
import {
  architectureName,
  chassisTypeName,
  errorCorrectionName,
  offlineIdTypeName,
  OFFLINE_ID_TPM_EK,
  osTypeName,
  outputTechnologyName,
  physicalMediumName,
  powerRoleName,
  storageBusTypeName,
} from './names.js';
import { digitizerOf } from './read-inventory.js';
import type {
  CoreClass,
  DiskInfo,
  GpuInfo,
  HardwareInventory,
  NetworkAdapter,
  OpaqueRecord,
} from './types.js';

export type SyntheticVendor = 'HP' | 'Lenovo' | 'Dell' | 'Microsoft';

/** Objects merge field by field; arrays, tuples, null and scalars replace. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Overrides merged into the generated inventory. `vendor` picks the maker; `build.toolVersion` (8 or 9) picks the
 *  record set. When `tpm.ekPublicKey` is overridden and `tpm.offlineDeviceId` is not, the EK hash is recomputed. */
export type SyntheticOverrides = DeepPartial<HardwareInventory> & { vendor?: SyntheticVendor };

/** A realistic inventory for `seed`; the same seed always gives the same inventory. Its `records` list is the layout
 *  the encoder will write, so `decodeHardwareHash(encodeHardwareHash(inv).bytes).inventory` deep-equals it. */
export function syntheticInventory(seed: number, overrides: SyntheticOverrides = {}): HardwareInventory {
  const id = scramble(seed >>> 0);
  const rng = new Random(id ^ 0x5eed1e55);
  const vendor = overrides.vendor ?? VENDORS[rng.int(0, 99) < 55 ? 0 : rng.int(1, 3)];
  const toolVersion = overrides.build?.toolVersion ?? (rng.bool() ? 9 : 8);
  const inv = generate(vendor, toolVersion, id, rng);

  const { vendor: _vendor, ...fields } = overrides;
  mergeInto(inv as unknown as Plain, fields as unknown as Plain);
  const ek = overrides.tpm?.ekPublicKey;
  if (typeof ek === 'string' && overrides.tpm?.offlineDeviceId === undefined && inv.tpm.offlineDeviceId?.idType === OFFLINE_ID_TPM_EK) {
    inv.tpm.offlineDeviceId.hash = sha256Hex(hexPrefixBytes(ek));
  }
  if (overrides.records === undefined) {
    inv.records = [];
    inv.records = recordLayout(inv);
  }
  return inv;
}

const VENDORS: readonly SyntheticVendor[] = ['HP', 'Lenovo', 'Dell', 'Microsoft'];

// ---- the maker-specific part --------------------------------------------------------------------------------------

interface Maker {
  manufacturer: string;
  model: string;
  serialNumber: string;
  sku: string;
  family: string;
  version: string;
  baseboard: [manufacturer: string, product: string, version: string];
  firmwareVendor: string;
  convertible: boolean;
}

const HP_MODELS: readonly [model: string, family: string, convertible: boolean][] = [
  ['HP EliteBook 845 14 inch G11 Notebook PC', '103C_5336AN HP EliteBook', false],
  ['HP EliteBook 860 16 inch G11 Notebook PC', '103C_5336AN HP EliteBook', false],
  ['HP Elite x360 1040 14 inch G11 2-in-1 Notebook PC', '103C_5336AN HP EliteBook', true],
  ['HP ProBook 450 15.6 inch G10 Notebook PC', '103C_5336AN HP ProBook', false],
  ['HP ZBook Firefly 14 inch G11 Mobile Workstation PC', '103C_5336AN HP ZBook', false],
];

const LENOVO_MODELS: readonly [mt: string, family: string, convertible: boolean][] = [
  ['21ML', 'ThinkPad T14 Gen 5', false],
  ['21N1', 'ThinkPad X1 Carbon Gen 12', false],
  ['21KE', 'ThinkPad L14 Gen 5', false],
  ['21MA', 'ThinkPad X1 2-in-1 Gen 9', true],
];

const DELL_MODELS: readonly [model: string, family: string, convertible: boolean][] = [
  ['Latitude 5550', 'Latitude', false],
  ['Latitude 7450', 'Latitude', false],
  ['Latitude 9450 2-in-1', 'Latitude', true],
  ['Precision 3590', 'Precision', false],
];

const SURFACE_MODELS: readonly [model: string, sku: string, convertible: boolean][] = [
  ['Surface Laptop 6', 'Surface_Laptop_6_2039', true],
  ['Surface Pro 10', 'Surface_Pro_10_for_Business_2073', true],
  ['Surface Laptop 5', 'Surface_Laptop_5_1951', true],
];

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function maker(vendor: SyntheticVendor, id: number, rng: Random): Maker {
  switch (vendor) {
    case 'HP': {
      const [model, family, convertible] = rng.pick(HP_MODELS);
      return {
        manufacturer: 'HP',
        model,
        serialNumber: rng.pick(['5CG', '5CD', '8CG']) + base36(id, 7), // HP: 10 characters
        sku: `${rng.text(ALNUM, 6)}EA#AB${rng.pick(['U', 'A', 'D', 'F'])}`,
        family,
        version: rng.pick(['SBKPF', 'SBKPFV2', 'SBKPFV3']),
        baseboard: ['HP', rng.text('0123456789ABCDEF', 4), `KBC Version ${rng.text('0123456789ABCDEF', 2)}.${rng.text('0123456789ABCDEF', 2)}.00`],
        firmwareVendor: 'HP',
        convertible,
      };
    }
    case 'Lenovo': {
      const [mt, family, convertible] = rng.pick(LENOVO_MODELS);
      const model = `${mt}00${rng.text('0123456789', 1)}B${rng.pick(['US', 'UK', 'GE', 'FR', 'MX'])}`; // e.g. 21ML003BUS
      return {
        manufacturer: 'LENOVO',
        model,
        serialNumber: 'P' + base36(id, 7), // Lenovo: 8 characters
        sku: `LENOVO_MT_${mt}_BU_Think_FM_${family}`,
        family,
        version: family,
        baseboard: ['LENOVO', model, `SDK0T${rng.text('0123456789', 5)} WIN`],
        firmwareVendor: 'LENOVO',
        convertible,
      };
    }
    case 'Dell': {
      const [model, family, convertible] = rng.pick(DELL_MODELS);
      return {
        manufacturer: 'Dell Inc.',
        model,
        serialNumber: base36(id, 7), // a 7-character service tag
        sku: rng.text('0123456789ABCDEF', 4),
        family,
        version: 'SMBIOS_STRING_INDEX_0', // Dell leaves the system version unset
        baseboard: ['Dell Inc.', '0' + rng.text(ALNUM, 5), 'A0' + rng.int(0, 2)],
        firmwareVendor: 'Dell Inc.',
        convertible,
      };
    }
    case 'Microsoft': {
      const [model, sku, convertible] = rng.pick(SURFACE_MODELS);
      return {
        manufacturer: 'Microsoft Corporation',
        model,
        serialNumber: String(id).padStart(10, '0') + rng.text('0123456789', 2), // Surface: 12 digits
        sku,
        family: 'Surface',
        version: `${rng.text('0123456789', 3)}${'0'.repeat(21)}D:0B:08F:1C:03P:48S:01E:0Y:0K:0U:02`,
        baseboard: ['Microsoft Corporation', model, '1'],
        firmwareVendor: 'Microsoft Corporation',
        convertible,
      };
    }
  }
}

// ---- hardware ----------------------------------------------------------------------------------------------------

interface Cpu {
  manufacturer: string;
  model: string;
  cores: number;
  threads: number;
  classes: CoreClass[] | null;
  gpu: [manufacturer: string, description: string, videoMemory: number];
}

const INTEL_GPU = (name: string): Cpu['gpu'] => ['Intel Corporation', name, 0x08000000];
const CPUS: readonly Cpu[] = [
  { manufacturer: 'GenuineIntel', model: 'Intel(R) Core(TM) Ultra 5 135U', cores: 12, threads: 14, classes: hybrid(2, 10), gpu: INTEL_GPU('Intel(R) Graphics') },
  { manufacturer: 'GenuineIntel', model: 'Intel(R) Core(TM) Ultra 7 165H', cores: 16, threads: 22, classes: hybrid(6, 10), gpu: INTEL_GPU('Intel(R) Arc(TM) Graphics') },
  { manufacturer: 'GenuineIntel', model: 'Intel(R) Core(TM) Ultra 5 235U', cores: 12, threads: 14, classes: hybrid(2, 10), gpu: INTEL_GPU('Intel(R) Graphics') },
  { manufacturer: 'GenuineIntel', model: '13th Gen Intel(R) Core(TM) i7-1365U', cores: 10, threads: 12, classes: hybrid(2, 8), gpu: INTEL_GPU('Intel(R) Iris(R) Xe Graphics') },
  { manufacturer: 'GenuineIntel', model: '12th Gen Intel(R) Core(TM) i5-1245U', cores: 10, threads: 12, classes: hybrid(2, 8), gpu: INTEL_GPU('Intel(R) Iris(R) Xe Graphics') },
  { manufacturer: 'AuthenticAMD', model: 'AMD Ryzen 7 PRO 7840U w/ Radeon 780M Graphics', cores: 8, threads: 16, classes: null, gpu: ['Advanced Micro Devices, Inc.', 'AMD Radeon(TM) 780M', 0x20000000] },
];

/** Hybrid parts: `performance` two-thread cores in class 1, `efficient` one-thread cores in class 0. */
function hybrid(performance: number, efficient: number): CoreClass[] {
  return [
    { efficiencyClass: 1, cores: performance, logicalProcessors: performance * 2 },
    { efficiencyClass: 0, cores: efficient, logicalProcessors: efficient },
  ];
}

const NVME_PRODUCTS: readonly string[] = [
  'SAMSUNG MZVL2512HCJQ-00BH1',
  'KIOXIA KXG80ZNV512G',
  'WD PC SN810 SDCPNRY-512G-1006',
  'SK hynix PC801 HFS512GEJ9X101N',
  'Micron MTFDKBA512TFK-1BC1AABHA',
];

const TPM_VENDORS: readonly [id: string, revision: string][] = [
  ['IFX ', '1.59'],
  ['NTC ', '1.59'],
  ['STM ', '1.38'],
];

function generate(vendor: SyntheticVendor, toolVersion: number, id: number, rng: Random): HardwareInventory {
  const m = maker(vendor, id, rng);
  const cpu = rng.pick(CPUS);
  const build = toolVersion >= 9 ? 26100 : 22621;
  const revision = toolVersion >= 9 ? rng.int(1742, 6899) : rng.int(2861, 4890);
  const buildText = `10.0.${build}.${revision}`;
  const captured = Date.UTC(2023, 5, 1) / 1000 + rng.int(0, 2.3 * 365 * 86400);

  // Identity-bearing bytes, each with the scrambled seed inside.
  const uuid = rng.bytes(16);
  writeU32BE(uuid, 12, id);
  const ek = rng.bytes(256);
  ek[0] |= 0x80; // an RSA-2048 modulus: top bit set, odd
  ek[255] |= 0x01;
  writeU32BE(ek, 1, id);
  const ekHex = hexOf(ek, 0, ek.length);

  const diskCount = rng.int(0, 9) < 8 ? 1 : 2;
  const disks: DiskInfo[] = [];
  for (let d = 0; d < diskCount; d++) {
    const nvme = d === 0 || rng.bool();
    const serialNumber = nvme
      ? `${rng.text('0123456789ABCDEF', 4)}_${rng.text('0123456789ABCDEF', 4)}_${base16(id, 8, '_')}_${rng.text('0123456789ABCDEF', 3)}${d}.`
      : `S6P${base36(id, 7)}${d}`;
    disks.push({
      descriptor: { capacityGB: rng.pick([256, 512, 512, 1024]), busType: nvme ? 17 : 11, busTypeName: storageBusTypeName(nvme ? 17 : 11), opaqueBytes: [0, 1] },
      serial: { serialNumber, product: nvme ? rng.pick(NVME_PRODUCTS) : 'Samsung SSD 870 EVO 1TB', vendor: '' },
    });
  }

  const nics: NetworkAdapter[] = [];
  const nic = (medium: number, bus: string): void => {
    const mac = new Uint8Array(6);
    mac[0] = (rng.int(0, 63) << 2) | 0x02; // locally administered, unicast: never a real vendor's address
    mac[1] = (rng.int(0, 15) << 4) | nics.length;
    writeU32BE(mac, 2, id);
    nics.push({ physicalMedium: medium, physicalMediumName: physicalMediumName(medium), macAddress: macText(mac), bus });
  };
  nic(9, 'PCI'); // Wi-Fi
  if (rng.int(0, 9) < 7) nic(10, 'BTH'); // Bluetooth
  if (rng.int(0, 9) < 3) nic(rng.bool() ? 14 : 8, rng.bool() ? 'PCI' : 'USB'); // Ethernet or WWAN

  const [widthMm, heightMm, hRes, vRes] = rng.pick([
    [302, 188, 1920, 1200],
    [344, 215, 1920, 1200],
    [301, 188, 2880, 1800],
    [286, 179, 2560, 1600],
  ] as const);

  const gpus: GpuInfo[] = [
    {
      memory: { dedicatedVideoMemoryBytes: cpu.gpu[2], dedicatedSystemMemoryBytes: 0, opaqueBytes: [1, 1] },
      name: { manufacturer: cpu.gpu[0], description: cpu.gpu[1] },
    },
  ];

  const [tpmVendor, tpmRevision] = rng.pick(TPM_VENDORS);
  const opaqueRecords: OpaqueRecord[] = [];
  if (toolVersion >= 9) {
    if (rng.int(0, 2) === 0) opaqueRecords.push({ type: 35, hex: rng.pick(['02ff07', '02fd00', '02fc00']) });
    opaqueRecords.push({ type: 37, hex: record37(rng) });
  }

  const chassis = m.convertible ? 0x1f : 0x0a;
  const digitizer = m.convertible ? 0xcd : 0x00;
  const ram = rng.pick([8, 16, 16, 32, 32, 64]);
  return {
    build: {
      toolBuild: buildText,
      osBuild: buildText,
      capturedAt: new Date(captured * 1000).toISOString().replace('.000Z', 'Z'),
      timeZoneOffsetMinutes: rng.pick([-480, -420, -300, -240, 0, 60, 120, 330, 540, 600, 660]),
      osType: 2,
      osTypeName: osTypeName(2),
      architecture: 9,
      architectureName: architectureName(9),
      toolVersion,
    },
    system: {
      manufacturer: m.manufacturer,
      model: m.model,
      serialNumber: m.serialNumber,
      sku: m.sku,
      family: m.family,
      version: m.version,
      smbiosUuid: guidOf(uuid, 0),
    },
    baseboard: { manufacturer: m.baseboard[0], product: m.baseboard[1], version: m.baseboard[2] },
    firmware: { vendor: m.firmwareVendor },
    processor: {
      manufacturer: cpu.manufacturer,
      model: cpu.model,
      topology: {
        architecture: 9,
        architectureName: architectureName(9),
        packages: 1,
        cores: cpu.cores,
        logicalProcessors: cpu.threads,
        hyperThreading: cpu.threads > cpu.cores,
      },
      coreClasses: cpu.classes === null ? null : cpu.classes.map((c) => ({ ...c })),
    },
    memory: {
      totalPhysicalRamGB: ram,
      smbiosRamMaximumCapacity: Math.max(64, ram * 2),
      smbiosRamSlots: ram >= 32 ? 2 : rng.int(1, 2),
      smbiosRamArrayCount: 1,
      smbiosRamErrorCorrection: 3,
      smbiosRamErrorCorrectionName: errorCorrectionName(3),
    },
    disks,
    kernelDiskSerial: disks[0].serial === null ? null : { ...disks[0].serial },
    networkAdapters: nics,
    displays: [
      {
        mode: {
          widthMm,
          heightMm,
          horizontalResolution: hRes,
          verticalResolution: vRes,
          outputTechnology: 0x80000000,
          outputTechnologyName: outputTechnologyName(0x80000000),
        },
        sizeCm: { widthCm: Math.round(widthMm / 10), heightCm: Math.round(heightMm / 10) },
      },
    ],
    gpus,
    enclosure: {
      chassisType: chassis,
      chassisTypeName: chassisTypeName(chassis),
      powerRole: 2,
      powerRoleName: powerRoleName(2),
      byte2: 0,
      digitizer: digitizerOf(digitizer),
      maxTouchPoints: m.convertible ? 10 : 0,
    },
    tpm: {
      version: `TPM-Version:2.0 -Level:0-Revision:${tpmRevision}-VendorID:'${tpmVendor}'-Firmware:${rng.int(400000, 999999)}.${rng.int(100000, 999999)}`,
      ekPublicKey: ekHex,
      offlineDeviceId: { idType: OFFLINE_ID_TPM_EK, idTypeName: offlineIdTypeName(OFFLINE_ID_TPM_EK), hash: sha256Hex(ek) },
    },
    productKey: {
      productKeyId: rng.pick(['33', '35']) + String(id).padStart(11, '0'),
      partNumber: `[TH]X${rng.text('0123456789', 2)}-${rng.text('0123456789', 5)}`,
    },
    locale: null,
    opaqueRecords,
    records: [],
  };
}

/** Record 37's observed shape: u32 n, u32 n (n = payload length - 4), ten u16 counts, then sum + 2 u16 values. */
function record37(rng: Random): string {
  const counts = [rng.int(0, 1), rng.int(0, 1), 1, rng.int(1, 2), 2, rng.int(2, 5), 0, rng.int(4, 6), 1, 0];
  const values = counts.reduce((a, b) => a + b, 0) + 2;
  const payload = new Uint8Array(28 + 2 * values);
  putU32(payload, 0, payload.length - 4);
  putU32(payload, 4, payload.length - 4);
  counts.forEach((c, i) => putU16(payload, 8 + 2 * i, c));
  for (let i = 0; i < values; i++) putU16(payload, 28 + 2 * i, rng.int(0, 0xffff));
  return hexOf(payload, 0, payload.length);
}

// ---- helpers -----------------------------------------------------------------------------------------------------

/** A bijection on 32-bit integers (xorshift-multiply rounds, each invertible), so distinct seeds stay distinct. */
function scramble(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** mulberry32: small, fast, deterministic. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  bool(): boolean {
    return this.next() < 0.5;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
  text(alphabet: string, length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }
}

/** `value` in base 36, upper case, left-padded to `width` (36^7 > 2^32, so width 7 keeps every seed distinct). */
function base36(value: number, width: number): string {
  return value.toString(36).toUpperCase().padStart(width, '0');
}

/** `value` as `width` hex digits, upper case, in groups of four joined by `sep`. */
function base16(value: number, width: number, sep: string): string {
  const hex = value.toString(16).toUpperCase().padStart(width, '0');
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += 4) groups.push(hex.slice(i, i + 4));
  return groups.join(sep);
}

function writeU32BE(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

function macText(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

type Plain = Record<string, unknown>;

function isPlainObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: plain objects merge key by key; anything else (arrays, null, scalars) replaces. */
function mergeInto(target: Plain, source: Plain): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) mergeInto(current, value);
    else target[key] = structuredClone(value);
  }
}

/** The bytes of the hex pairs at the start of `text`, up to the first pair that is not hex (as Node's hex decoder
 *  reads it). */
function hexPrefixBytes(text: string): Uint8Array {
  let n = 0;
  while (n + 2 <= text.length && parseHex(text.slice(n, n + 2)) !== null) n += 2;
  return parseHex(text.slice(0, n)) ?? new Uint8Array(0);
}
