// POST /oobe/v1/profile: what a PC asks for at every boot, as early as it can (reference §6.1). The registered device
// gets its deployment profile as an AutopilotConfigurationFile document (the default document when none is
// assigned), the name template expanded for its serial number, in its tenant's domain.
//
// Partner Center profiles vs Intune profiles (partner-center-reference §6; Microsoft states no rule): the Intune
// (Graph) deployment profile the device resolves to wins; a Partner Center configuration policy applied to the device
// counts only when it has none, and then the device gets a profile built from the policy.
import { policyConfigurationFile } from '../partners/policy-profile.js';
import type { PartnerPolicy } from '../partners/ports.js';
import { autopilotConfigurationFile, type AutopilotConfigurationFile } from '../profiles/configuration-file.js';
import type { DeploymentProfile } from '../profiles/ports.js';
import type { DevicePatch } from '../registry/ports.js';
import type { AutopilotDevice } from '../model/index.js';
import type { Store } from '../ports.js';
import { checkHardware, type HardwareCheck } from './hardware-remediation.js';
import { presentedHardware, registeredDevice, registeredDeviceAtBoot } from './identify-device.js';
import type { OobeTenants } from './ports.js';

export interface ProfileDelivery {
  device: AutopilotDevice;
  tenant: { id: string; domain: string };
  profile: DeploymentProfile | null;
  /** The Partner Center policy the document was built from: only when the device has no Intune profile. */
  partnerPolicy: PartnerPolicy | null;
  document: AutopilotConfigurationFile;
  hardware: HardwareCheck;
}

export async function deliverProfile(
  store: Store,
  tenants: OobeTenants,
  input: { hardwareHash: unknown },
  now: Date,
  random?: () => number,
): Promise<ProfileDelivery> {
  const hardware = presentedHardware(input.hardwareHash);
  // The tenant is read before the transaction: the tenants store does not join it (one SQLite connection).
  const found = await registeredDevice(store, hardware);
  const tenant = { id: found.tenantId, domain: (await tenants.domainOf(found.tenantId)) ?? '' };
  const stamp = now.toISOString();
  return store.transaction(async (tx) => {
    // A device a partner or OEM registered without a hash takes this one as its registered hash.
    const device = await registeredDeviceAtBoot(tx, hardware, stamp);
    const check = await checkHardware(tx, device, hardware, stamp);
    const profile = device.deploymentProfileId ? await tx.profiles.find(device.tenantId, device.deploymentProfileId) : null;
    const partnerPolicy = !profile && device.partnerPolicyId ? ((await tx.partnerPolicies.find(device.tenantId, device.partnerPolicyId)) ?? null) : null;
    const document = partnerPolicy
      ? policyConfigurationFile(partnerPolicy, tenant)
      : autopilotConfigurationFile({ profile, tenant, device: { serialNumber: device.serialNumber }, random });
    const patch: DevicePatch = {
      lastContactedAt: stamp,
      deliveredProfileId: profile?.id ?? null,
      ...(profile ? { deploymentProfileAssignmentStatus: 'assignedInSync' as const } : {}),
    };
    await tx.devices.update(device.tenantId, device.id, patch, stamp);
    return {
      device: { ...device, ...patch, remediationState: check.remediationState, updatedAt: stamp },
      tenant,
      profile,
      partnerPolicy,
      document,
      hardware: check,
    };
  });
}
