// Reads one deployment profile of a tenant; another tenant's profile is not found, exactly like a missing one.
import type { Store } from '../ports.js';
import { ProfileError } from './errors.js';
import type { DeploymentProfile } from './ports.js';

export async function findProfile(store: Store, tenantId: string, id: string): Promise<DeploymentProfile> {
  const profile = await store.profiles.find(tenantId, id.toLowerCase());
  if (!profile) throw new ProfileError('NotFound', `No windowsAutopilotDeploymentProfile with id '${id}' in this tenant.`);
  return profile;
}
