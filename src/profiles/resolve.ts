// Profile resolution: which deployment profile each Autopilot device gets, from the assignments of the groups its
// Entra object is in (the oldest-created assigned profile wins; a profile assigned to all devices is the default).
import type { RegistryStore } from '../registry/ports.js';

/** Which devices to resolve: those behind these Entra device object ids, or every Autopilot device of the tenant. */
export type ResolutionScope = { entraDeviceIds: string[] } | 'all';

/** Recomputes and stores deploymentProfile, intendedDeploymentProfile, the assignment status and date for the scope. */
export async function resolveDeploymentProfiles(store: RegistryStore, tenantId: string, scope: ResolutionScope, now: string): Promise<void> {
  void store;
  void tenantId;
  void scope;
  void now;
}
