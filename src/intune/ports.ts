// What the Intune domain (managed devices, neighbour hardware keys) needs from storage.
// src/store/intune-repository.ts implements it. No SQL, no HTTP.
import type { IdentityKey, ListPage, ListQuery, ManagedDevice, ManagedDeviceOwnerType } from '../model/index.js';

/** Objects made from a device's hash whose identity keys Tarmac keeps (the guardrails and hardware matching). */
export type NeighbourObjectType = 'entraDevice' | 'managedDevice';

/** An identity key held by an Entra device or a managed device, with what the guardrails need to know of its holder. */
export interface NeighbourKeyHolder extends IdentityKey {
  objectType: NeighbourObjectType;
  objectId: string;
  tenantId: string;
  /** The Entra device's displayName or the managed device's deviceName. */
  name: string;
  /** Entra devices: trustType (Workplace = Entra registered). */
  trustType: string | null;
  /** Managed devices: managedDeviceOwnerType. */
  ownerType: ManagedDeviceOwnerType | null;
}

export interface IntuneRepository {
  create(device: ManagedDevice): Promise<void>;
  find(tenantId: string, id: string): Promise<ManagedDevice | undefined>;
  /** A page of the tenant's managed devices under an OData list query. */
  list(tenantId: string, query: ListQuery): Promise<ListPage<ManagedDevice>>;
  /** Records a check-in: lastSyncDateTime. */
  touch(tenantId: string, id: string, now: string): Promise<void>;
  /** Deletes the managed device and its neighbour hardware keys. False when there was none. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** The Entra device object id whose deviceId is `deviceId` in the tenant (a managed device's azureADDeviceId). */
  entraObjectIdByDeviceId(tenantId: string, deviceId: string): Promise<string | undefined>;
  /** Records the identity keys of an object made from a hash (replacing any it had). */
  setHardwareKeys(objectType: NeighbourObjectType, objectId: string, tenantId: string, keys: IdentityKey[], now: string): Promise<void>;
  /** Removes the identity keys an object holds (its deletion). */
  deleteHardwareKeys(objectType: NeighbourObjectType, objectId: string): Promise<void>;
  /** Every holder of one of `keys` within one of `tenantIds` (one query per 1000 values, whatever the batch). */
  keyHolders(tenantIds: string[], keys: IdentityKey[]): Promise<NeighbourKeyHolder[]>;
}
