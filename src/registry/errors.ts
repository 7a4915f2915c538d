// The registry's error vocabulary. Import outcomes carry Device Directory Service (DDS) codes and names exactly as
// Microsoft reports them (autopilot-reference.md §1.4); RegistryError is what operations throw for a caller's mistake.

/** Import error names with their DDS numbers. */
export const ZTD_ERRORS = {
  InvalidZtdHardwareHash: 802,
  MissingZtdSerialNumberAndProductKey: 803,
  ZtdDeviceAlreadyAssigned: 806,
  ZtdDeviceAssignedToOtherTenant: 808,
  /** The hardware is an Entra *registered* (workplace-joined, trustType Workplace) device of the tenant (reference §7). */
  ZtdDeviceAlreadyAadRegistered: 814,
  /**
   * Tarmac's own: the hardware is enrolled in the tenant's Intune as a personal (MDM-only) device. Microsoft documents
   * no code for it (whether Intune refuses it up front is not documented, §7/§8); 897 sits outside DDS's 801–815
   * like 898/899, so that `deviceErrorCode != 0` still means "failed".
   */
  ZtdDeviceIsMdmOnlyEnrolled: 897,
  /**
   * Microsoft documents no number for this one (Intune de-duplicates a batch before DDS sees it). Tarmac reports
   * 899, outside DDS's 801–815, so that `deviceErrorCode != 0` still means "failed" to scripts that test it.
   */
  ZtdDeviceDuplicated: 899,
  /** Intune's generic "retry later" (no DDS number documented either): a row that failed to process 5 times. */
  StorageError: 898,
} as const;

export type ZtdErrorName = keyof typeof ZTD_ERRORS;

export type RegistryErrorCode =
  /** The object does not exist in the caller's tenant (it may exist in another: never say so). */
  | 'NotFound'
  /** A request field is unusable; the message names which one. */
  | 'InvalidInput'
  /** windowsAutopilotSettings/sync while one runs. */
  | 'SyncInProgress'
  /** windowsAutopilotSettings/sync within the interval; retryAfterSeconds says how long to wait. */
  | 'SyncTooSoon'
  /** The device cannot be deleted in its current state (enrolled in Intune, user assigned). */
  | 'DeviceBusy';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
