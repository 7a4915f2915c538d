// Partner Center device batches (partner-center-reference §2.1, §2.2, §2.4–§2.7), under /v1/customers/{customer-id}:
//   POST   /deviceBatches                                {BatchId, Devices}  → 202, empty, Location of the job status
//   POST   /deviceBatches/{batchId}/devices              [Device, ...]       → 202, empty, Location
//   GET    /deviceBatches                                                    → Collection of DeviceBatch
//   GET    /deviceBatches/{batchId}/devices              MS-ContinuationToken → Collection of Device, 100 a page
//   PUT    /deviceBatches/{batchId}/devices/{deviceId}   Device              → 200 Device (unchanged: see below)
//   DELETE /deviceBatches/{batchId}/devices/{deviceId}                       → 204
// The relationship with the customer is checked by the scope (index.ts) before any of these runs. Every rule is in
// src/partners/device-batches.ts; PUT answers the device as it is (policies are assigned by DevicePolicyUpdates).
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  deleteBatchDevice,
  getBatchDevice,
  updateDevicePolicyFromDevice,
  listBatchDevices,
  listBatches,
  readBatchCreation,
  readDeviceArray,
  submitDevices,
  type DeviceJob,
} from '../../../partners/index.js';
import { ApiFaultSchema } from '../../partner-center-errors.js';
import type { TarmacPlugin } from '../../types.js';
import { partnerCenterCaller } from './caller.js';
import { DeviceBatchSchema, DeviceInputSchema, DeviceSchema, deviceBatchResource, deviceResource } from './device-shapes.js';
import { CollectionOf, collection } from './shapes.js';
import { audited, auditedAction, bodyField, param } from '../../audit-specs.js';

const tags = ['partner center'];
const errors = { 400: ApiFaultSchema, 401: ApiFaultSchema, 403: ApiFaultSchema, 404: ApiFaultSchema };
/** 1000 devices with 4K hashes (about 5.5 KB each in base64) and the SDK's nulls. */
const UPLOAD_BODY_LIMIT = 32 * 1024 * 1024;

const CustomerParams = Type.Object({ customerId: Type.String({ description: 'The customer tenant id (GUID)' }) });
const BatchParams = Type.Object({ customerId: Type.String(), batchId: Type.String({ description: "The batch's name (URL-encoded)" }) });
const DeviceParams = Type.Object({ customerId: Type.String(), batchId: Type.String(), deviceId: Type.String({ description: 'The Autopilot device id' }) });
const Empty = (description: string) => Type.Unsafe<undefined>({ type: 'null', description });
const Accepted = Empty('Empty; the Location header names the batch status: /customers/{customer-id}/batchJobStatus/{trackingId}');

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  const one = Array.isArray(value) ? value[0] : value;
  return one !== undefined && one.trim() !== '' ? one.trim() : null;
}

export const deviceBatchRoutes: TarmacPlugin = async (app) => {
  const accepted = (reply: FastifyReply, customerId: string, job: DeviceJob): FastifyReply => {
    app.registry.notifyImports();
    // Relative and without /v1: the PowerShell module reads segment 4, CIPP appends it to /v1/ (reference §1.5).
    return reply.code(202).header('location', `/customers/${customerId}/batchJobStatus/${job.id}`).send();
  };
  const customerOf = (request: FastifyRequest): string => {
    const { relationship } = partnerCenterCaller(request);
    if (!relationship) throw new Error('Partner Center device routes run only under /customers/{customer-id}');
    return relationship.customerTenantId;
  };

  app.post(
    '/customers/:customerId/deviceBatches',
    {
      config: audited('deviceBatch', 'Create', { ids: bodyField('batchId') }),
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Create a device batch with devices (DeviceBatchCreationRequest)',
        description:
          'At most 1000 devices a call. Each device is judged on its own: one refused (identification, hash, duplicate) ends finished_with_errors ' +
          'in the batch status, never failing the call. The batch name becomes the devices\' group tag. A retry with the same MS-RequestId gets the same tracking id.',
        params: CustomerParams,
        body: Type.Object(
          {
            batchId: Type.Optional(Type.Unknown({ description: 'The new batch name (BatchId in any case)' })),
            devices: Type.Optional(Type.Array(DeviceInputSchema)),
          },
          { additionalProperties: true },
        ),
        response: { 202: Accepted, ...errors, 409: ApiFaultSchema },
      },
    },
    async (request, reply) => {
      const { partner } = partnerCenterCaller(request);
      const customerId = customerOf(request);
      const { batchName, devices } = readBatchCreation(request.body);
      const job = await submitDevices(app.registry.store, {
        partner,
        customerTenantId: customerId,
        batchName,
        mode: 'create',
        devices,
        requestId: header(request, 'ms-requestid'),
        now: app.now(),
      });
      return accepted(reply, customerId, job);
    },
  );

  app.post(
    '/customers/:customerId/deviceBatches/:batchId/devices',
    {
      config: auditedAction('deviceBatch', 'addDevices', { ids: param('batchId') }),
      bodyLimit: UPLOAD_BODY_LIMIT,
      // A bare array, checked before the schema (whose array coercion would wrap an object in one).
      preValidation: async (request) => {
        readDeviceArray(request.body);
      },
      schema: {
        tags,
        summary: 'Add devices to an existing device batch',
        description: 'A bare JSON array of Device, at most 1000; judged per device as on creation. 404 when the batch does not exist.',
        params: BatchParams,
        body: Type.Array(DeviceInputSchema),
        response: { 202: Accepted, ...errors },
      },
    },
    async (request, reply) => {
      const { partner } = partnerCenterCaller(request);
      const customerId = customerOf(request);
      const job = await submitDevices(app.registry.store, {
        partner,
        customerTenantId: customerId,
        batchName: request.params.batchId,
        mode: 'add',
        devices: readDeviceArray(request.body),
        requestId: header(request, 'ms-requestid'),
        now: app.now(),
      });
      return accepted(reply, customerId, job);
    },
  );

  app.get(
    '/customers/:customerId/deviceBatches',
    { schema: { tags, summary: "The customer's device batches", params: CustomerParams, response: { 200: CollectionOf(DeviceBatchSchema), ...errors } } },
    async (request) => {
      const customerId = customerOf(request);
      const batches = await listBatches(app.registry.store, app.tenantsStore.tenants, customerId);
      return collection(batches.map((b) => deviceBatchResource(customerId, b)));
    },
  );

  app.get(
    '/customers/:customerId/deviceBatches/:batchId/devices',
    {
      schema: {
        tags,
        summary: 'The devices partners registered through a batch, 100 a page',
        description: 'Send the continuationToken of a page back as the MS-ContinuationToken header for the next one; null on the last page.',
        params: BatchParams,
        response: { 200: CollectionOf(DeviceSchema, { continuationToken: Type.Union([Type.String(), Type.Null()]) }), ...errors },
      },
    },
    async (request) => {
      const customerId = customerOf(request);
      const page = await listBatchDevices(app.registry.store, app.tenantsStore.tenants, customerId, request.params.batchId, header(request, 'ms-continuationtoken'));
      return collection(page.devices.map(deviceResource), { continuationToken: page.continuationToken });
    },
  );

  app.put(
    '/customers/:customerId/deviceBatches/:batchId/devices/:deviceId',
    {
      config: audited('windowsAutopilotDeviceIdentity', 'Patch', { ids: param('deviceId') }),
      schema: {
        tags,
        summary: "Update a device of a batch: its policies (a Device body's other fields are ignored); answers the device",
        params: DeviceParams,
        body: Type.Optional(Type.Object({}, { additionalProperties: true })),
        response: { 200: DeviceSchema, ...errors },
      },
    },
    async (request) => {
      const customerId = customerOf(request);
      const { batchId, deviceId } = request.params;
      const device = await getBatchDevice(app.registry.store, app.tenantsStore.tenants, customerId, batchId, deviceId);
      await updateDevicePolicyFromDevice(app.registry.store, customerId, device.device.id, request.body, app.now());
      return deviceResource(await getBatchDevice(app.registry.store, app.tenantsStore.tenants, customerId, batchId, deviceId));
    },
  );

  app.delete(
    '/customers/:customerId/deviceBatches/:batchId/devices/:deviceId',
    {
      config: audited('windowsAutopilotDeviceIdentity', 'Delete', { ids: param('deviceId') }),
      schema: {
        tags,
        summary: 'Deregister a device of a batch (the Autopilot registration only: its Entra object and any Intune enrollment stay)',
        params: DeviceParams,
        response: { 204: Empty('Deregistered'), ...errors },
      },
    },
    async (request, reply) => {
      const customerId = customerOf(request);
      await deleteBatchDevice(app.registry.store, customerId, request.params.batchId, request.params.deviceId, app.now());
      return reply.code(204).send();
    },
  );
};
