// A new Autopilot device's record: what the registration knows about the hardware, every other property at the
// value Intune shows for a device nobody has touched yet (notContacted, no profile, no remediation).
import { isPlaceholder, type DeviceIdentity, type SkuAndFamily } from '../hash/index.js';
import type { AutopilotDevice } from '../model/index.js';

export type NewDeviceFields = Pick<AutopilotDevice, 'id' | 'tenantId' | 'serialNumber' | 'productKey' | 'azureAdDeviceId'> &
  Partial<Omit<AutopilotDevice, 'createdAt' | 'updatedAt'>>;

export function newAutopilotDevice(fields: NewDeviceFields, now: string): AutopilotDevice {
  return {
    manufacturer: '',
    model: '',
    groupTag: '',
    purchaseOrderIdentifier: '',
    enrollmentState: 'notContacted',
    lastContactedAt: null,
    addressableUserName: '',
    userPrincipalName: '',
    displayName: '',
    resourceName: '',
    skuNumber: '',
    systemFamily: '',
    managedDeviceId: null,
    userlessEnrollmentStatus: 'unknown',
    deploymentProfileId: null,
    intendedDeploymentProfileId: null,
    deploymentProfileAssignmentStatus: 'notAssigned',
    deploymentProfileAssignedAt: null,
    deliveredProfileId: null,
    remediationState: 'noRemediationRequired',
    remediationStateModifiedAt: null,
    registeredBy: 'customer',
    registeredByTenantId: null,
    partnerBatchId: null,
    partnerPolicyId: null,
    ...fields,
    createdAt: now,
    updatedAt: now,
  };
}

/** What the hash itself says about the device: maker, model, SKU and family (placeholders dropped). */
export function hardwareFields(identity: DeviceIdentity, system: SkuAndFamily | null | undefined): Pick<AutopilotDevice, 'manufacturer' | 'model' | 'skuNumber' | 'systemFamily'> {
  return {
    manufacturer: identity.manufacturer ?? '',
    model: identity.model ?? '',
    skuNumber: clean(system?.sku),
    systemFamily: clean(system?.family),
  };
}

function clean(value: string | null | undefined): string {
  return value === null || value === undefined || isPlaceholder(value) ? '' : value.trim();
}
