// OEM registration through Tarmac's OEM API (not Microsoft-compatible: Microsoft's OEM Direct API is not public,
// partner-center-reference §7). An OEM submits devices, each for a customer tenant or — with TenantID and
// TenantDomain both blank — to be deregistered, as Microsoft's AutopilotDeviceRegistration does:
//   - identification is the (SerialNumber, Manufacturer, Model) tuple or the ProductKey (PKID); a HardwareHash is
//     optional and, when given, must describe the same device (its tuple or PKID);
//   - a device for a customer needs the customer's accepted OEM relationship, checked per device: without it (or for
//     a tenant that does not exist: the same answer, so nothing leaks) that device fails, not the call;
//     TenantID and TenantDomain, when both are given, must name the same tenant;
//   - registrations become import rows (origin 'oem', the OEM as originTenantId, the job and the device's position)
//     that the one import worker registers; a device given twice in one call is ZtdDeviceDuplicated after the first;
//   - a deregistration is settled at once: the device is found by its tuple or PKID identity keys, among the tenants
//     that consented to this OEM only (with consent an OEM may deregister devices the customer registered itself
//     [MBR]); only the Autopilot registration goes, in the registry's documented order (deregisterInOrder): a device
//     enrolled in Intune or with an assigned user is refused (the customer's admin acts first), a pre-created Entra
//     object goes with it, a joined one only loses its Autopilot physicalIds; nothing else changes in Intune or Entra;
//   - everything one call does — deregistrations, the job with its settled outcomes, the import rows — commits in
//     one transaction; a retry with the same MS-RequestId gets the first call's job back;
//   - validation ("Validate Device Submission Data") runs the same plan, adds what the worker would say (806, 808,
//     814, 897: codes only, never another tenant's data) and rolls everything back.
// Failure messages never name another tenant, its users or its Intune objects.
import { randomUUID } from 'node:crypto';
import { decodeHardwareHash } from '../hash/index.js';
import type { AutopilotDevice, IdentityKey } from '../model/index.js';
import type { Store } from '../ports.js';
import { guardrailRefusals } from '../registry/guardrails.js';
import { hashlessKey, keyString, registryKeys } from '../registry/identity-keys.js';
import { newImportedDevice } from '../registry/new-imported-device.js';
import { RegistryError, ZTD_ERRORS, deregisterInOrder, type ImportedDevice } from '../registry/index.js';
import type { Tenant, TenantRepository } from '../tenants/ports.js';
import { PartnerError } from './errors.js';
import type { DeviceJob, DeviceJobResult, DeviceJobStatus } from './ports.js';

/** Most devices one OEM call may carry (Microsoft publishes no limit for its OEM API). */
export const MAX_OEM_DEVICES = 1000;

/**
 * The per-device codes of the OEM API: DDS's numbers where DDS has one (autopilot-reference §1.4), Tarmac's own
 * (89x, outside DDS's 801–815, like 897–899) where it has none.
 */
export const OEM_DEVICE_ERRORS = {
  /** A field is unusable (TenantID not a GUID, TenantID and TenantDomain naming two tenants, a hash of another device). */
  InvalidZtdRequestBody: 801,
  InvalidZtdHardwareHash: 802,
  MissingZtdSerialNumberAndProductKey: 803,
  ZtdDeviceAlreadyAssigned: ZTD_ERRORS.ZtdDeviceAlreadyAssigned,
  ZtdDeviceAssignedToOtherTenant: ZTD_ERRORS.ZtdDeviceAssignedToOtherTenant,
  /** Deregistration: no device with this tuple or PKID is registered to a tenant that consented to the OEM. */
  ZtdDeviceNotFound: 812,
  /** Deregistration: the PKID and the tuple name two different devices. */
  ZtdDeviceIsNotUnique: 813,
  ZtdDeviceAlreadyAadRegistered: ZTD_ERRORS.ZtdDeviceAlreadyAadRegistered,
  ZtdDeviceIsMdmOnlyEnrolled: ZTD_ERRORS.ZtdDeviceIsMdmOnlyEnrolled,
  ZtdDeviceDuplicated: ZTD_ERRORS.ZtdDeviceDuplicated,
  /** Tarmac's: the tenant has not accepted this OEM's relationship (or does not exist: never say which). */
  OemRelationshipRequired: 895,
  /** Tarmac's: deregistration refused while the device is enrolled in Intune or has an assigned user. */
  ZtdDeviceInUse: 896,
} as const;

export type OemDeviceErrorName = keyof typeof OEM_DEVICE_ERRORS;

/** One device of an OEM call, every field trimmed ('' when absent). Property names are the wire's. */
export interface OemDeviceSubmission {
  TenantID: string;
  TenantDomain: string;
  SerialNumber: string;
  Manufacturer: string;
  Model: string;
  ProductKey: string;
  HardwareHash: string;
  GroupTag: string;
}

export const OEM_DEVICE_FIELDS = ['TenantID', 'TenantDomain', 'SerialNumber', 'Manufacturer', 'Model', 'ProductKey', 'HardwareHash', 'GroupTag'] as const;

export interface OemRegistrationDeps {
  /** The registry store (devices, identity keys, imports, relationships, jobs). */
  store: Store;
  tenants: TenantRepository;
}

export interface OemSubmission {
  oem: Tenant;
  devices: OemDeviceSubmission[];
  /** MS-RequestId: a retry of the same call gets the same job back. */
  requestId: string | null;
  now: Date;
}

/** What one device would become (validate) or became at submission. */
export interface OemDeviceOutcome {
  position: number;
  operation: 'register' | 'deregister';
  /** The customer the device is (or was) registered to, when the OEM named one that consented. */
  tenantId: string | null;
  /** The Autopilot device id: the deregistered device's. */
  deviceId: string | null;
  serialNumber: string;
  productKey: string;
  status: DeviceJobStatus;
  errorCode: string | null;
  errorDescription: string | null;
  errorMessage: string | null;
}

export interface SubmittedOemJob {
  job: DeviceJob;
  /** Rows handed to the import worker (notify it when > 0). */
  queued: number;
  /** True when this was a retry of a call already accepted (same MS-RequestId). */
  replayed: boolean;
}

/** Checks the call as a whole: at least one device, at most MAX_OEM_DEVICES. */
export function checkOemDeviceCount(count: number): void {
  if (count === 0) throw new PartnerError('InvalidInput', 'devices is empty: send at least one device.', ['devices']);
  if (count > MAX_OEM_DEVICES) {
    throw new PartnerError('InvalidInput', `One call carries at most ${MAX_OEM_DEVICES} devices (got ${count}); split the list.`, ['devices']);
  }
}

/** Accepts the OEM's devices: deregistrations done, registrations queued, one job to ask about. */
export async function submitOemRegistration(deps: OemRegistrationDeps, input: OemSubmission): Promise<SubmittedOemJob> {
  checkOemDeviceCount(input.devices.length);
  const { oem, requestId } = input;
  requireOem(oem);
  if (requestId !== null) {
    const earlier = await deps.store.jobs.findByRequestId(oem.id, requestId);
    if (earlier) return { job: earlier, queued: 0, replayed: true };
  }
  const stamp = input.now.toISOString();
  const job: DeviceJob = {
    id: randomUUID(),
    customerTenantId: null,
    submittedByTenantId: oem.id,
    kind: 'oemRegistration',
    batchId: null,
    requestId,
    deviceCount: input.devices.length,
    createdAt: stamp,
  };
  const named = await namedTenants(deps.tenants, input.devices);
  const queued = await deps.store.transaction(async (tx) => {
    const plans = await planDevices(tx, named, oem, input.devices, input.now);
    const results: DeviceJobResult[] = [];
    const rows: ImportedDevice[] = [];
    for (const plan of plans) {
      if (plan.kind === 'register') rows.push(importRow(plan, oem, job.id, stamp));
      else results.push(jobResult(job.id, plan.outcome));
    }
    await tx.jobs.insert(job, results);
    if (rows.length > 0) await tx.imports.insertMany(rows);
    return rows.length;
  });
  return { job, queued, replayed: false };
}

/** Would-be outcomes of a submission, without changing anything (every write is rolled back). */
export async function validateOemSubmission(deps: OemRegistrationDeps, input: Omit<OemSubmission, 'requestId'>): Promise<OemDeviceOutcome[]> {
  checkOemDeviceCount(input.devices.length);
  requireOem(input.oem);
  const named = await namedTenants(deps.tenants, input.devices);
  try {
    await deps.store.transaction(async (tx) => {
      const plans = await planDevices(tx, named, input.oem, input.devices, input.now);
      throw new RollBack(await wouldRegister(tx, plans));
    });
  } catch (err) {
    if (err instanceof RollBack) return err.outcomes;
    throw err;
  }
  throw new Error('validateOemSubmission: the transaction was not rolled back');
}

export interface OemJobStatus {
  job: DeviceJob;
  /** finished once every device settled (failed ones included), processing while the worker has some, else queued. */
  status: DeviceJobStatus;
  devices: (DeviceJobResult & { errorMessage: string | null })[];
}

/** The job's status for the OEM that submitted it; any other job id (another OEM's, a partner's) is NotFound. */
export async function oemJobStatus(store: Store, oem: Tenant, trackingId: string): Promise<OemJobStatus> {
  const id = trackingId.trim().toLowerCase();
  const job = await store.jobs.find(id);
  if (!job || job.kind !== 'oemRegistration' || job.submittedByTenantId !== oem.id) {
    throw new PartnerError('NotFound', `There is no OEM registration with tracking id ${trackingId} for ${oem.displayName}.`);
  }
  const devices = (await store.jobs.results(job.id)).map((r) => {
    const { name, message } = splitDescription(r.errorDescription);
    return { ...r, errorDescription: name, errorMessage: message };
  });
  const open = devices.filter((d) => d.status === 'queued' || d.status === 'processing');
  const status: DeviceJobStatus = open.length === 0 ? 'finished' : open.length < devices.length || open.some((d) => d.status === 'processing') ? 'processing' : 'queued';
  return { job, status, devices };
}

// ---- planning ------------------------------------------------------------------------------------------------------

interface Identification {
  serialNumber: string;
  productKey: string;
  /** The key a registration is made by (the worker's: PKID when given, else the tuple) and every key a hash adds. */
  registrationKeys: IdentityKey[];
  /** The keys a deregistration looks the device up by: the PKID and the tuple, whichever were given. */
  lookupKeys: IdentityKey[];
  hash: Buffer | null;
}

interface RegisterPlan {
  kind: 'register';
  position: number;
  device: OemDeviceSubmission;
  customer: Tenant;
  ids: Identification;
}

interface SettledPlan {
  kind: 'settled';
  outcome: OemDeviceOutcome;
}

type Plan = RegisterPlan | SettledPlan;

class Failure extends Error {
  constructor(
    readonly errorName: OemDeviceErrorName,
    message: string,
  ) {
    super(message);
  }
}

class RollBack extends Error {
  constructor(readonly outcomes: OemDeviceOutcome[]) {
    super('validation only: rolled back');
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Values longer than this are refused (a hash has its own limit). */
const MAX_FIELD_LENGTH = 256;
const MAX_HASH_LENGTH = 65_536;

function requireOem(oem: Tenant): void {
  if (oem.kind !== 'oem') throw new PartnerError('WrongOrganization', `${oem.displayName} is a ${oem.kind} tenant: only OEMs may call the OEM API.`);
}

/** Inside the call's transaction: each device's plan, deregistrations already carried out. */
async function planDevices(tx: Store, named: NamedTenants, oem: Tenant, devices: OemDeviceSubmission[], now: Date): Promise<Plan[]> {
  const consent = new ConsentCache(tx, named, oem);
  const seen = new Set<string>();
  const plans: Plan[] = [];
  for (const [position, device] of devices.entries()) {
    const base = { position, serialNumber: device.SerialNumber, productKey: device.ProductKey };
    const deregister = device.TenantID === '' && device.TenantDomain === '';
    const operation = deregister ? 'deregister' : 'register';
    try {
      const ids = identify(device, position);
      if (deregister) {
        const done = await deregisterDevice(tx, consent, oem, ids, now);
        plans.push({ kind: 'settled', outcome: { ...base, operation, tenantId: done.tenantId, deviceId: done.id, status: 'finished', errorCode: null, errorDescription: null, errorMessage: null } });
        continue;
      }
      const customer = await consent.customerOf(device, position);
      const keys = ids.registrationKeys.map(keyString);
      if (keys.some((k) => seen.has(k))) {
        throw new Failure('ZtdDeviceDuplicated', `devices[${position}] is a device an earlier entry of this call already registers; only the first is processed.`);
      }
      for (const k of keys) seen.add(k);
      plans.push({ kind: 'register', position, device, customer, ids });
    } catch (err) {
      if (!(err instanceof Failure)) throw err;
      plans.push({ kind: 'settled', outcome: failed({ ...base, operation, tenantId: null, deviceId: null }, err) });
    }
  }
  return plans;
}

function failed(base: Omit<OemDeviceOutcome, 'status' | 'errorCode' | 'errorDescription' | 'errorMessage'>, failure: Failure): OemDeviceOutcome {
  return {
    ...base,
    status: 'finished_with_errors',
    errorCode: String(OEM_DEVICE_ERRORS[failure.errorName]),
    errorDescription: failure.errorName,
    errorMessage: failure.message,
  };
}

/** The device's identification: the tuple or the PKID, and the hash when one is given (it must agree). */
function identify(device: OemDeviceSubmission, position: number): Identification {
  const at = `devices[${position}]`;
  for (const field of OEM_DEVICE_FIELDS) {
    const limit = field === 'HardwareHash' ? MAX_HASH_LENGTH : MAX_FIELD_LENGTH;
    if (device[field].length > limit) throw new Failure('InvalidZtdRequestBody', `${at}.${field} is longer than ${limit} characters.`);
  }
  const { SerialNumber: serial, Manufacturer: manufacturer, Model: model, ProductKey: productKey } = device;
  let pkid: IdentityKey | null = null;
  if (productKey !== '') {
    pkid = hashlessKey({ productKey, manufacturer: '', model: '', serialNumber: '' });
    if (pkid === null) {
      throw new Failure('MissingZtdSerialNumberAndProductKey', `${at}.ProductKey '${productKey}' is not a product key ID (PKID: the 13-digit Windows product ID).`);
    }
  }
  const given = [serial, manufacturer, model].filter((v) => v !== '').length;
  let tuple: IdentityKey | null = null;
  if (given > 0) {
    tuple = hashlessKey({ productKey: '', manufacturer, model, serialNumber: serial });
    if (tuple === null && pkid === null) {
      const missing = [['SerialNumber', serial], ['Manufacturer', manufacturer], ['Model', model]].filter(([, v]) => v === '').map(([f]) => `${at}.${f}`);
      const reason = missing.length > 0 ? `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing` : 'a value is a firmware placeholder';
      throw new Failure(
        'MissingZtdSerialNumberAndProductKey',
        `${at} has no usable tuple (SerialNumber, Manufacturer, Model: ${reason}) and no ProductKey; the OEM API identifies a device by one of them.`,
      );
    }
  }
  if (pkid === null && tuple === null) {
    throw new Failure('MissingZtdSerialNumberAndProductKey', `${at} has neither a ProductKey (PKID) nor a SerialNumber, Manufacturer and Model; the OEM API identifies a device by one of them.`);
  }
  const lookupKeys = [pkid, tuple].filter((k): k is IdentityKey => k !== null);
  // The key a registration without a hash is made by: the PKID when given, else the tuple (the worker's rule).
  const primary = pkid ?? (tuple as IdentityKey);
  if (device.HardwareHash === '') return { serialNumber: serial, productKey, registrationKeys: [primary], lookupKeys, hash: null };

  const decoded = decodeHardwareHash(device.HardwareHash);
  if (decoded.bytes === null || !decoded.valid || decoded.identity === null) {
    throw new Failure('InvalidZtdHardwareHash', `${at}.HardwareHash is not a valid hardware hash: ${decoded.issues[0]?.message ?? 'unreadable'}.`);
  }
  const keys = registryKeys(decoded.identity, serial);
  const held = new Set(keys.map(keyString));
  const disagree = lookupKeys.filter((k) => !held.has(keyString(k)));
  if (disagree.length > 0) {
    const what = disagree.map((k) => (k.kind === 'pkid' ? `ProductKey ${productKey}` : `the tuple (${manufacturer}, ${model}, ${serial})`)).join(' and ');
    throw new Failure('InvalidZtdRequestBody', `${at}.HardwareHash describes another device than ${what}: send the hash of this device, or none.`);
  }
  return { serialNumber: serial, productKey, registrationKeys: keys, lookupKeys, hash: Buffer.from(decoded.bytes) };
}

/** The tenants the call's devices name, by lower-cased id and domain (undefined: no such tenant). */
interface NamedTenants {
  byId: Map<string, Tenant | undefined>;
  byDomain: Map<string, Tenant | undefined>;
}

/**
 * Looks up every tenant the devices name, before the call's transaction: the tenants live in the tenants store,
 * which does not take part in the registry store's transaction (on SQLite a read beside it would wait for it).
 */
async function namedTenants(tenants: TenantRepository, devices: OemDeviceSubmission[]): Promise<NamedTenants> {
  const named: NamedTenants = { byId: new Map(), byDomain: new Map() };
  for (const d of devices) {
    const id = d.TenantID.toLowerCase();
    if (GUID.test(id) && !named.byId.has(id)) named.byId.set(id, await tenants.findById(id));
    const domain = d.TenantDomain.toLowerCase();
    if (domain !== '' && !named.byDomain.has(domain)) named.byDomain.set(domain, await tenants.findByDomain(domain));
  }
  return named;
}

/** Which tenants consented to the OEM, each relationship read once per call, inside its transaction. */
class ConsentCache {
  private readonly consents = new Map<string, boolean>();

  constructor(
    private readonly tx: Store,
    private readonly named: NamedTenants,
    private readonly oem: Tenant,
  ) {}

  /** Whether the tenant accepted the OEM's relationship (only customers can: acceptInvitation sees to it). */
  async hasConsented(tenantId: string): Promise<boolean> {
    let consented = this.consents.get(tenantId);
    if (consented === undefined) {
      consented = (await this.tx.relationships.find(this.oem.id, tenantId))?.kind === 'oem';
      this.consents.set(tenantId, consented);
    }
    return consented;
  }

  private async consented(tenant: Tenant | undefined): Promise<Tenant | null> {
    return tenant && tenant.kind === 'customer' && (await this.hasConsented(tenant.id)) ? tenant : null;
  }

  async consentedById(id: string): Promise<Tenant | null> {
    return this.consented(this.named.byId.get(id.toLowerCase()));
  }

  async consentedByDomain(domain: string): Promise<Tenant | null> {
    return this.consented(this.named.byDomain.get(domain.toLowerCase()));
  }

  /**
   * The customer a device is for. TenantID and TenantDomain are each checked (an unknown tenant and one without
   * consent get the same answer); when both are given they must name the same tenant.
   */
  async customerOf(device: OemDeviceSubmission, position: number): Promise<Tenant> {
    const at = `devices[${position}]`;
    const noConsent = (what: string): Failure =>
      new Failure(
        'OemRelationshipRequired',
        `${at}: ${what} has not accepted ${this.oem.displayName}'s OEM relationship (or is not a tenant). The customer's admin accepts the consent link ` +
          '(GET /oem/v1/consentLink) first.',
      );
    let byId: Tenant | null = null;
    if (device.TenantID !== '') {
      if (!GUID.test(device.TenantID)) throw new Failure('InvalidZtdRequestBody', `${at}.TenantID '${device.TenantID}' is not a tenant id (a GUID).`);
      byId = await this.consentedById(device.TenantID);
      if (!byId) throw noConsent(`tenant ${device.TenantID}`);
    }
    let byDomain: Tenant | null = null;
    if (device.TenantDomain !== '') {
      byDomain = await this.consentedByDomain(device.TenantDomain);
      if (!byDomain) throw noConsent(`the tenant of domain ${device.TenantDomain}`);
    }
    if (byId && byDomain && byId.id !== byDomain.id) {
      throw new Failure('InvalidZtdRequestBody', `${at}.TenantID ${device.TenantID} and TenantDomain ${device.TenantDomain} name two different tenants; give one, or both of the same tenant.`);
    }
    return (byId ?? byDomain) as Tenant;
  }

}

/** Deregisters the device the tuple or PKID names, when it belongs to a tenant that consented. */
async function deregisterDevice(tx: Store, consent: ConsentCache, oem: Tenant, ids: Identification, now: Date): Promise<AutopilotDevice> {
  const owners = await tx.identityKeys.owners(ids.lookupKeys);
  const visible: typeof owners = [];
  for (const owner of owners) if (await consent.hasConsented(owner.tenantId)) visible.push(owner);
  const what = ids.productKey !== '' ? `product key ID ${ids.productKey}` : `serial number ${ids.serialNumber}`;
  const deviceIds = [...new Set(visible.map((o) => `${o.tenantId}/${o.deviceId}`))];
  if (deviceIds.length === 0) {
    throw new Failure('ZtdDeviceNotFound', `No device with ${what} is registered to a tenant that accepted ${oem.displayName}'s OEM relationship.`);
  }
  if (deviceIds.length > 1) {
    throw new Failure('ZtdDeviceIsNotUnique', `The ProductKey and the tuple (SerialNumber, Manufacturer, Model) name two different registered devices; deregister each by one of them.`);
  }
  const [tenantId, deviceId] = (deviceIds[0] as string).split('/') as [string, string];
  const device = await tx.devices.find(tenantId, deviceId);
  if (!device) throw new Failure('ZtdDeviceNotFound', `No device with ${what} is registered to a tenant that accepted ${oem.displayName}'s OEM relationship.`);
  try {
    await deregisterInOrder(tx, device, now);
  } catch (err) {
    if (!(err instanceof RegistryError) || err.code !== 'DeviceBusy') throw err;
    // The registry's message names the managed device or the user: customer data the OEM must not see.
    const reason =
      device.managedDeviceId !== null
        ? "it is enrolled in Intune: the customer's admin deletes it from Intune first"
        : "a user is assigned to it: the customer's admin unassigns the user first";
    throw new Failure('ZtdDeviceInUse', `The device with ${what} cannot be deregistered now: ${reason}.`);
  }
  return device;
}

/** Validation: what the worker would answer for each registration (806, 808, 814, 897), codes only. */
async function wouldRegister(tx: Store, plans: Plan[]): Promise<OemDeviceOutcome[]> {
  const registering = plans.filter((p): p is RegisterPlan => p.kind === 'register');
  const owners = new Map<string, string>();
  if (registering.length > 0) for (const o of await tx.identityKeys.owners(registering.flatMap((p) => p.ids.registrationKeys))) owners.set(keyString(o), o.tenantId);
  const refusals = await guardrailRefusals(
    tx,
    registering.map((p) => ({ id: String(p.position), tenantId: p.customer.id, keys: p.ids.registrationKeys })),
  );
  return plans.map((plan) => {
    if (plan.kind === 'settled') return plan.outcome;
    const base = { position: plan.position, operation: 'register' as const, tenantId: plan.customer.id, deviceId: null, serialNumber: plan.ids.serialNumber, productKey: plan.ids.productKey };
    const taken = plan.ids.registrationKeys.map((k) => owners.get(keyString(k))).filter((t): t is string => t !== undefined);
    if (taken.length > 0) {
      const same = taken.every((t) => t === plan.customer.id);
      return same
        ? failed(base, new Failure('ZtdDeviceAlreadyAssigned', `The device is already registered to ${plan.customer.displayName}.`))
        : failed(base, new Failure('ZtdDeviceAssignedToOtherTenant', 'The device is registered to another tenant; that tenant must deregister it first.'));
    }
    const refusal = refusals.get(String(plan.position));
    if (refusal !== undefined) {
      return refusal === 'ZtdDeviceAlreadyAadRegistered'
        ? failed(base, new Failure(refusal, `The device is Entra registered in ${plan.customer.displayName}; the customer's admin removes it first.`))
        : failed(base, new Failure('ZtdDeviceIsMdmOnlyEnrolled', `The device is enrolled in ${plan.customer.displayName}'s Intune as a personal device; the customer's admin removes it first.`));
    }
    return { ...base, status: 'finished', errorCode: null, errorDescription: null, errorMessage: null };
  });
}

function importRow(plan: RegisterPlan, oem: Tenant, jobId: string, stamp: string): ImportedDevice {
  const d = plan.device;
  return newImportedDevice(
    {
      tenantId: plan.customer.id,
      groupTag: d.GroupTag,
      serialNumber: d.SerialNumber,
      productKey: d.ProductKey,
      manufacturer: d.Manufacturer,
      model: d.Model,
      hardwareIdentifier: plan.ids.hash,
      origin: 'oem',
      originTenantId: oem.id,
      jobId,
      jobPosition: plan.position,
    },
    stamp,
  );
}

/** A settled outcome as a job result; the message rides in errorDescription after the name ("Name: message"). */
function jobResult(jobId: string, outcome: OemDeviceOutcome): DeviceJobResult {
  return {
    jobId,
    position: outcome.position,
    deviceId: outcome.deviceId,
    serialNumber: outcome.serialNumber,
    productKey: outcome.productKey,
    status: outcome.status,
    errorCode: outcome.errorCode,
    errorDescription: outcome.errorDescription === null ? null : outcome.errorMessage ? `${outcome.errorDescription}: ${outcome.errorMessage}` : outcome.errorDescription,
  };
}

/** "Name: message" (settled at submission) or "Name" (the worker's): the DDS name and the sentence apart. */
function splitDescription(description: string | null): { name: string | null; message: string | null } {
  if (description === null) return { name: null, message: null };
  const colon = description.indexOf(': ');
  return colon < 0 ? { name: description, message: null } : { name: description.slice(0, colon), message: description.slice(colon + 2) };
}
