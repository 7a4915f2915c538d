// POST /oobe/v1/enroll with the device's AutopilotConfigurationFile.json (Autopilot for existing devices, reference
// §6.3): a PC that is NOT registered runs Autopilot from the file it was given. It joins the file's tenant and enrolls
// in Intune as a company device; both record enrollmentProfileName `OfflineAutopilotprofile-<ZtdCorrelationId>`
// (§6.2), which is how admins group such devices. When a profile with "Convert all targeted devices"
// (hardwareHashExtractionEnabled) then targets the device, it is registered from the hash it presents. A device that
// IS registered uses its online profile instead of the file (§6.3), so the caller sends it down the online path.
import { newObjectId, type ManagedDevice } from '../model/index.js';
import { afterDevicesChanged } from '../lifecycle/index.js';
import { expandDeviceName, validateDeviceNameTemplate } from '../profiles/device-name.js';
import { profileTargeting } from '../profiles/resolve.js';
import { convertToAutopilot } from '../registry/convert-device.js';
import { newEntraDevice } from '../registry/new-entra-device.js';
import { newManagedDevice } from '../registry/new-managed-device.js';
import type { AutopilotDevice, EntraDevice } from '../model/index.js';
import type { Store } from '../ports.js';
import { INTUNE_MANAGED } from './enroll-device.js';
import { OobeError } from './errors.js';
import { windowsDefaultName, type PresentedHardware } from './identify-device.js';
import type { OobeTenants } from './ports.js';

/** The fields of AutopilotConfigurationFile.json that enrollment uses. */
export interface OfflineConfiguration {
  tenantId: string;
  correlationId: string;
  /** 1: hybrid (Active Directory) join. */
  domainJoinMethod: 0 | 1;
  deviceNameTemplate: string | undefined;
}

/** Microsoft's prefix for enrollmentProfileName of devices enrolled from the JSON file. */
export const OFFLINE_PROFILE_PREFIX = 'OfflineAutopilotprofile-';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the configuration file a device sends (its JSON object), naming the first unusable field. */
export function readConfigurationFile(file: unknown): OfflineConfiguration {
  if (typeof file !== 'object' || file === null || Array.isArray(file)) {
    throw new OobeError('InvalidInput', 'configurationFile must be the JSON object of AutopilotConfigurationFile.json.');
  }
  const f = file as Record<string, unknown>;
  const guid = (field: string): string => {
    const value = f[field];
    if (typeof value !== 'string' || !GUID.test(value)) {
      throw new OobeError('InvalidInput', `configurationFile.${field} must be a GUID (got ${JSON.stringify(value ?? null)}).`);
    }
    return value.toLowerCase();
  };
  const method = f.CloudAssignedDomainJoinMethod ?? 0;
  if (method !== 0 && method !== 1) throw new OobeError('InvalidInput', 'configurationFile.CloudAssignedDomainJoinMethod must be 0 (Entra join) or 1 (hybrid join).');
  const name = f.CloudAssignedDeviceName;
  if (name !== undefined && (typeof name !== 'string' || validateDeviceNameTemplate(name) !== null)) {
    throw new OobeError('InvalidInput', `configurationFile.CloudAssignedDeviceName ${JSON.stringify(name)} is not a device name template.`);
  }
  return { tenantId: guid('CloudAssignedTenantId'), correlationId: guid('ZtdCorrelationId'), domainJoinMethod: method, deviceNameTemplate: name };
}

export interface OfflineEnrollInput {
  hardware: PresentedHardware;
  configuration: OfflineConfiguration;
  userPrincipalName?: string | undefined;
  deviceName?: string | undefined;
}

export interface OfflineEnrollResult {
  tenantId: string;
  enrollmentProfileName: string;
  entra: EntraDevice;
  managedDevice: ManagedDevice;
  /** The Autopilot device "Convert all targeted devices" registered, or null. */
  converted: AutopilotDevice | null;
}

/** Null when the hardware is registered: it then runs its online profile, not the file (enroll it the online way). */
export async function enrollOffline(
  store: Store,
  tenants: OobeTenants,
  input: OfflineEnrollInput,
  now: Date,
  random?: () => number,
): Promise<OfflineEnrollResult | null> {
  const { hardware, configuration } = input;
  if ((await store.identityKeys.owners(hardware.keys)).length > 0) return null;
  const tenantId = configuration.tenantId;
  if ((await tenants.domainOf(tenantId)) === undefined) {
    throw new OobeError('UnknownTenantDomain', `configurationFile.CloudAssignedTenantId ${tenantId} is no tenant of this Tarmac; export the file again from your tenant.`);
  }
  const stamp = now.toISOString();
  const serial = hardware.identity.serialNumber ?? '';
  const deviceName =
    input.deviceName ?? (configuration.deviceNameTemplate ? expandDeviceName(configuration.deviceNameTemplate, serial, random) : windowsDefaultName());
  const enrollmentProfileName = `${OFFLINE_PROFILE_PREFIX}${configuration.correlationId}`;
  const hybrid = configuration.domainJoinMethod === 1;
  const osVersion = hardware.inventory?.build?.osBuild ?? '';

  return store.transaction(async (tx) => {
    // Running it again (a reset PC) replaces the device's earlier Intune record in this tenant.
    const held = await tx.intune.keyHolders([tenantId], hardware.keys);
    for (const id of new Set(held.filter((h) => h.objectType === 'managedDevice' && h.ownerType === 'company').map((h) => h.objectId))) {
      await tx.intune.delete(tenantId, id);
    }

    const entra = newEntraDevice(
      {
        tenantId,
        displayName: deviceName,
        operatingSystemVersion: osVersion,
        trustType: hybrid ? 'ServerAd' : 'AzureAd',
        enrollmentProfileName,
        deviceOwnership: 'Company',
        ...INTUNE_MANAGED,
        approximateLastSignInAt: stamp,
      },
      stamp,
    );
    await tx.entra.create(entra);
    await tx.intune.setHardwareKeys('entraDevice', entra.id, tenantId, hardware.keys, stamp);

    // Dynamic groups first (e.g. enrollmentProfileName -eq "OfflineAutopilotprofile-…"): they decide what targets it.
    await afterDevicesChanged(tx, tenantId, [entra.id], stamp);
    const managedDeviceId = newObjectId();
    let converted: AutopilotDevice | null = null;
    const targeting = await profileTargeting(tx, tenantId, entra.id);
    const profile = targeting ? await tx.profiles.find(tenantId, targeting) : null;
    if (profile?.hardwareHashExtractionEnabled) {
      const device = await convertToAutopilot(tx, {
        tenantId,
        hash: hardware.bytes,
        identity: hardware.identity,
        inventory: hardware.inventory,
        keys: hardware.keys,
        entra,
        managedDeviceId,
        now: stamp,
      });
      if (device) {
        // It ran the file's profile: in sync when that is the profile it resolves to.
        await tx.devices.update(tenantId, device.id, { deliveredProfileId: configuration.correlationId }, stamp);
        await afterDevicesChanged(tx, tenantId, [entra.id], stamp);
        converted = (await tx.devices.find(tenantId, device.id)) ?? device;
      }
    }

    const managedDevice = newManagedDevice(
      {
        id: managedDeviceId,
        tenantId,
        deviceName,
        managedDeviceOwnerType: 'company',
        deviceEnrollmentType: 'windowsAzureADJoin',
        joinType: hybrid ? 'hybridAzureADJoined' : 'azureADJoined',
        osVersion,
        serialNumber: serial,
        manufacturer: hardware.identity.manufacturer ?? '',
        model: hardware.identity.model ?? '',
        azureAdDeviceId: entra.deviceId,
        userPrincipalName: input.userPrincipalName ?? '',
        enrollmentProfileName,
        autopilotEnrolled: converted !== null,
        autopilotDeviceId: converted?.id ?? null,
      },
      stamp,
    );
    await tx.intune.create(managedDevice);
    await tx.intune.setHardwareKeys('managedDevice', managedDevice.id, tenantId, hardware.keys, stamp);
    return { tenantId, enrollmentProfileName, entra: { ...entra, autopilotDeviceId: converted?.id ?? null }, managedDevice, converted };
  });
}
