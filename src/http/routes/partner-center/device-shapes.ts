// Partner Center's device-registration resources on the wire (partner-center-reference §2–§3): Device, DeviceBatch,
// BatchUploadDetails with DeviceUploadDetails, and the input shapes the routes document (property names are
// case-insensitive on input, so the domain reads the bodies; these schemas only describe them).
import { Type, type Static } from '@sinclair/typebox';
import type { BatchDevice, BatchStatus, ListedBatch } from '../../../partners/index.js';
import { Attributes, attributes, partnerCenterDate } from './shapes.js';

const Nullable = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

const LinkSchema = Type.Object({
  uri: Type.String(),
  method: Type.String(),
  headers: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
});

export const DeviceSchema = Type.Object(
  {
    id: Type.String({ description: 'The Autopilot device id (ZTDID)' }),
    serialNumber: Nullable('Serial number'),
    productKey: Nullable('Windows product key ID (PKID)'),
    modelName: Nullable('SMBIOS model'),
    oemManufacturerName: Nullable('SMBIOS manufacturer'),
    policies: Type.Array(Type.Object({ key: Type.String({ description: 'PolicyCategory: o_o_b_e' }), value: Nullable('The configuration policy id, or null') })),
    uploadedDate: Type.String({ description: 'When the device was registered' }),
    uploadedBy: Type.String({ description: 'Domain of the partner that registered it' }),
    allowedOperations: Type.Array(Type.String()),
    attributes: Attributes,
  },
  { description: 'A device registered through Partner Center (Device). The hardware hash is never returned.' },
);

export function deviceResource({ device, uploadedBy }: BatchDevice): Static<typeof DeviceSchema> {
  return {
    id: device.id,
    serialNumber: device.serialNumber || null,
    productKey: device.productKey || null,
    modelName: device.model || null,
    oemManufacturerName: device.manufacturer || null,
    policies: [{ key: 'o_o_b_e', value: device.partnerPolicyId }],
    uploadedDate: partnerCenterDate(device.createdAt),
    uploadedBy,
    allowedOperations: ['GET', 'PATCH', 'DELETE'],
    attributes: attributes('Device'),
  };
}

export const DeviceBatchSchema = Type.Object(
  {
    id: Type.String({ description: "The batch's name (the BatchId it was created with)" }),
    createdBy: Type.String({ description: 'Domain of the partner that created it' }),
    creationDate: Type.String(),
    devicesCount: Type.Integer({ description: 'Devices registered through it now' }),
    devicesLink: LinkSchema,
    attributes: Attributes,
  },
  { description: 'A device batch (DeviceBatch)' },
);

export function deviceBatchResource(customerId: string, batch: ListedBatch): Static<typeof DeviceBatchSchema> {
  return {
    id: batch.name,
    createdBy: batch.createdBy,
    creationDate: partnerCenterDate(batch.createdAt),
    devicesCount: batch.devicesCount,
    // Relative, without /v1, the name unencoded: as Partner Center writes it (clients append it to their base URL).
    devicesLink: { uri: `/customers/${customerId}/deviceBatches/${batch.name}/devices`, method: 'GET', headers: [] },
    attributes: attributes('DeviceBatch'),
  };
}

const DeviceUploadDetailsSchema = Type.Object({
  deviceId: Type.Optional(Type.String({ description: 'The Autopilot device id, once registered' })),
  serialNumber: Nullable('As submitted'),
  productKey: Nullable('As submitted'),
  status: Type.String({ description: 'queued, processing, finished or finished_with_errors' }),
  errorCode: Nullable('DDS error number as a string, e.g. "808"'),
  errorDescription: Nullable('DDS error name, e.g. ZtdDeviceAssignedToOtherTenant (with a sentence when Tarmac refused the device itself)'),
  attributes: Attributes,
});

export const BatchUploadDetailsSchema = Type.Object(
  {
    batchTrackingId: Type.String(),
    status: Type.String({ description: 'queued, processing, or finished once every device is settled (even when some failed)' }),
    startedTime: Type.String(),
    completedTime: Type.Optional(Type.String({ description: 'Absent until finished' })),
    devicesStatus: Type.Array(DeviceUploadDetailsSchema),
    attributes: Attributes,
  },
  { description: 'The status of a device upload (BatchUploadDetails)' },
);

export function batchUploadDetails(s: BatchStatus): Static<typeof BatchUploadDetailsSchema> {
  return {
    batchTrackingId: s.job.id,
    status: s.status,
    startedTime: partnerCenterDate(s.job.createdAt),
    ...(s.completedAt !== null ? { completedTime: partnerCenterDate(s.completedAt) } : {}),
    devicesStatus: s.results.map((r) => ({
      ...(r.deviceId !== null ? { deviceId: r.deviceId } : {}),
      serialNumber: r.serialNumber || null,
      productKey: r.productKey || null,
      status: r.status,
      errorCode: r.errorCode,
      errorDescription: r.errorDescription,
      attributes: attributes('DeviceUploadDetails'),
    })),
    attributes: attributes('BatchUploadDetails'),
  };
}

/** A Device on input, for the OpenAPI document: any property case, nulls allowed, unknown properties ignored. */
export const DeviceInputSchema = Type.Object(
  {
    hardwareHash: Type.Optional(Type.Unknown({ description: 'Base64 hardware hash (4K)' })),
    productKey: Type.Optional(Type.Unknown({ description: 'Windows product key ID (PKID)' })),
    serialNumber: Type.Optional(Type.Unknown({ description: 'Serial number' })),
    oemManufacturerName: Type.Optional(Type.Unknown({ description: 'SMBIOS manufacturer (exact case)' })),
    modelName: Type.Optional(Type.Unknown({ description: 'SMBIOS model (exact case)' })),
  },
  {
    additionalProperties: true,
    description:
      'One of: hardwareHash (alone, or with productKey and/or serialNumber); productKey alone; serialNumber + oemManufacturerName + modelName. ' +
      'Property names in any case (PascalCase from the .NET SDK); id, uploadedDate, createdBy, policies, allowedOperations and attributes are ignored.',
  },
);
