// Record types of the OA3 hardware inventory (hardware-hash-format.md §2) and the container constants.

export const MAGIC_O = 0x4f;
export const MAGIC_A = 0x41;
/** "CS" read as a little-endian u16. */
export const CHECKSUM_TYPE = 0x5343;
export const CHECKSUM_RECORD_LENGTH = 36;
/** Every modern hash is padded to 3000 bytes (4000 base64 characters). */
export const HASH_SIZE = 3000;
export const HEADER_LENGTH = 4;
export const RECORD_HEADER_LENGTH = 4;

export const Rec = {
  Build: 1,
  ProcessorTopology: 2,
  ProcessorManufacturer: 3,
  ProcessorModel: 4,
  Memory: 5,
  Disk: 6,
  DiskSerial: 7,
  NetworkAdapter: 8,
  Display: 9,
  Enclosure: 10,
  OfflineDeviceId: 11,
  SmbiosUuid: 12,
  TpmVersion: 13,
  SerialNumber: 14,
  FirmwareVendor: 15,
  Manufacturer: 16,
  Model: 17,
  Sku: 18,
  Family: 19,
  BaseboardManufacturer: 20,
  BaseboardProduct: 21,
  BaseboardVersion: 22,
  SystemVersion: 23,
  ProductKeyId: 24,
  TpmEkPublicKey: 25,
  ProductKeyPartNumber: 26,
  DisplaySizeCm: 27,
  KernelDiskSerial: 28,
  GpuMemory: 29,
  GpuName: 30,
  CoreClasses: 34,
  Unknown35: 35,
  Locale: 36,
  Unknown37: 37,
} as const;


/** The CPUID brand string is a fixed 48-byte, NUL-padded field. */
export const BRAND_STRING_LENGTH = 48;

/** Names for messages. */
export function recordName(type: number): string {
  switch (type) {
    case Rec.Build: return 'build info';
    case Rec.ProcessorTopology: return 'processor summary';
    case Rec.ProcessorManufacturer: return 'processor manufacturer';
    case Rec.ProcessorModel: return 'processor model';
    case Rec.Memory: return 'memory';
    case Rec.Disk: return 'disk';
    case Rec.DiskSerial: return 'disk serial';
    case Rec.NetworkAdapter: return 'network adapter';
    case Rec.Display: return 'display';
    case Rec.Enclosure: return 'system enclosure';
    case Rec.OfflineDeviceId: return 'offline device ID (TPM EK hash)';
    case Rec.SmbiosUuid: return 'SMBIOS UUID';
    case Rec.TpmVersion: return 'TPM version';
    case Rec.SerialNumber: return 'system serial number';
    case Rec.FirmwareVendor: return 'firmware vendor';
    case Rec.Manufacturer: return 'system manufacturer';
    case Rec.Model: return 'system product name';
    case Rec.Sku: return 'SKU number';
    case Rec.Family: return 'system family';
    case Rec.BaseboardManufacturer: return 'baseboard manufacturer';
    case Rec.BaseboardProduct: return 'baseboard product';
    case Rec.BaseboardVersion: return 'baseboard version';
    case Rec.SystemVersion: return 'system version';
    case Rec.ProductKeyId: return 'product key ID';
    case Rec.TpmEkPublicKey: return 'TPM EK public key';
    case Rec.ProductKeyPartNumber: return 'product key part number';
    case Rec.DisplaySizeCm: return 'display size';
    case Rec.KernelDiskSerial: return 'kernel disk serial';
    case Rec.GpuMemory: return 'GPU memory';
    case Rec.GpuName: return 'GPU name';
    case Rec.CoreClasses: return 'hybrid core classes';
    case Rec.Locale: return 'locale';
    default: return 'unknown';
  }
}
