// POST /oobe/v1/enroll: the device's first Autopilot run (reference §6.1): Entra join of its pre-created object and
// automatic MDM enrollment, which creates a company-owned Intune managed device. Enrolling under a profile other
// than the assigned one leaves the device pendingReset; a self-deploying device whose Intune record still exists is
// blocked (Windows' 0x80180014) until an admin deletes the record or calls allowNextEnrollment, which allows one.
import type { ManagedDevice } from '../model/index.js';
import { afterDevicesChanged } from '../lifecycle/index.js';
import { expandDeviceName } from '../profiles/device-name.js';
import type { DeploymentProfile } from '../profiles/ports.js';
import { newEntraDevice } from '../registry/new-entra-device.js';
import { newManagedDevice } from '../registry/new-managed-device.js';
import type { DevicePatch } from '../registry/ports.js';
import type { AutopilotDevice, EntraDevice } from '../model/index.js';
import type { EntraDevicePatch } from '../directory/ports.js';
import type { Store } from '../ports.js';
import { OobeError, SDM_ONE_TIME_LIMIT_HRESULT, SDM_ONE_TIME_LIMIT_MESSAGE } from './errors.js';
import { captureIfAutomatic, checkHardware, type HardwareCheck } from './hardware-remediation.js';
import { presentedHardware, registeredDevice, registeredDeviceAtBoot, windowsDefaultName } from './identify-device.js';
import type { OobeTenants } from './ports.js';

/** The Intune MDM application id Entra records on managed devices (mdmAppId). */
export const INTUNE_MDM_APP_ID = '0000000a-0000-0000-c000-000000000000';

/** What Entra records on a device Intune manages. */
export const INTUNE_MANAGED = { isManaged: true, managementType: 'MDM', mdmAppId: INTUNE_MDM_APP_ID } as const satisfies EntraDevicePatch;

export interface EnrollInput {
  hardwareHash: unknown;
  userPrincipalName?: string | undefined;
  /** The profile the device enrolls under (default: the one it last downloaded). */
  profileId?: string | undefined;
  deviceName?: string | undefined;
}

export type EnrollResult =
  | {
      outcome: 'enrolled';
      device: AutopilotDevice;
      entra: EntraDevice;
      managedDevice: ManagedDevice;
      /** The profile the device enrolled under (null: none). */
      profile: DeploymentProfile | null;
      /** The managed device this enrollment replaced (a re-enrollment), if any. */
      replacedManagedDeviceId: string | null;
      hardware: HardwareCheck;
    }
  | { outcome: 'blocked'; device: AutopilotDevice; hresult: string; message: string };

const UPN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validate(input: EnrollInput): void {
  if (input.userPrincipalName !== undefined && !UPN.test(input.userPrincipalName)) {
    throw new OobeError('InvalidInput', `userPrincipalName '${input.userPrincipalName}' is not a user principal name (user@domain).`);
  }
  if (input.profileId !== undefined && !GUID.test(input.profileId)) {
    throw new OobeError('InvalidInput', `profileId '${input.profileId}' is not a deployment profile id (a GUID).`);
  }
  const name = input.deviceName;
  if (name !== undefined && (name.length === 0 || name.length > 15 || !/^[A-Za-z0-9-]+$/.test(name) || /^\d+$/.test(name))) {
    throw new OobeError('InvalidInput', `deviceName '${name}' is not a Windows computer name: 1 to 15 letters, digits and hyphens, not only digits.`);
  }
}

/**
 * `tenants`, when given, checks the signing-in user's tenant: the Autopilot profile applies only when it is the
 * device's tenant (reference §6.1 — a tenant that registered someone else's PC only gets its users redirected).
 */
export async function enrollDevice(
  store: Store,
  input: EnrollInput,
  now: Date,
  random?: () => number,
  tenants?: OobeTenants,
): Promise<EnrollResult> {
  validate(input);
  const hardware = presentedHardware(input.hardwareHash);
  const stamp = now.toISOString();
  if (tenants && input.userPrincipalName !== undefined) {
    // Read before the transaction: the tenants store does not join it (one SQLite connection).
    const registered = await registeredDevice(store, hardware);
    const domain = input.userPrincipalName.slice(input.userPrincipalName.lastIndexOf('@') + 1).toLowerCase();
    const userTenant = await tenants.tenantOfDomain(domain);
    if (userTenant !== undefined && userTenant !== registered.tenantId) {
      throw new OobeError(
        'TenantMismatch',
        `The device is registered to tenant ${registered.tenantId}, but ${input.userPrincipalName} belongs to tenant ${userTenant}: Windows does not apply ` +
          `another tenant's Autopilot profile (TenantMatched 0). Sign in with an account of the device's tenant, or deregister the device there.`,
      );
    }
  }
  return store.transaction(async (tx): Promise<EnrollResult> => {
    const device = await registeredDeviceAtBoot(tx, hardware, stamp);
    const label = device.serialNumber || device.id;
    if (device.enrollmentState === 'blocked') {
      return {
        outcome: 'blocked',
        device,
        hresult: SDM_ONE_TIME_LIMIT_HRESULT,
        message: `${SDM_ONE_TIME_LIMIT_MESSAGE} (${SDM_ONE_TIME_LIMIT_HRESULT}): device ${label} is blocked; delete its Intune managed device or call allowNextEnrollment, then retry.`,
      };
    }

    const enrollProfileId = input.profileId?.toLowerCase() ?? device.deliveredProfileId;
    const profile = enrollProfileId ? await tx.profiles.find(device.tenantId, enrollProfileId) : null;
    if (input.profileId !== undefined && !profile) {
      throw new OobeError('InvalidInput', `profileId '${input.profileId}' is not a deployment profile of the device's tenant.`);
    }
    const selfDeploying = profile?.outOfBoxExperienceSetting.deviceUsageType === 'shared';
    const previous = device.managedDeviceId ? await tx.intune.find(device.tenantId, device.managedDeviceId) : undefined;
    if (previous && selfDeploying && device.userlessEnrollmentStatus !== 'allowed') {
      await tx.devices.update(device.tenantId, device.id, { enrollmentState: 'blocked', userlessEnrollmentStatus: 'blocked' }, stamp);
      return {
        outcome: 'blocked',
        device: { ...device, enrollmentState: 'blocked', userlessEnrollmentStatus: 'blocked', updatedAt: stamp },
        hresult: SDM_ONE_TIME_LIMIT_HRESULT,
        message:
          `${SDM_ONE_TIME_LIMIT_MESSAGE} (${SDM_ONE_TIME_LIMIT_HRESULT}): self-deploying device ${label} is still enrolled as Intune managed device ` +
          `'${previous.deviceName}' (${previous.id}); delete that managed device or call allowNextEnrollment, then retry.`,
      };
    }

    const entra = await tx.entra.findByAutopilotDevice(device.tenantId, device.id);
    if (!entra) {
      throw new OobeError(
        'EnrollmentBlocked',
        `Entra join failed: the Entra device object of Autopilot device ${label} was deleted. Delete the Autopilot device and import its hash again.`,
      );
    }

    let hardwareCheck = await checkHardware(tx, device, hardware, stamp);
    hardwareCheck = await captureIfAutomatic(tx, device, hardwareCheck, hardware, stamp);

    // A re-enrollment replaces the device's Intune record.
    if (previous) await tx.intune.delete(device.tenantId, previous.id);

    const deviceName =
      input.deviceName ??
      (profile?.deviceNameTemplate ? expandDeviceName(profile.deviceNameTemplate, device.serialNumber, random) : device.displayName || windowsDefaultName());
    const osVersion = hardware.inventory?.build?.osBuild ?? '';
    const userPrincipalName = selfDeploying ? '' : (input.userPrincipalName ?? device.userPrincipalName);
    const enrollmentProfileName = profile?.displayName ?? '';

    const joined = {
      displayName: deviceName,
      enrollmentProfileName: enrollmentProfileName || null,
      ...INTUNE_MANAGED,
      deviceOwnership: 'Company',
      operatingSystemVersion: osVersion,
      approximateLastSignInAt: stamp,
    };
    // Entra join turns the pre-created object into the joined device. A hybrid (Active Directory) profile joins the
    // on-premises domain instead: the computer object syncs to Entra as a SECOND device (trustType ServerAd), and the
    // pre-created Autopilot object stays as it is — the duplicate Microsoft documents as by design (reference §6.2).
    const hybrid = profile?.kind === 'activeDirectory';
    let enrolledEntra: EntraDevice;
    if (hybrid) {
      enrolledEntra = newEntraDevice({ tenantId: device.tenantId, trustType: 'ServerAd', ...joined }, stamp);
      await tx.entra.create(enrolledEntra);
    } else {
      await tx.entra.update(device.tenantId, entra.id, { trustType: 'AzureAd', ...joined }, stamp);
      enrolledEntra = { ...entra, trustType: 'AzureAd', ...joined, updatedAt: stamp };
    }

    const managedDevice = newManagedDevice(
      {
        tenantId: device.tenantId,
        deviceName,
        managedDeviceOwnerType: 'company',
        deviceEnrollmentType: selfDeploying ? 'windowsAzureADJoinUsingDeviceAuth' : 'windowsAzureADJoin',
        joinType: hybrid ? 'hybridAzureADJoined' : 'azureADJoined',
        osVersion,
        serialNumber: device.serialNumber,
        manufacturer: device.manufacturer,
        model: device.model,
        azureAdDeviceId: enrolledEntra.deviceId,
        userPrincipalName,
        enrollmentProfileName,
        autopilotEnrolled: true,
        autopilotDeviceId: device.id,
      },
      stamp,
    );
    await tx.intune.create(managedDevice);
    await tx.intune.setHardwareKeys('managedDevice', managedDevice.id, device.tenantId, hardware.keys, stamp);

    const patch: DevicePatch = {
      // Enrolled under another profile than the assigned one: Intune shows pendingReset until the device is reset.
      enrollmentState: (enrollProfileId ?? null) !== (device.deploymentProfileId ?? null) ? 'pendingReset' : 'enrolled',
      managedDeviceId: managedDevice.id,
      lastContactedAt: stamp,
      // allowNextEnrollment allows one enrollment: this one uses it up.
      ...(device.userlessEnrollmentStatus === 'allowed' ? { userlessEnrollmentStatus: 'unknown' as const } : {}),
    };
    await tx.devices.update(device.tenantId, device.id, patch, stamp);
    await afterDevicesChanged(tx, device.tenantId, hybrid ? [entra.id, enrolledEntra.id] : [entra.id], stamp);
    const after = (await tx.devices.find(device.tenantId, device.id)) ?? { ...device, ...patch };
    return {
      outcome: 'enrolled',
      device: after,
      entra: enrolledEntra,
      managedDevice,
      profile,
      replacedManagedDeviceId: previous?.id ?? null,
      hardware: hardwareCheck,
    };
  });
}
