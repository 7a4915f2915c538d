// Display names for the numeric codes stored in a hash. Unknown codes read as `Unknown(<n>)`, so a name never
// hides a value the tables do not know. The encoder writes only the codes; names are always derived from them.

function lookup(table: readonly string[], code: number): string {
  return code >= 0 && code < table.length && table[code] !== '' ? table[code] : `Unknown(${code})`;
}

/** Windows `STORAGE_BUS_TYPE` (ntddstor.h). Other decoders get 3, 8 and 10 wrong: 3 is ATA, 8 RAID, 10 SAS. */
const STORAGE_BUS_TYPES = [
  'Unknown', 'SCSI', 'ATAPI', 'ATA', '1394', 'SSA', 'Fibre', 'USB', 'RAID', 'iSCSI', 'SAS', 'SATA', 'SD', 'MMC',
  'Virtual', 'FileBackedVirtual', 'Spaces', 'NVMe', 'SCM', 'UFS', 'NVMeoF',
] as const;

export function storageBusTypeName(code: number): string {
  return lookup(STORAGE_BUS_TYPES, code);
}

/** `NDIS_PHYSICAL_MEDIUM` (ntddndis.h). */
const PHYSICAL_MEDIA = [
  'Unspecified', 'WirelessLan', 'CableModem', 'PhoneLine', 'PowerLine', 'DSL', 'FibreChannel', '1394', 'WirelessWan',
  'Native802_11', 'Bluetooth', 'Infiniband', 'WiMax', 'UWB', '802_3', '802_5', 'Irda', 'WiredWAN', 'WiredCoWan',
  'Other', 'Native802_15_4',
] as const;

export function physicalMediumName(code: number): string {
  return lookup(PHYSICAL_MEDIA, code);
}

/** `PROCESSOR_ARCHITECTURE_*` (winnt.h). */
export function architectureName(code: number): string {
  switch (code) {
    case 0: return 'x86';
    case 5: return 'ARM';
    case 6: return 'IA64';
    case 9: return 'x64';
    case 12: return 'ARM64';
    case 0xffff: return 'Unknown';
    default: return `Unknown(${code})`;
  }
}

/** Record 1 OSType: 2 is confirmed; 1 appears only on a hash built in WinPE. */
export function osTypeName(code: number): string {
  return code === 1 ? 'WinPE' : code === 2 ? 'FullOS' : `Unknown(${code})`;
}

/** SMBIOS Type 16 "Memory Error Correction". */
const ERROR_CORRECTION = ['', 'Other', 'Unknown', 'None', 'Parity', 'Single-bit ECC', 'Multi-bit ECC', 'CRC'] as const;

export function errorCorrectionName(code: number): string {
  return lookup(ERROR_CORRECTION, code);
}

/** SMBIOS Type 3 chassis types (SMBIOS 3.x, DSP0134 7.4.1). */
const CHASSIS_TYPES = [
  '', 'Other', 'Unknown', 'Desktop', 'Low Profile Desktop', 'Pizza Box', 'Mini Tower', 'Tower', 'Portable', 'Laptop',
  'Notebook', 'Hand Held', 'Docking Station', 'All in One', 'Sub Notebook', 'Space-saving', 'Lunch Box',
  'Main Server Chassis', 'Expansion Chassis', 'SubChassis', 'Bus Expansion Chassis', 'Peripheral Chassis',
  'RAID Chassis', 'Rack Mount Chassis', 'Sealed-case PC', 'Multi-system chassis', 'Compact PCI', 'Advanced TCA',
  'Blade', 'Blade Enclosure', 'Tablet', 'Convertible', 'Detachable', 'IoT Gateway', 'Embedded PC', 'Mini PC',
  'Stick PC',
] as const;

export function chassisTypeName(code: number): string {
  return lookup(CHASSIS_TYPES, code);
}

/** `POWER_PLATFORM_ROLE` (winnt.h). */
const POWER_ROLES = [
  'Unspecified', 'Desktop', 'Mobile', 'Workstation', 'EnterpriseServer', 'SOHOServer', 'AppliancePC',
  'PerformanceServer', 'Slate',
] as const;

export function powerRoleName(code: number): string {
  return lookup(POWER_ROLES, code);
}

/** `DISPLAYCONFIG_VIDEO_OUTPUT_TECHNOLOGY` (wingdi.h); stored as u32, so OTHER (-1) reads 0xFFFFFFFF. */
const OUTPUT_TECHNOLOGIES = [
  'HD15', 'SVideo', 'CompositeVideo', 'ComponentVideo', 'DVI', 'HDMI', 'LVDS', '', 'D_JPN', 'SDI',
  'DisplayPortExternal', 'DisplayPortEmbedded', 'UDIExternal', 'UDIEmbedded', 'SDTVDongle', 'Miracast',
  'IndirectWired', 'IndirectVirtual', 'DisplayPortUsbTunnel',
] as const;

export function outputTechnologyName(code: number): string {
  if (code === 0x80000000) return 'Internal';
  if (code === 0xffffffff) return 'Other';
  return lookup(OUTPUT_TECHNOLOGIES, code);
}

/** Record 11 ID types. 0x0103 is a guess (seed kept in a UEFI variable). */
export const OFFLINE_ID_TPM_EK = 0x0001;
export const OFFLINE_ID_UEFI_VARIABLE = 0x0103;

export function offlineIdTypeName(code: number): string {
  return code === OFFLINE_ID_TPM_EK ? 'TpmEk' : code === OFFLINE_ID_UEFI_VARIABLE ? 'UefiVariable' : `Unknown(${code})`;
}

/** `SM_DIGITIZER` bits. */
export const DIGITIZER_INTEGRATED_TOUCH = 0x01;
export const DIGITIZER_EXTERNAL_TOUCH = 0x02;
export const DIGITIZER_INTEGRATED_PEN = 0x04;
export const DIGITIZER_EXTERNAL_PEN = 0x08;
export const DIGITIZER_MULTI_INPUT = 0x40;
export const DIGITIZER_READY = 0x80;
