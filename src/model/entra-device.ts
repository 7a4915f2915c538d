// An Entra device object: pre-created with an Autopilot registration, made by a join or a workplace join, or
// created through POST /devices. The directory owns it; the registry, intune and oobe create and read it.

export interface EntraDevice {
  /** Object id. */
  id: string;
  tenantId: string;
  /** deviceId: a GUID other than the object id. */
  deviceId: string;
  displayName: string;
  operatingSystem: string;
  operatingSystemVersion: string;
  accountEnabled: boolean;
  trustType: string | null;
  profileType: string | null;
  enrollmentProfileName: string | null;
  autopilotDeviceId: string | null;
  physicalIds: string[];
  /** Company | Personal | '' (Graph deviceOwnership). */
  deviceOwnership: string;
  isManaged: boolean;
  /** 'MDM' when Intune manages it. */
  managementType: string | null;
  mdmAppId: string | null;
  approximateLastSignInAt: string | null;
  createdAt: string;
  updatedAt: string;
}
