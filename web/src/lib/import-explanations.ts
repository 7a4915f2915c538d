// What each import outcome means and what to do about it, in plain words, by Microsoft's error name (and its number
// where Microsoft has one). The codes and their handling are those of autopilot-reference.md §1.4; 897, 898 and
// 899 are Tarmac's numbers for outcomes Microsoft names without a number (src/registry/errors.ts).

export interface ImportExplanation {
  code: number | null;
  name: string;
  /** What happened, in plain language. */
  meaning: string;
  /** What to do next. */
  action: string;
}

export const IMPORT_EXPLANATIONS: readonly ImportExplanation[] = [
  {
    code: 801,
    name: 'InvalidZtdRequestBody',
    meaning: 'The registration service could not read the request for this device.',
    action: 'Import the file again; if it keeps failing, check the row with “Download fixed CSV”.',
  },
  {
    code: 802,
    name: 'InvalidZtdHardwareHash',
    meaning: 'The hardware hash is not valid: it is damaged, cut short or not a Windows Autopilot hash.',
    action: 'Capture the hash again on the device (Get-WindowsAutopilotInfo) and import the new file.',
  },
  {
    code: 803,
    name: 'MissingZtdSerialNumberAndProductKey',
    meaning: 'Neither the file nor the hash holds a serial number or a product key ID, so the device cannot be identified.',
    action: 'Add the device’s serial number in the “Device Serial Number” column, or capture the hash on the real hardware (virtual machines often have none).',
  },
  {
    code: 806,
    name: 'ZtdDeviceAlreadyAssigned',
    meaning: 'This device is already registered in your organization as a Windows Autopilot device.',
    action: 'Nothing to do: it is already there (see Windows Autopilot devices). To import it again, delete it there first.',
  },
  {
    code: 807,
    name: 'ZtdDeviceIsNotRegistered',
    meaning: 'The device is not registered in your organization.',
    action: 'Import the device first.',
  },
  {
    code: 808,
    name: 'ZtdDeviceAssignedToOtherTenant',
    meaning: 'This device is registered to another organization.',
    action: 'Do not import it again: the other organization (or the partner or manufacturer that registered it) must deregister it first. Microsoft Support can release it with proof of ownership.',
  },
  {
    code: 812,
    name: 'ZtdDeviceNotFound',
    meaning: 'No device matches the manufacturer, model and serial number given.',
    action: 'Check the values, or import the device by its hardware hash instead.',
  },
  {
    code: 813,
    name: 'ZtdDeviceIsNotUnique',
    meaning: 'The hash does not identify one device unambiguously.',
    action: 'Capture the hash again on the device; if it persists, contact the manufacturer.',
  },
  {
    code: 814,
    name: 'ZtdDeviceAlreadyAadRegistered',
    meaning: 'The device is already Microsoft Entra registered in your organization (workplace joined, a personal device).',
    action: 'Remove the device from Intune and from Microsoft Entra ID, then import it again.',
  },
  {
    code: 897,
    name: 'ZtdDeviceIsMdmOnlyEnrolled',
    meaning: 'The device is enrolled in Intune as a personal (MDM-only) device.',
    action: 'Remove the device from Intune and from Microsoft Entra ID, then import it again.',
  },
  {
    code: 898,
    name: 'StorageError',
    meaning: 'The registration service could not store the device (a temporary failure).',
    action: 'Import the file again later; if it keeps failing, contact support.',
  },
  {
    code: 899,
    name: 'ZtdDeviceDuplicated',
    meaning: 'Another row of the same import is the same device; only the first of them was processed.',
    action: 'Nothing to do for this row: look at the result of the first one. Keep one row per device in your files.',
  },
];

const BY_NAME = new Map(IMPORT_EXPLANATIONS.map((e) => [e.name.toLowerCase(), e]));
const BY_CODE = new Map(IMPORT_EXPLANATIONS.filter((e) => e.code !== null).map((e) => [e.code, e]));
// Microsoft's documentation spells 808 "…ToAnotherTenant"; the service says "…ToOtherTenant".
BY_NAME.set('ztddeviceassignedtoanothertenant', BY_CODE.get(808) as ImportExplanation);

/** The explanation of an outcome by its name (preferred) or number; null when neither is known. */
export function explainImportError(code: number | null | undefined, name: string | null | undefined): ImportExplanation | null {
  return (name ? BY_NAME.get(name.toLowerCase()) : undefined) ?? (code ? BY_CODE.get(code) : undefined) ?? null;
}

/** "806 - ZtdDeviceAlreadyAssigned", as Intune shows it (either part may be missing). */
export function errorCodeLabel(code: number | null | undefined, name: string | null | undefined): string {
  return [code ? String(code) : '', name ?? ''].filter((s) => s !== '').join(' - ');
}
