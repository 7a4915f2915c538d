// The OEM API's wire (Tarmac's own, not Microsoft-compatible; README "OEM API"): request bodies read with
// case-insensitive property names into the domain's OemDeviceSubmission, and the responses — Partner Center's
// BatchUploadDetails/DeviceUploadDetails shapes (camelCase, attributes.objectType), plus errorMessage.
import { Type, type Static } from '@sinclair/typebox';
import { OEM_DEVICE_FIELDS, PartnerError, isJsonObject, propertiesOf, type OemDeviceOutcome, type OemDeviceSubmission, type OemJobStatus } from '../../../partners/index.js';
import { Attributes, attributes, partnerCenterDate } from '../partner-center/shapes.js';

const Text = Type.Optional(Type.Union([Type.String(), Type.Null()]));

export const OemDeviceSchema = Type.Object(
  {
    TenantID: Type.Optional(Type.Union([Type.String({ description: 'The customer tenant id; blank together with TenantDomain: deregister the device' }), Type.Null()])),
    TenantDomain: Type.Optional(Type.Union([Type.String({ description: "One of the customer's domains; when both are given they must name the same tenant" }), Type.Null()])),
    SerialNumber: Text,
    Manufacturer: Text,
    Model: Text,
    ProductKey: Type.Optional(Type.Union([Type.String({ description: 'The product key ID (PKID, 13 digits)' }), Type.Null()])),
    HardwareHash: Type.Optional(Type.Union([Type.String({ description: 'Optional 4K hash (base64); it must describe the device the tuple or PKID names' }), Type.Null()])),
    GroupTag: Text,
  },
  {
    additionalProperties: true,
    description: 'One device: the tuple (SerialNumber, Manufacturer, Model) or the ProductKey identifies it. Property names are case-insensitive.',
  },
);

export const OemRegistrationBodySchema = Type.Object(
  { devices: Type.Optional(Type.Array(OemDeviceSchema, { description: 'At most 1000 devices' })) },
  { additionalProperties: true, description: 'AutopilotDeviceRegistration request (property names case-insensitive: Devices works too)' },
);

const DeviceUploadDetailsSchema = Type.Object({
  deviceId: Type.Union([Type.String(), Type.Null()], { description: 'The Autopilot device id (ZTDID), once there is one' }),
  serialNumber: Type.String(),
  productKey: Type.String(),
  status: Type.String({ description: 'queued, processing, finished or finished_with_errors' }),
  errorCode: Type.Union([Type.String(), Type.Null()], { description: 'DDS code as a string ("808"), or Tarmac\'s 895/896' }),
  errorDescription: Type.Union([Type.String(), Type.Null()], { description: 'The DDS name (ZtdDeviceAssignedToOtherTenant)' }),
  errorMessage: Type.Union([Type.String(), Type.Null()], { description: 'What to do, when Tarmac has more to say than the name' }),
  attributes: Attributes,
});

export const OemBatchStatusSchema = Type.Object(
  {
    batchTrackingId: Type.String(),
    status: Type.String({ description: 'finished once every device settled (failed ones included); processing or queued before' }),
    startedTime: Type.String(),
    devicesStatus: Type.Array(DeviceUploadDetailsSchema),
    attributes: Attributes,
  },
  { description: "An OEM call's status (Partner Center's BatchUploadDetails shape)" },
);

export const OemValidationSchema = Type.Object(
  {
    devicesStatus: Type.Array(
      Type.Intersect([
        DeviceUploadDetailsSchema,
        Type.Object({
          operation: Type.String({ description: 'register or deregister (TenantID and TenantDomain blank)' }),
          tenantId: Type.Union([Type.String(), Type.Null()], { description: 'The consenting customer the device is for' }),
        }),
      ]),
    ),
    attributes: Attributes,
  },
  { description: 'Would-be outcome of each device (Validate Device Submission Data); nothing is changed' },
);

export const ConsentLinkSchema = Type.Object(
  { url: Type.String({ description: "The link a customer's admin opens to accept the OEM relationship" }), attributes: Attributes },
  { description: "The OEM's consent link (Microsoft 365 invitation shape, invType=OemRelationship)" },
);


/** The body's devices, property names in any case, every field a trimmed string ('' for absent or null). */
export function readOemDevices(body: unknown): OemDeviceSubmission[] {
  if (!isJsonObject(body)) throw new PartnerError('InvalidInput', 'The body must be a JSON object {"devices": [...]}.', ['devices']);
  const list = propertiesOf(body)?.get('devices');
  if (!Array.isArray(list)) throw new PartnerError('InvalidInput', 'The body has no "devices" array.', ['devices']);
  return list.map((item, i) => {
    if (!isJsonObject(item)) throw new PartnerError('InvalidInput', `devices[${i}] is not an object.`, [`devices[${i}]`]);
    const fields = propertiesOf(item) ?? new Map<string, unknown>();
    const device = {} as OemDeviceSubmission;
    for (const name of OEM_DEVICE_FIELDS) {
      const value = fields.get(name.toLowerCase());
      // Numbers are read as their digits, as the schema's coercion does for the canonical spelling.
      if (typeof value === 'number') device[name] = String(value);
      else if (value === undefined || value === null) device[name] = '';
      else if (typeof value === 'string') device[name] = value.trim();
      else throw new PartnerError('InvalidInput', `devices[${i}].${name} must be a string (got ${typeof value}).`, [`devices[${i}].${name}`]);
    }
    return device;
  });
}

type DeviceUploadDetails = Static<typeof DeviceUploadDetailsSchema>;

function uploadDetails(d: Omit<OemDeviceOutcome, 'position' | 'operation' | 'tenantId'>): DeviceUploadDetails {
  return {
    deviceId: d.deviceId,
    serialNumber: d.serialNumber,
    productKey: d.productKey,
    status: d.status,
    errorCode: d.errorCode,
    errorDescription: d.errorDescription,
    errorMessage: d.errorMessage,
    attributes: attributes('DeviceUploadDetails'),
  };
}

export function batchStatus(s: OemJobStatus): Static<typeof OemBatchStatusSchema> {
  return {
    batchTrackingId: s.job.id,
    status: s.status,
    startedTime: partnerCenterDate(s.job.createdAt),
    devicesStatus: s.devices.map(uploadDetails),
    attributes: attributes('BatchUploadDetails'),
  };
}

export function validation(outcomes: OemDeviceOutcome[]): Static<typeof OemValidationSchema> {
  return {
    devicesStatus: outcomes.map((o) => ({ ...uploadDetails(o), operation: o.operation, tenantId: o.tenantId })),
    attributes: attributes('DeviceSubmissionValidation'),
  };
}
