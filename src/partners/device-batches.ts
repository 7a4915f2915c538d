// Partner Center's device registration (partner-center-reference §2.1–§2.7) as domain operations: a partner submits a
// customer's devices under a named batch and gets a job (the batch tracking id) back; each device is judged here
// (identification, hash, duplicates within the call) and either refused at once — a per-device outcome stored with
// the job, never a failed call — or stored as an import row (origin 'partner') for the one import worker to register.
// Reading back: the customer's batches, a batch's devices (only partner registrations, 100 a page, seek-based), one
// job's status, and deleting one device (the Autopilot registration only).
//
// Decisions (where the reference says NOT FOUND or [INF]):
// - Identification: a device names itself by exactly one of the six documented combinations. With a hash,
//   oemManufacturerName and modelName are informational (stored with the row; the hash's SMBIOS wins); without one,
//   only `productKey` alone or the tuple `serialNumber + oemManufacturerName + modelName` is accepted, anything else
//   is refused per device with 803 and a sentence naming what is missing or extra. Values are trimmed, case kept
//   (the tuple is case-sensitive).
// - A hash that is not base64 is refused per device with 802; a decodable but invalid hash goes to the worker, which
//   answers 802 as it does for Graph imports.
// - The same device twice in one call (same identity key: tuple, SMBIOS UUID, product key ID, TPM EK): the first is
//   processed, the others are refused with 899 ZtdDeviceDuplicated, as Graph imports do.
// - The batch name is the devices' group tag ([OrderID]), as Microsoft Managed Desktop's instructions use it.
// - A batch name is 1–128 characters without control characters or / \ ? # % (it travels raw in devicesLink.uri).
// - MS-RequestId makes a call idempotent per partner: a retry gets the first call's job back, nothing is stored twice.
// - A tracking id is visible only to the partner that submitted it, and only under its customer.
// - Any partner related to the customer sees and deletes the devices any partner registered through Partner Center;
//   devices the customer (or an OEM) registered do not exist for Partner Center.
// - Deleting removes only the Autopilot registration (device, hash, identity keys): the Entra object stays, losing
//   its Autopilot physicalIds, and an Intune enrollment stays too (Partner Center does no MDM unenrolment, §2.7).
import { randomUUID } from 'node:crypto';
import { decodeHardwareHash } from '../hash/index.js';
import type { AutopilotDevice } from '../model/index.js';
import type { Store } from '../ports.js';
import { deregisterRegistrationOnly, hashlessKey, keyString, registryKeys, ZTD_ERRORS, type ImportedDevice } from '../registry/index.js';
import { newImportedDevice } from '../registry/new-imported-device.js';
import type { Tenant } from '../tenants/index.js';
import { PartnerError } from './errors.js';
import { property } from './wire-body.js';
import { BatchNameTakenError, type DeviceBatch, type DeviceBatchWithCount, type DeviceJob, type DeviceJobResult, type DeviceJobStatus } from './ports.js';

/** Most devices one call may submit. Partner Center documents none for the API (its CSV takes 500). */
export const MAX_DEVICES_PER_CALL = 1000;
/** Devices per page of a batch's device list (partner-center-reference §2.5). */
export const DEVICES_PAGE_SIZE = 100;
const MAX_BATCH_NAME = 128;

/** The five identifying fields of a Partner Center Device, as the wire names them. */
export const DEVICE_FIELDS = ['hardwareHash', 'productKey', 'serialNumber', 'oemManufacturerName', 'modelName'] as const;
export type DeviceField = (typeof DEVICE_FIELDS)[number];
export type DeviceIdentifiers = Record<DeviceField, string>;


/** DeviceBatchCreationRequest: `{BatchId, Devices}` in any case. */
export function readBatchCreation(body: unknown): { batchName: string; devices: unknown[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new PartnerError('InvalidInput', 'The body must be a DeviceBatchCreationRequest: {"batchId": "<name>", "devices": [Device, ...]}.', ['batchId', 'devices']);
  }
  const batchId = property(body, 'batchId');
  if (typeof batchId !== 'string') {
    throw new PartnerError('InvalidInput', 'batchId is missing: name the new batch (any name unique for this customer, e.g. "Contoso-Wave1").', ['batchId']);
  }
  const devices = property(body, 'devices') ?? [];
  if (!Array.isArray(devices)) throw new PartnerError('InvalidInput', 'devices must be a JSON array of Device objects.', ['devices']);
  return { batchName: batchId, devices };
}

/** The body of "add devices to a batch": a bare array of Device. */
export function readDeviceArray(body: unknown): unknown[] {
  if (!Array.isArray(body)) {
    throw new PartnerError('InvalidInput', 'The body must be a JSON array of Device objects ([{"hardwareHash": "..."}, ...]), not ' + describe(body) + '.', ['devices']);
  }
  return body;
}

function describe(value: unknown): string {
  if (value === undefined) return 'an empty body';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a JSON ${typeof value}`;
}

/** A batch name Tarmac accepts (it is the batch's id in paths and links, and the devices' group tag). */
export function checkBatchName(name: string): string {
  if (name.trim() === '') throw new PartnerError('InvalidInput', 'batchId is empty: name the batch.', ['batchId']);
  if (name.length > MAX_BATCH_NAME) throw new PartnerError('InvalidInput', `batchId is ${name.length} characters long; at most ${MAX_BATCH_NAME} are allowed.`, ['batchId']);
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u001f\u007f/\\?#%]/.exec(name);
  if (bad) {
    throw new PartnerError(
      'InvalidInput',
      `batchId '${name}' contains ${JSON.stringify(bad[0])} at position ${bad.index + 1}: batch names travel unencoded in devicesLink.uri, so / \\ ? # % and control characters are not allowed.`,
      ['batchId'],
    );
  }
  return name;
}

/** One device's identifying fields (trimmed strings, '' when absent or null). Wrong types are the caller's mistake. */
export function readDeviceIdentifiers(item: unknown, where: string): DeviceIdentifiers {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new PartnerError('InvalidInput', `${where} must be a Device object ({"hardwareHash": ..., "serialNumber": ...}), not ${describe(item)}.`, [where]);
  }
  const ids = {} as DeviceIdentifiers;
  for (const field of DEVICE_FIELDS) {
    const value = property(item, field);
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new PartnerError('InvalidInput', `${where}.${field} must be a string (or null), not ${describe(value)}.`, [`${where}.${field}`]);
    }
    ids[field] = (value ?? '').trim();
  }
  return ids;
}

/** The six identifier combinations Partner Center accepts (reference §2.1), by the fields they use. */
export const ACCEPTED_COMBINATIONS: readonly (readonly DeviceField[])[] = [
  ['hardwareHash', 'productKey'],
  ['hardwareHash', 'serialNumber'],
  ['hardwareHash', 'productKey', 'serialNumber'],
  ['hardwareHash'],
  ['productKey'],
  ['serialNumber', 'oemManufacturerName', 'modelName'],
];

/**
 * Why a device's identification is refused, or null when it is one of the six combinations. With a hash,
 * oemManufacturerName and modelName are informational and do not count.
 */
export function identificationProblem(ids: DeviceIdentifiers): string | null {
  const given = DEVICE_FIELDS.filter((f) => ids[f] !== '');
  const hash = ids.hardwareHash !== '';
  const counted = hash ? given.filter((f) => f !== 'oemManufacturerName' && f !== 'modelName') : given;
  if (ACCEPTED_COMBINATIONS.some((c) => c.length === counted.length && c.every((f) => counted.includes(f)))) return null;
  const accepted = 'Send hardwareHash (alone or with productKey and/or serialNumber), productKey alone, or serialNumber + oemManufacturerName + modelName.';
  if (given.length === 0) return `The device has no identifier. ${accepted}`;
  const tuple: DeviceField[] = ['serialNumber', 'oemManufacturerName', 'modelName'];
  const tupleGiven = tuple.filter((f) => ids[f] !== '');
  if (ids.productKey !== '' && tupleGiven.length > 0) {
    return `The device gives productKey together with ${tupleGiven.join(', ')} but no hardwareHash: without a hash, give either productKey alone or the full tuple. ${accepted}`;
  }
  const missing = tuple.filter((f) => ids[f] === '');
  return `The device gives ${given.join(', ')} without hardwareHash; a registration by tuple also needs ${missing.join(' and ')}. ${accepted}`;
}

export interface SubmitDevicesInput {
  partner: Tenant;
  customerTenantId: string;
  /** The batch's name: a new one (create) or an existing one (add). */
  batchName: string;
  /** create: a new batch (409 when the name exists); add: an existing one (404 when it does not). */
  mode: 'create' | 'add';
  /** The devices as sent (Device objects, any property case). */
  devices: unknown[];
  /** MS-RequestId, when the caller sent one. */
  requestId: string | null;
  now: Date;
}

interface Judged {
  refusal?: { code: number; name: string; description: string };
  row?: ImportedDevice;
  ids: DeviceIdentifiers;
}

/** Submits devices under a batch; returns the job whose id is the batch tracking id. Rows wait for the worker. */
export async function submitDevices(store: Store, input: SubmitDevicesInput): Promise<DeviceJob> {
  if (input.requestId !== null) {
    const earlier = await retried(store, input);
    if (earlier) return earlier;
  }
  if (input.devices.length > MAX_DEVICES_PER_CALL) {
    throw new PartnerError(
      'InvalidInput',
      `One call submits at most ${MAX_DEVICES_PER_CALL} devices; this one has ${input.devices.length}. Split them over several calls to POST …/deviceBatches/{batchId}/devices.`,
      ['devices'],
    );
  }
  const name = input.mode === 'create' ? checkBatchName(input.batchName) : input.batchName;
  const identifiers = input.devices.map((item, i) => readDeviceIdentifiers(item, `devices[${i}]`));
  const jobId = randomUUID();
  const now = input.now.toISOString();
  try {
    return await store.transaction(async (tx) => {
      const batch = await batchFor(tx, input, name, now);
      const judged = judge(identifiers, { input, batch, jobId, now });
      const job: DeviceJob = {
        id: jobId,
        customerTenantId: input.customerTenantId,
        submittedByTenantId: input.partner.id,
        kind: 'upload',
        batchId: batch.id,
        requestId: input.requestId,
        deviceCount: identifiers.length,
        createdAt: now,
      };
      const refused: DeviceJobResult[] = [];
      judged.forEach((j, position) => {
        if (!j.refusal) return;
        refused.push({
          jobId,
          position,
          deviceId: null,
          serialNumber: j.ids.serialNumber,
          productKey: j.ids.productKey,
          status: 'finished_with_errors',
          errorCode: String(j.refusal.code),
          errorDescription: `${j.refusal.name}: ${j.refusal.description}`,
        });
      });
      await tx.jobs.insert(job, refused);
      const rows = judged.flatMap((j) => (j.row ? [j.row] : []));
      if (rows.length > 0) await tx.imports.insertMany(rows);
      return job;
    });
  } catch (err) {
    // The same call, retried while the first was being stored: its job won the MS-RequestId.
    if (input.requestId !== null && !(err instanceof PartnerError)) {
      const earlier = await retried(store, input);
      if (earlier) return earlier;
    }
    throw err;
  }
}

async function retried(store: Store, input: SubmitDevicesInput): Promise<DeviceJob | undefined> {
  const earlier = await store.jobs.findByRequestId(input.partner.id, input.requestId ?? '');
  if (!earlier) return undefined;
  if (earlier.customerTenantId !== input.customerTenantId || earlier.kind !== 'upload') {
    throw new PartnerError(
      'InvalidInput',
      `MS-RequestId ${input.requestId} was already used by another call (batch tracking id ${earlier.id}); send a new MS-RequestId for each call and reuse it only to retry that call.`,
      ['MS-RequestId'],
    );
  }
  return earlier;
}

async function batchFor(tx: Store, input: SubmitDevicesInput, name: string, now: string): Promise<DeviceBatch> {
  const existing = await tx.batches.findByName(input.customerTenantId, name);
  if (input.mode === 'add') {
    if (!existing) throw batchNotFound(name);
    return existing;
  }
  if (existing) {
    throw new PartnerError(
      'AlreadyExists',
      `A device batch named '${existing.name}' already exists for this customer (names are compared without case). Add devices to it with POST …/deviceBatches/${existing.name}/devices, or choose another name.`,
      ['batchId'],
    );
  }
  const batch: DeviceBatch = { id: randomUUID(), customerTenantId: input.customerTenantId, name, createdByTenantId: input.partner.id, createdAt: now };
  try {
    await tx.batches.insert(batch);
  } catch (err) {
    if (err instanceof BatchNameTakenError) throw new PartnerError('AlreadyExists', `A device batch named '${name}' already exists for this customer.`, ['batchId']);
    throw err;
  }
  return batch;
}

function batchNotFound(name: string): PartnerError {
  return new PartnerError('NotFound', `The customer has no device batch named '${name}'. Create it with POST …/deviceBatches {"batchId": "${name}", "devices": [...]}.`, ['batchId']);
}

/** Judges every device: refused now, or an import row for the worker. */
function judge(all: DeviceIdentifiers[], ctx: { input: SubmitDevicesInput; batch: DeviceBatch; jobId: string; now: string }): Judged[] {
  const seen = new Map<string, number>();
  return all.map((ids, position): Judged => {
    const where = `devices[${position}]`;
    const problem = identificationProblem(ids);
    if (problem !== null) {
      return { ids, refusal: { code: ZTD_ERRORS.MissingZtdSerialNumberAndProductKey, name: 'MissingZtdSerialNumberAndProductKey', description: `${where}: ${problem}` } };
    }
    let bytes: Buffer | null = null;
    let keys: string[] = [];
    if (ids.hardwareHash !== '') {
      const decoded = decodeHardwareHash(ids.hardwareHash);
      if (decoded.bytes === null) {
        return {
          ids,
          refusal: {
            code: ZTD_ERRORS.InvalidZtdHardwareHash,
            name: 'InvalidZtdHardwareHash',
            description: `${where}.hardwareHash is not base64: ${decoded.issues[0]?.message ?? 'unreadable'}. Send the "Hardware Hash" column of the CSV as is.`,
          },
        };
      }
      bytes = Buffer.from(decoded.bytes);
      if (decoded.valid && decoded.identity) keys = registryKeys(decoded.identity, ids.serialNumber).map((k) => `${k.kind}:${k.value}`);
    } else {
      keys = hashlessKeys(ids);
    }
    const first = keys.map((k) => seen.get(k)).find((p) => p !== undefined);
    if (first !== undefined) {
      return {
        ids,
        refusal: { code: ZTD_ERRORS.ZtdDeviceDuplicated, name: 'ZtdDeviceDuplicated', description: `${where} is the same device as devices[${first}] in this call; only the first is registered.` },
      };
    }
    for (const k of keys) seen.set(k, position);
    return {
      ids,
      row: newImportedDevice(
        {
          tenantId: ctx.input.customerTenantId,
          groupTag: ctx.batch.name,
          serialNumber: ids.serialNumber,
          productKey: ids.productKey,
          hardwareIdentifier: bytes,
          manufacturer: ids.oemManufacturerName,
          model: ids.modelName,
          origin: 'partner',
          originTenantId: ctx.input.partner.id,
          jobId: ctx.jobId,
          jobPosition: position,
          batchId: ctx.batch.id,
        },
        ctx.now,
      ),
    };
  });
}

/** The identity key a device without a hash is registered by (the registry's own rule), for duplicates in a call. */
function hashlessKeys(ids: DeviceIdentifiers): string[] {
  const key = hashlessKey({ productKey: ids.productKey, manufacturer: ids.oemManufacturerName, model: ids.modelName, serialNumber: ids.serialNumber });
  return key === null ? [] : [keyString(key)];
}

// ---- reading back -------------------------------------------------------------------------------------------------

/** Looks tenants up (for the domains Partner Center shows as createdBy / uploadedBy). */
export interface TenantLookup {
  findById(id: string): Promise<Tenant | undefined>;
}

/** A tenant's first domain (its name on Partner Center's wire), '' when it is gone; memoised per call. */
function domains(tenants: TenantLookup): (tenantId: string | null) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  return (tenantId) => {
    if (tenantId === null) return Promise.resolve('');
    let domain = cache.get(tenantId);
    if (!domain) {
      domain = tenants.findById(tenantId).then((t) => t?.domains[0]?.name ?? '');
      cache.set(tenantId, domain);
    }
    return domain;
  };
}

export interface ListedBatch extends DeviceBatchWithCount {
  /** The creating partner's domain. */
  createdBy: string;
}

/** The customer's batches, oldest first, with their device counts and creators. */
export async function listBatches(store: Store, tenants: TenantLookup, customerTenantId: string): Promise<ListedBatch[]> {
  const domainOf = domains(tenants);
  const batches = await store.batches.list(customerTenantId);
  return Promise.all(batches.map(async (b) => ({ ...b, createdBy: await domainOf(b.createdByTenantId) })));
}

/** A partner-registered device as Partner Center shows it. */
export interface BatchDevice {
  device: AutopilotDevice;
  /** Domain of the partner that registered it. */
  uploadedBy: string;
}

export interface BatchDevicePage {
  devices: BatchDevice[];
  /** Send back as MS-ContinuationToken for the next page; null on the last. */
  continuationToken: string | null;
}

async function findBatch(store: Store, customerTenantId: string, name: string): Promise<DeviceBatch> {
  const batch = await store.batches.findByName(customerTenantId, name);
  if (!batch) throw batchNotFound(name);
  return batch;
}

/** Opaque to clients: the batch and the last device id of the page (seek, not offset: stable while devices come and go). */
function encodeToken(batchId: string, afterId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, b: batchId, a: afterId })).toString('base64url');
}

function decodeToken(token: string, batch: DeviceBatch): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const p = parsed as { v?: unknown; b?: unknown; a?: unknown } | undefined;
  if (!p || p.v !== 1 || typeof p.b !== 'string' || typeof p.a !== 'string') {
    throw new PartnerError('InvalidInput', 'MS-ContinuationToken is not a token this API issued: send back the continuationToken of the previous page as is.', ['MS-ContinuationToken']);
  }
  if (p.b !== batch.id) {
    throw new PartnerError('InvalidInput', `MS-ContinuationToken belongs to another batch, not '${batch.name}': send it with the devices list it came from.`, ['MS-ContinuationToken']);
  }
  return p.a;
}

/** One page of the devices partners registered through a batch, in id order. */
export async function listBatchDevices(
  store: Store,
  tenants: TenantLookup,
  customerTenantId: string,
  batchName: string,
  continuationToken: string | null,
): Promise<BatchDevicePage> {
  const batch = await findBatch(store, customerTenantId, batchName);
  const after = continuationToken === null ? null : decodeToken(continuationToken, batch);
  const found = await store.batches.devices(customerTenantId, batch.id, after, DEVICES_PAGE_SIZE + 1);
  const page = found.slice(0, DEVICES_PAGE_SIZE);
  const domainOf = domains(tenants);
  const last = page[page.length - 1];
  return {
    devices: await Promise.all(page.map(async (device) => ({ device, uploadedBy: await domainOf(device.registeredByTenantId) }))),
    continuationToken: found.length > DEVICES_PAGE_SIZE && last ? encodeToken(batch.id, last.id) : null,
  };
}

/** A device of the batch that a partner registered; 404 1000 for anything else (customer or OEM devices do not exist here). */
async function findBatchDevice(store: Store, customerTenantId: string, batchName: string, deviceId: string): Promise<AutopilotDevice> {
  const batch = await findBatch(store, customerTenantId, batchName);
  const device = await store.devices.find(customerTenantId, deviceId.toLowerCase());
  if (!device || device.registeredBy !== 'partner' || device.partnerBatchId !== batch.id) {
    throw new PartnerError('NotFound', `Device ${deviceId} is not in device batch '${batch.name}' of this customer.`, ['deviceId']);
  }
  return device;
}

/** One device of a batch (PUT answers it: Tarmac changes nothing else than what DevicePolicyUpdates does). */
export async function getBatchDevice(store: Store, tenants: TenantLookup, customerTenantId: string, batchName: string, deviceId: string): Promise<BatchDevice> {
  const device = await findBatchDevice(store, customerTenantId, batchName, deviceId);
  return { device, uploadedBy: await domains(tenants)(device.registeredByTenantId) };
}

/** Deregisters a partner-registered device: the Autopilot registration only (Entra object and Intune enrollment stay). */
export async function deleteBatchDevice(store: Store, customerTenantId: string, batchName: string, deviceId: string, now: Date): Promise<void> {
  await store.transaction(async (tx) => {
    const device = await findBatchDevice(tx, customerTenantId, batchName, deviceId);
    await deregisterRegistrationOnly(tx, device, now);
  });
}

// ---- batch status -------------------------------------------------------------------------------------------------

export interface BatchStatus {
  job: DeviceJob;
  status: DeviceJobStatus;
  /** When the last device settled; null while some are pending. */
  completedAt: string | null;
  results: DeviceJobResult[];
}

/**
 * The job's status: `finished` once every device is settled, even when some failed (clients treat anything else as
 * failure, reference §2.3); `queued` while every device waits; `processing` in between.
 */
export function jobStatus(results: DeviceJobResult[]): DeviceJobStatus {
  const pending = results.filter((r) => r.status === 'queued' || r.status === 'processing');
  if (pending.length === 0) return 'finished';
  if (pending.length === results.length && pending.every((r) => r.status === 'queued')) return 'queued';
  return 'processing';
}

/** A job of the customer that this partner submitted; 404 1000 otherwise. */
export async function batchStatus(store: Store, partner: Tenant, customerTenantId: string, trackingId: string): Promise<BatchStatus> {
  const job = await store.jobs.find(trackingId.toLowerCase());
  if (!job || job.customerTenantId !== customerTenantId || job.submittedByTenantId !== partner.id) {
    throw new PartnerError('NotFound', `No batch tracking id ${trackingId} for this customer from ${partner.domains[0]?.name ?? partner.id}.`, ['trackingId']);
  }
  const results = await store.jobs.results(job.id);
  const status = jobStatus(results);
  const settled = results.map((r) => r.settledAt ?? job.createdAt);
  const completedAt = status === 'finished' ? settled.reduce((a, b) => (b > a ? b : a), job.createdAt) : null;
  return { job, status, completedAt, results };
}
