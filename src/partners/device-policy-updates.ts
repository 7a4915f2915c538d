// PATCH /v1/customers/{customer-id}/DevicePolicyUpdates (partner-center-reference §2.8): apply a configuration policy
// to devices, or remove it. Body DevicePolicyUpdateRequest {"devices": [{"id", "policies": [{"key": "o_o_b_e",
// "value": "<policy id>"}]}]} in any property case (the SDK sends Devices/Id/Policies/Key/Value). The call answers
// 202 with the batch tracking id of a job of kind 'policyUpdate' whose per-device outcomes are settled at once.
//
// Tarmac's choices (Microsoft documents none):
// - a policy `value` of null or "" (or a device with an empty `policies` list) removes the device's policy;
// - only devices a partner registered through Partner Center (registeredBy 'partner', by any partner, as Partner
//   Center lets any CSP manage devices CSPs added) take a policy; a device the customer registered itself is
//   finished_with_errors with code 2032, an id that is no device of the customer with code 1000;
// - an unknown policy id refuses the whole call (404 1000 naming it): it is a mistake in the request, not a device's;
// - a retry with the same MS-RequestId gets the first call's job back and changes nothing.
import { randomUUID } from 'node:crypto';
import type { AutopilotDevice } from '../model/index.js';
import { PartnerError } from './errors.js';
import { propertiesOf } from './wire-body.js';
import type { DeviceJob, DeviceJobResult, JobRepository, PartnerPolicyRepository } from './ports.js';

/** What a policy update reads and writes; the Store (src/ports.ts) is one. */
export interface DevicePolicyUpdateStore {
  readonly devices: { find(tenantId: string, id: string): Promise<AutopilotDevice | undefined> };
  readonly partnerPolicies: PartnerPolicyRepository;
  readonly jobs: JobRepository;
  transaction<T>(work: (store: DevicePolicyUpdateStore) => Promise<T>): Promise<T>;
}

/** One device of the request: its id and the policy to apply (null: remove it). */
export interface DevicePolicyChange {
  deviceId: string;
  policyId: string | null;
}


const OOBE_KEYS = ['o_o_b_e', 'oobe', 'none', '1', '0'];

/** The request's devices and the policy each gets, read case-insensitively; 400 3000 naming the field otherwise. */
export function readDevicePolicyUpdate(body: unknown): DevicePolicyChange[] {
  const request = propertiesOf(body);
  const devices = request?.get('devices');
  if (!Array.isArray(devices) || devices.length === 0) {
    throw new PartnerError('InvalidInput', 'The body must be a DevicePolicyUpdateRequest: {"devices": [{"id": "<device id>", "policies": [{"key": "o_o_b_e", "value": "<policy id>"}]}]}.', [
      'devices',
    ]);
  }
  return devices.map((item, i) => {
    const device = propertiesOf(item);
    const id = device?.get('id');
    if (typeof id !== 'string' || id.trim() === '') throw new PartnerError('InvalidInput', `devices[${i}].id is required: the device's id.`, [`devices[${i}].id`]);
    const policies = device?.get('policies') ?? [];
    if (!Array.isArray(policies) || policies.length > 1) {
      throw new PartnerError('InvalidInput', `devices[${i}].policies must be a list of at most one {"key": "o_o_b_e", "value": "<policy id>"}.`, [`devices[${i}].policies`]);
    }
    if (policies.length === 0) return { deviceId: id.trim(), policyId: null };
    const policy = propertiesOf(policies[0]);
    const key = policy?.get('key');
    const field = `devices[${i}].policies[0]`;
    if (key !== undefined && key !== null && !OOBE_KEYS.includes(String(key).replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase())) {
      throw new PartnerError('InvalidInput', `${field}.key ${JSON.stringify(key)} is not a PolicyCategory Tarmac accepts: use o_o_b_e.`, [`${field}.key`]);
    }
    const value = policy?.get('value');
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new PartnerError('InvalidInput', `${field}.value must be a policy id (or null to remove the device's policy).`, [`${field}.value`]);
    }
    return { deviceId: id.trim(), policyId: typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : null };
  });
}

export interface DevicePolicyUpdateInput {
  customerTenantId: string;
  partnerTenantId: string;
  /** MS-RequestId, when the caller sent one. */
  requestId: string | null;
  body: unknown;
}

/** Applies (or removes) the policies and records the job; returns it (its id is the batch tracking id). */
export async function updateDevicePolicies(store: DevicePolicyUpdateStore, input: DevicePolicyUpdateInput, now: Date): Promise<DeviceJob> {
  const changes = readDevicePolicyUpdate(input.body);
  const customer = input.customerTenantId.toLowerCase();
  const stamp = now.toISOString();
  return store.transaction(async (tx) => {
    if (input.requestId !== null) {
      const earlier = await tx.jobs.findByRequestId(input.partnerTenantId, input.requestId);
      if (earlier) return earlier;
    }
    for (const [i, policyId] of changes.map((c) => c.policyId).entries()) {
      if (policyId !== null && !(await tx.partnerPolicies.find(customer, policyId))) {
        throw new PartnerError('NotFound', `devices[${i}].policies[0].value: customer ${customer} has no configuration policy ${policyId}.`, [`devices[${i}].policies[0].value`]);
      }
    }
    const job: DeviceJob = {
      id: randomUUID(),
      customerTenantId: customer,
      submittedByTenantId: input.partnerTenantId,
      kind: 'policyUpdate',
      batchId: null,
      requestId: input.requestId,
      deviceCount: changes.length,
      createdAt: stamp,
    };
    const results: DeviceJobResult[] = [];
    for (const [position, change] of changes.entries()) {
      const device = await tx.devices.find(customer, change.deviceId);
      const base = { jobId: job.id, position, deviceId: device?.id ?? change.deviceId, serialNumber: device?.serialNumber ?? '', productKey: device?.productKey ?? '' };
      if (!device) {
        results.push({ ...base, status: 'finished_with_errors', errorCode: '1000', errorDescription: `Device ${change.deviceId} is not a device of customer ${customer}.` });
      } else if (device.registeredBy !== 'partner') {
        results.push({
          ...base,
          status: 'finished_with_errors',
          errorCode: '2032',
          errorDescription: `Device ${device.id} was registered by ${device.registeredBy === 'oem' ? 'an OEM' : 'the customer'}, not through Partner Center: its profile is managed in Intune.`,
        });
      } else {
        await tx.partnerPolicies.applyToDevices(customer, [device.id], change.policyId, stamp);
        results.push({ ...base, status: 'finished', errorCode: null, errorDescription: null });
      }
    }
    await tx.jobs.insert(job, results);
    return job;
  });
}

/**
 * PUT …/deviceBatches/{batch}/devices/{device-id} (§2.6): of a Device body only `policies` is meaningful; when present
 * (not null) it is applied as DevicePolicyUpdates would — `[]` or a null value removes the device's policy. The
 * caller has checked that the device is a Partner Center device of the batch.
 */
export async function updateDevicePolicyFromDevice(store: Pick<DevicePolicyUpdateStore, 'partnerPolicies'>, customerTenantId: string, deviceId: string, body: unknown, now: Date): Promise<void> {
  const policies = propertiesOf(body)?.get('policies');
  if (policies === undefined || policies === null) return;
  const customer = customerTenantId.toLowerCase();
  const [change] = readDevicePolicyUpdate({ devices: [{ id: deviceId, policies }] }).map((c) => c);
  if (!change) return;
  if (change.policyId !== null && !(await store.partnerPolicies.find(customer, change.policyId))) {
    throw new PartnerError('NotFound', `policies[0].value: customer ${customer} has no configuration policy ${change.policyId}.`, ['policies[0].value']);
  }
  await store.partnerPolicies.applyToDevices(customer, [deviceId], change.policyId, now.toISOString());
}
