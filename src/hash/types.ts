// The public shapes of the hardware-hash codec. The layout they describe is in
// shared/docs/hardware-hash-format.md; field names follow oa3tool's where one is known.

export type Severity = 'error' | 'warning';

/** Every way a hash can be wrong. Errors make a hash invalid; warnings are repairs or oddities worth knowing. */
export type HashIssueCode =
  | 'EmptyHash' // nothing but whitespace/quotes
  | 'InvalidBase64' // a character outside the base64 alphabet, or '=' in the middle
  | 'HashPaddingFixed' // warning: base64 was unpadded or mis-padded and was repaired
  | 'HashTooShort' // fewer than 4 bytes, or the header length points past the end
  | 'BadMagic' // the first two bytes are not "OA"
  | 'RecordTooShort' // a record length below 4
  | 'RecordOverrun' // a record runs past the header length
  | 'RecordWalkMismatch' // the record walk does not end exactly at the header length
  | 'MissingChecksum' // no "CS" record at the header length
  | 'ChecksumMismatch' // the SHA-256 trailer does not match the signed bytes
  | 'MalformedRecord' // a known record whose payload cannot be read (wrong size, bad text)
  | 'TpmEkHashMismatch' // record 11 (type 1) is not SHA-256 of record 25
  | 'NonZeroPadding' // warning: bytes after the checksum record are not zero
  | 'UnexpectedSize' // warning: decoded length is not 3000 bytes
  | 'UnexpectedRecordSize' // warning: a fixed-layout record is longer than its known layout (extra bytes kept)
  | 'DuplicateRecord'; // warning: a record that should appear once appears again (the repeat is kept raw)

export interface HashIssue {
  code: HashIssueCode;
  severity: Severity;
  /** One line that says what is wrong and what to do. */
  message: string;
  /** Byte offset in the decoded bytes; for base64 problems, the character index in the text. */
  offset?: number;
}

/** Normalised, placeholder-free identity of a device, as registration keys it. */
export interface DeviceIdentity {
  /** Trimmed SMBIOS values as captured (display form); null when absent or a placeholder. */
  manufacturer: string | null;
  model: string | null;
  serialNumber: string | null;
  /** Normalised "MANUFACTURER|MODEL|SERIAL" key; null when any part is missing or a placeholder. */
  tuple: string | null;
  /** Lower-case GUID in Windows byte order (as Win32_ComputerSystemProduct.UUID shows it); null when placeholder. */
  smbiosUuid: string | null;
  /** 13-digit OA3 product key ID; null when absent. */
  productKeyId: string | null;
  /** Lower-case hex SHA-256 of the TPM EK public key (record 11 type 1); null when no TPM. */
  tpmEkHash: string | null;
  /** Every key above that is present, prefixed by kind: `tuple:…`, `uuid:…`, `pkid:…`, `ek:…`. Two hashes
   *  describe the same device when they share any key. */
  keys: string[];
  /** Names of SMBIOS fields that held a placeholder (e.g. `serialNumber`), so callers can explain missing keys. */
  placeholders: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// The decoded inventory. One sub-object per record type (null when the record is absent); names follow oa3tool's
// property names where one is known. Every field the decoder reads, the encoder writes back.
// ---------------------------------------------------------------------------------------------------------------

/** Record 1: who built the hash, on what, and when. */
export interface BuildInfo {
  /** Build of the tool that made the hash, `major.minor.build.revision` (ToolBuild). */
  toolBuild: string;
  /** Windows build, `major.minor.build.revision` (OsBuild). */
  osBuild: string;
  /** OS system time at capture, ISO 8601 UTC with seconds (OsSystemTime), e.g. `2024-10-27T03:04:05Z`. */
  capturedAt: string;
  /** Local-time offset in minutes. Stored in 15-minute units from ToolVersion 5, in minutes before. */
  timeZoneOffsetMinutes: number;
  /** 1 = WinPE (likely), 2 = FullOS. */
  osType: number;
  osTypeName: string;
  /** `PROCESSOR_ARCHITECTURE_*` of the OS: 0 x86, 9 x64, 12 ARM64. */
  architecture: number;
  architectureName: string;
  /** Format generation: 3 (1709), 5 (19041), 7 (20348), 8 (22621), 9 (26100). */
  toolVersion: number;
}

/** SMBIOS system information (records 16, 17, 14, 18, 19, 23 and 12). Strings are as captured, trailing NULs removed. */
export interface SystemInfo {
  manufacturer: string | null;
  /** System product name (Lenovo puts the machine-type code here). */
  model: string | null;
  serialNumber: string | null;
  sku: string | null;
  family: string | null;
  version: string | null;
  /** Lower-case GUID formatted like Windows (`new Guid(bytes)`: first three fields little-endian). */
  smbiosUuid: string | null;
}

/** SMBIOS Type 2 (records 20, 21, 22); absent on machines without a baseboard table (QEMU). */
export interface BaseboardInfo {
  manufacturer: string | null;
  product: string | null;
  version: string | null;
}

/** Record 15. */
export interface FirmwareInfo {
  vendor: string | null;
}

/** Record 2. */
export interface ProcessorTopology {
  architecture: number;
  architectureName: string;
  packages: number;
  cores: number;
  logicalProcessors: number;
  hyperThreading: boolean;
}

/** One efficiency class of a hybrid CPU (record 34). */
export interface CoreClass {
  efficiencyClass: number;
  cores: number;
  logicalProcessors: number;
}

export interface ProcessorInfo {
  /** Record 3: CPUID vendor (`GenuineIntel`, `AuthenticAMD`, `Apple`). */
  manufacturer: string | null;
  /** Record 4: CPUID brand string, trimmed. */
  model: string | null;
  topology: ProcessorTopology | null;
  /** Record 34 (hybrid parts, ToolVersion 8+). */
  coreClasses: CoreClass[] | null;
}

/** Record 5. Numbers are the raw values oa3tool prints. */
export interface MemoryInfo {
  totalPhysicalRamGB: number;
  smbiosRamMaximumCapacity: number;
  smbiosRamSlots: number;
  smbiosRamArrayCount: number;
  /** SMBIOS Type 16 error-correction code: 3 None, 4 Parity, 5 Single-bit ECC, 6 Multi-bit ECC, 7 CRC. */
  smbiosRamErrorCorrection: number;
  smbiosRamErrorCorrectionName: string;
}

/** Record 6. */
export interface DiskDescriptor {
  capacityGB: number;
  /** Windows `STORAGE_BUS_TYPE` (3 ATA, 8 RAID, 10 SAS, 11 SATA, 17 NVMe, …). */
  busType: number;
  busTypeName: string;
  /** The last two payload bytes (`00 01` on NVMe, `ff 01` on virtual disks); meaning unproven. */
  opaqueBytes: [number, number];
}

/** Records 7 and 28: `serial|product|vendor`, each part trimmed. */
export interface DiskSerial {
  serialNumber: string;
  product: string;
  vendor: string;
}

/** A disk: record 6 and the record 7 that follows it. Either may be missing. */
export interface DiskInfo {
  descriptor: DiskDescriptor | null;
  serial: DiskSerial | null;
}

/** Record 8. */
export interface NetworkAdapter {
  /** `NDIS_PHYSICAL_MEDIUM`: 9 Wi-Fi, 10 Bluetooth, 14 Ethernet, 8 WWAN, 0 unspecified. */
  physicalMedium: number;
  physicalMediumName: string;
  /** Lower-case, colon-separated: `aa:bb:cc:dd:ee:ff`. */
  macAddress: string;
  /** Bus enumerator: `PCI`, `USB`, `BTH`, `VMBUS`. */
  bus: string;
}

/** Record 9. VMs store all 0xFF. */
export interface DisplayMode {
  widthMm: number;
  heightMm: number;
  horizontalResolution: number;
  verticalResolution: number;
  /** `DISPLAYCONFIG_VIDEO_OUTPUT_TECHNOLOGY` (u32); 0x80000000 = internal panel. */
  outputTechnology: number;
  outputTechnologyName: string;
}

/** Record 27: about the record 9 size in cm (EDID size, likely). */
export interface DisplaySizeCm {
  widthCm: number;
  heightCm: number;
}

/** A display: record 9 and the record 27 that follows it. */
export interface DisplayInfo {
  mode: DisplayMode | null;
  sizeCm: DisplaySizeCm | null;
}

/** Record 29. */
export interface GpuMemory {
  dedicatedVideoMemoryBytes: number;
  dedicatedSystemMemoryBytes: number;
  /** The last two payload bytes (always `01 01` so far); meaning unproven. */
  opaqueBytes: [number, number];
}

/** Record 30: UTF-16LE `Manufacturer|Description`. */
export interface GpuName {
  manufacturer: string;
  description: string;
}

/** A GPU: the n-th record 29 with the n-th record 30 (two GPUs are laid out 29,29,30,30). */
export interface GpuInfo {
  memory: GpuMemory | null;
  name: GpuName | null;
}

/** `SM_DIGITIZER` bits of record 10. `flags` is the stored byte; the booleans are read from it. */
export interface DigitizerInfo {
  flags: number;
  integratedTouch: boolean;
  externalTouch: boolean;
  integratedPen: boolean;
  externalPen: boolean;
  multiInput: boolean;
  ready: boolean;
}

/** Record 10. */
export interface EnclosureInfo {
  /** SMBIOS chassis type (0x0A Notebook, 0x1F Convertible, 0x23 Mini PC, …). */
  chassisType: number;
  chassisTypeName: string;
  /** `POWER_PLATFORM_ROLE` (1 Desktop, 2 Mobile, …). */
  powerRole: number;
  powerRoleName: string;
  /** Byte 2: 1 on VMs and one HP (optical drive?); meaning unproven. */
  byte2: number;
  digitizer: DigitizerInfo;
  maxTouchPoints: number;
}

/** Record 11. */
export interface OfflineDeviceId {
  /** 0x0001 = SHA-256 of the TPM EK public key; 0x0103 = seed-based, seen on machines without a TPM. */
  idType: number;
  idTypeName: string;
  /** Lower-case hex. */
  hash: string;
}

export interface TpmInfo {
  /** Record 13, e.g. `TPM-Version:2.0 -Level:0-Revision:1.59-VendorID:'NTC '-Firmware:…`. */
  version: string | null;
  /** Record 25: big-endian RSA-2048 EK modulus, lower-case hex. */
  ekPublicKey: string | null;
  offlineDeviceId: OfflineDeviceId | null;
}

/** OA3 key information (records 24 and 26), present only when the firmware holds an OA3 key. */
export interface ProductKeyInfo {
  /** 13-digit ProductKeyID. */
  productKeyId: string | null;
  /** ProductKeyPkPn, e.g. `[TH]X19-99481`. */
  partNumber: string | null;
}

/** Record 36 (seen only when oa3tool ran in WinPE): `ui|locale|time zone|lang,lang|keyboard`. Field meanings are a guess. */
export interface LocaleInfo {
  uiLanguage: string;
  locale: string;
  timeZone: string;
  languages: string[];
  keyboardLayout: string;
}

/** A record kept as bytes: 35, 37 and any type this codec does not know. */
export interface OpaqueRecord {
  type: number;
  /** Payload, lower-case hex. */
  hex: string;
}

/** Where one record sat in the hash (diagnostics; the encoder also follows this order). */
export interface RecordEntry {
  type: number;
  /** Offset of the record header in the decoded bytes. */
  offset: number;
  /** Record length including its 4-byte header. */
  length: number;
  /** Payload hex, present only when the decoded fields cannot reproduce this record byte for byte (trimmed spaces,
   *  extra NULs, non-zero reserved bytes, a repeat of a single-value record). The encoder uses it while it still
   *  decodes to the same fields, so an unedited inventory re-encodes to the original bytes. */
  preserved?: string;
}

/** Everything inside a hardware hash. */
export interface HardwareInventory {
  build: BuildInfo | null;
  system: SystemInfo;
  baseboard: BaseboardInfo;
  firmware: FirmwareInfo;
  processor: ProcessorInfo;
  memory: MemoryInfo | null;
  disks: DiskInfo[];
  /** Record 28 (DiskSSNKernel): the boot disk as the kernel saw it. */
  kernelDiskSerial: DiskSerial | null;
  networkAdapters: NetworkAdapter[];
  displays: DisplayInfo[];
  gpus: GpuInfo[];
  enclosure: EnclosureInfo | null;
  tpm: TpmInfo;
  productKey: ProductKeyInfo;
  locale: LocaleInfo | null;
  opaqueRecords: OpaqueRecord[];
  /** Every record in file order (the "CS" checksum record excluded). */
  records: RecordEntry[];
}

/** Result of `decodeHardwareHash`. `bytes` and `inventory` are built on first read (bulk validation rarely needs
 *  them); after that they are ordinary own properties. Before the first read, `{ ...result }` does not copy them
 *  (`JSON.stringify` does). */
export interface DecodedHash {
  /** No issue with severity `error`. */
  valid: boolean;
  issues: HashIssue[];
  /** The base64 padding repair was applied (also reported as warning `HashPaddingFixed`). */
  paddingFixed: boolean;
  /** Canonical padded base64 of `bytes`. */
  base64: string | null;
  /** Null when the text is not base64. */
  bytes: Uint8Array | null;
  /** Null only when the container cannot be walked at all (too short, bad magic); best effort otherwise. */
  inventory: HardwareInventory | null;
  identity: DeviceIdentity | null;
}

/** Result of `validateHardwareHash`. */
export interface HashValidation {
  valid: boolean;
  issues: HashIssue[];
  paddingFixed: boolean;
}

/** Result of `encodeHardwareHash`. */
export interface EncodedHash {
  bytes: Uint8Array;
  base64: string;
}
