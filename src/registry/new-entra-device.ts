// A new Entra device object: what its creator knows (tenant, name, and how it joined), every other property at the
// value Entra shows for a Windows object nobody has joined, managed or signed in to yet.
import { newObjectId, type EntraDevice } from '../model/index.js';

/** The tenant and name are required; the object id and deviceId are new GUIDs unless given. */
export type NewEntraDeviceFields = Pick<EntraDevice, 'tenantId' | 'displayName'> & Partial<Omit<EntraDevice, 'createdAt' | 'updatedAt'>>;

export function newEntraDevice(fields: NewEntraDeviceFields, now: string): EntraDevice {
  return {
    operatingSystem: 'Windows',
    operatingSystemVersion: '',
    accountEnabled: true,
    trustType: null,
    profileType: null,
    enrollmentProfileName: null,
    autopilotDeviceId: null,
    physicalIds: [],
    deviceOwnership: '',
    isManaged: false,
    managementType: null,
    mdmAppId: null,
    approximateLastSignInAt: null,
    ...fields,
    id: fields.id ?? newObjectId(),
    deviceId: fields.deviceId ?? newObjectId(),
    createdAt: now,
    updatedAt: now,
  };
}
