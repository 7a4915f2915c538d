// POST /oobe/v1/workplace-join: a user adds a work account to a PC ("Access work or school"), which registers the
// PC in Entra ID (trustType Workplace, a personal device) and, with automatic MDM enrollment, enrolls it in Intune
// as a personal device (MDM-only). These are exactly the devices that must not be registered for Autopilot
// (reference §7): the objects keep the hash's identity keys, so registration can recognise them (814 / 897).
import type { ManagedDevice } from '../model/index.js';
import { afterDevicesChanged } from '../lifecycle/index.js';
import { newEntraDevice } from '../registry/new-entra-device.js';
import { newManagedDevice } from '../registry/new-managed-device.js';
import type { EntraDevice } from '../model/index.js';
import type { Store } from '../ports.js';
import { INTUNE_MANAGED } from './enroll-device.js';
import { OobeError } from './errors.js';
import { presentedHardware, windowsDefaultName } from './identify-device.js';
import type { OobeTenants } from './ports.js';

export interface WorkplaceJoinInput {
  hardwareHash: unknown;
  userPrincipalName: unknown;
  mdm?: unknown;
}

export interface WorkplaceJoinResult {
  tenantId: string;
  entra: EntraDevice;
  managedDevice: ManagedDevice | null;
}

export async function workplaceJoin(store: Store, tenants: OobeTenants, input: WorkplaceJoinInput, now: Date): Promise<WorkplaceJoinResult> {
  const upn = input.userPrincipalName;
  if (typeof upn !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(upn)) {
    throw new OobeError('InvalidInput', `userPrincipalName ${JSON.stringify(upn ?? null)} is not a user principal name (user@domain): it says which tenant to join.`);
  }
  if (input.mdm !== undefined && typeof input.mdm !== 'boolean') throw new OobeError('InvalidInput', 'mdm must be true or false.');
  const mdm = input.mdm === true;
  const hardware = presentedHardware(input.hardwareHash);
  const domain = upn.slice(upn.lastIndexOf('@') + 1).toLowerCase();
  const tenantId = await tenants.tenantOfDomain(domain);
  if (tenantId === undefined) {
    throw new OobeError('UnknownTenantDomain', `No tenant has the domain '${domain}' of userPrincipalName '${upn}'; use an account of a Tarmac tenant.`);
  }
  const stamp = now.toISOString();
  const serial = hardware.identity.serialNumber;
  const name = serial ? serial.replace(/[^A-Za-z0-9-]/g, '').slice(0, 15) || windowsDefaultName() : windowsDefaultName();
  const osVersion = hardware.inventory?.build?.osBuild ?? '';
  return store.transaction(async (tx) => {
    const entra = newEntraDevice(
      {
        tenantId,
        displayName: name,
        operatingSystemVersion: osVersion,
        trustType: 'Workplace',
        profileType: 'RegisteredDevice',
        deviceOwnership: 'Personal',
        ...(mdm ? INTUNE_MANAGED : {}),
        approximateLastSignInAt: stamp,
      },
      stamp,
    );
    await tx.entra.create(entra);
    await tx.intune.setHardwareKeys('entraDevice', entra.id, tenantId, hardware.keys, stamp);
    let managedDevice: ManagedDevice | null = null;
    if (mdm) {
      managedDevice = newManagedDevice(
        {
          tenantId,
          deviceName: name,
          managedDeviceOwnerType: 'personal',
          deviceEnrollmentType: 'windowsAutoEnrollment',
          joinType: 'azureADRegistered',
          osVersion,
          serialNumber: serial ?? '',
          manufacturer: hardware.identity.manufacturer ?? '',
          model: hardware.identity.model ?? '',
          azureAdDeviceId: entra.deviceId,
          userPrincipalName: upn,
        },
        stamp,
      );
      await tx.intune.create(managedDevice);
      await tx.intune.setHardwareKeys('managedDevice', managedDevice.id, tenantId, hardware.keys, stamp);
    }
    await afterDevicesChanged(tx, tenantId, [entra.id], stamp);
    return { tenantId, entra, managedDevice };
  });
}
