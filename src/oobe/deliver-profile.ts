// POST /oobe/v1/profile: what a PC asks for at every boot, as early as it can (reference §6.1). The registered device
// gets its deployment profile as an AutopilotConfigurationFile document (the default document when none is
// assigned), the name template expanded for its serial number, in its tenant's domain.
//
// Partner Center profiles vs Intune profiles (partner-center-reference §6; Microsoft states no rule): the Intune
// (Graph) deployment profile the device resolves to wins; a Partner Center configuration policy applied to the device
// counts only when it has none, and then the device gets a profile built from the policy.
//
// Every PC in the world calls this, at every boot, so it reads without a transaction and writes only what changed
// (README "What a profile download writes"):
// - lastContactedDateTime: at the first contact, then at most once per CONTACT_INTERVAL_MS per device (coalesced: a
//   PC asks several times per OOBE, and a write per ask would serialise every boot on SQLite's one writer);
// - deliveredProfileId and the assignment status (assignedInSync) when they change (a device's first download after
//   its profile was assigned or changed);
//   both written by a ContactWriter when one is given (many devices' contacts in one statement: contact-writer.ts):
//   a delivery before the download answers, a contact time alone behind the answer;
// - the remediation state when the board changed (hardware-remediation.ts);
// - a device registered without a hash takes the presented one, in a transaction, once (identify-device.ts).
import { policyConfigurationFile } from '../partners/policy-profile.js';
import type { PartnerPolicy } from '../partners/ports.js';
import { autopilotConfigurationFile, type AutopilotConfigurationFile } from '../profiles/configuration-file.js';
import type { DeploymentProfile } from '../profiles/ports.js';
import type { BootDevice, DeviceContact, DevicePatch } from '../registry/ports.js';
import type { Store } from '../ports.js';
import type { ContactWriter } from './contact-writer.js';
import { checkHardware, type HardwareCheck } from './hardware-remediation.js';
import { identifyByKeys, presentedHardware, registeredDeviceAtBoot } from './identify-device.js';
import type { OobeTenants } from './ports.js';

/** How stale a device's lastContactedDateTime may get before a profile download writes it again. */
export const CONTACT_INTERVAL_MS = 5 * 60_000;

export interface ProfileDelivery {
  /** The device as the download left it. */
  device: BootDevice;
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
  options: { random?: () => number; contacts?: ContactWriter } = {},
): Promise<ProfileDelivery> {
  const { random, contacts } = options;
  const hardware = presentedHardware(input.hardwareHash);
  const stamp = now.toISOString();
  // Nearly every boot: the registered hash, and only the columns a download needs; else the full identification.
  const exact = await store.devices.bootDeviceOfHash(hardware.bytes);
  const found = exact ? { device: exact, hashless: false, registeredHash: hardware.bytes } : await identifyByKeys(store, hardware);
  const tenant = { id: found.device.tenantId, domain: (await tenants.domainOf(found.device.tenantId)) ?? '' };
  // A device a partner or OEM registered without a hash takes this one as its registered hash.
  const device = found.hashless ? await store.transaction((tx) => registeredDeviceAtBoot(tx, hardware, stamp)) : found.device;
  const check = await checkHardware(store, device, hardware, stamp, found.hashless ? undefined : found.registeredHash);
  const profile = await profileOf(store, device);
  const partnerPolicy = !profile && device.partnerPolicyId ? ((await store.partnerPolicies.find(device.tenantId, device.partnerPolicyId)) ?? null) : null;
  const document = partnerPolicy
    ? policyConfigurationFile(partnerPolicy, tenant)
    : autopilotConfigurationFile({ profile, tenant, device: { serialNumber: device.serialNumber }, random });
  const patch = deliveryPatch(device, profile, stamp);
  if (Object.keys(patch).length > 0) {
    // The usual writes (a contact, a newly delivered profile) are grouped with other downloads'. A delivery is stored
    // before the answer (the enrollment that follows reads it); a contact time alone is written behind it.
    if (contacts) {
      const contact = contactOf(device, patch, stamp);
      if (contact.delivery) await contacts.record(contact);
      else contacts.recordBehind(contact);
    } else {
      await store.devices.update(device.tenantId, device.id, patch, stamp);
    }
  }
  return {
    device: { ...device, ...patch, remediationState: check.remediationState, deploymentProfile: profile },
    tenant,
    profile,
    partnerPolicy,
    document,
    hardware: check,
  };
}

/** A download's patch as a contact for the ContactWriter (deliveryPatch writes nothing else). */
function contactOf(device: BootDevice, patch: DevicePatch, stamp: string): DeviceContact {
  if (patch.deliveredProfileId === undefined && patch.deploymentProfileAssignmentStatus === undefined) return { tenantId: device.tenantId, id: device.id, at: stamp };
  const delivered = patch.deliveredProfileId !== undefined ? patch.deliveredProfileId : device.deliveredProfileId;
  return { tenantId: device.tenantId, id: device.id, at: stamp, delivery: { profileId: delivered, assignedInSync: patch.deploymentProfileAssignmentStatus === 'assignedInSync' } };
}

/** The profile the device resolves to: read with it by the boot lookup (nearly every boot), else by its id. */
async function profileOf(store: Store, device: BootDevice): Promise<DeploymentProfile | null> {
  if (device.deploymentProfileId === null) return null;
  if (device.deploymentProfile !== undefined) return device.deploymentProfile;
  return (await store.profiles.find(device.tenantId, device.deploymentProfileId)) ?? null;
}

/** What a download changes on the device: empty when nothing did (the usual case for a PC that asked moments ago). */
export function deliveryPatch(device: BootDevice, profile: DeploymentProfile | null, stamp: string): DevicePatch {
  const patch: DevicePatch = {};
  const sinceContact = device.lastContactedAt === null ? Number.NaN : Date.parse(stamp) - Date.parse(device.lastContactedAt);
  if (!(sinceContact >= 0 && sinceContact < CONTACT_INTERVAL_MS)) patch.lastContactedAt = stamp;
  const delivered = profile?.id ?? null;
  if (device.deliveredProfileId !== delivered) patch.deliveredProfileId = delivered;
  if (profile && device.deploymentProfileAssignmentStatus !== 'assignedInSync') patch.deploymentProfileAssignmentStatus = 'assignedInSync';
  return patch;
}
