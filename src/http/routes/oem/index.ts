// Tarmac's OEM API at /oem/v1 (not Microsoft-compatible: Microsoft's OEM Direct API is not public; README "OEM API").
// OEM tenants only, with a Partner Center token (the OEM Direct API's audience is not public; Tarmac uses Partner
// Center's), and Partner Center's scope: body tolerances, MS-RequestId/MS-CorrelationId, ApiFault errors
// (partner-center/scope.ts). The routes are thin: read the body, one call of src/partners/oem-registration.ts.
//   POST /oem/v1/AutopilotDeviceRegistration            202 + Location: /oem/v1/AutopilotDeviceRegistration/{trackingId}
//   GET  /oem/v1/AutopilotDeviceRegistration/{id}       BatchUploadDetails (another OEM's id: 404 1000)
//   POST /oem/v1/AutopilotDeviceRegistration/validate   200, would-be outcomes, nothing changed
//   GET  /oem/v1/consentLink                            the link the OEM's customers accept
import { Type } from '@sinclair/typebox';
import { invitationLink, oemJobStatus, submitOemRegistration, validateOemSubmission } from '../../../partners/index.js';
import { ApiFaultSchema } from '../../partner-center-errors.js';
import { NoContent } from '../graph/schemas/common.js';
import type { TarmacPlugin } from '../../types.js';
import { partnerCenterCaller } from '../partner-center/caller.js';
import { attributes } from '../partner-center/shapes.js';
import { partnerCenterScope, requestIdOf } from '../partner-center/scope.js';
import { ConsentLinkSchema, OemBatchStatusSchema, OemRegistrationBodySchema, OemValidationSchema, batchStatus, readOemDevices, validation } from './shapes.js';
import { audited, locationId, notAudited } from '../../audit-specs.js';

const errors = { 400: ApiFaultSchema, 401: ApiFaultSchema, 403: ApiFaultSchema, 404: ApiFaultSchema };
const tags = ['oem'];
const PATH = '/AutopilotDeviceRegistration';

export const oemRoutes: TarmacPlugin = async (app) => {
  partnerCenterScope(app, { caller: 'oem', apiName: 'The OEM API' });
  const deps = () => ({ store: app.registry.store, tenants: app.tenantsStore.tenants });

  app.post(
    PATH,
    {
      config: audited('oemDeviceRegistration', 'Create', { ids: locationId }),
      schema: {
        tags,
        summary: 'Register devices for consenting customers, or deregister them (TenantID and TenantDomain blank)',
        description:
          'Tarmac OEM API (not Microsoft-compatible). At most 1000 devices; each is identified by its tuple (SerialNumber, Manufacturer, Model) ' +
          'or ProductKey. 202 with Location; poll it for each device\'s outcome. A retry with the same MS-RequestId gets the same tracking id.',
        body: OemRegistrationBodySchema,
        response: { 202: NoContent('Accepted; Location names the status'), ...errors },
      },
    },
    async (request, reply) => {
      const { partner: oem } = partnerCenterCaller(request);
      const devices = readOemDevices(request.body);
      const submitted = await submitOemRegistration(deps(), { oem, devices, requestId: requestIdOf(request), now: app.now() });
      if (submitted.queued > 0) app.registry.notifyImports();
      return reply.code(202).header('Location', `/oem/v1${PATH}/${submitted.job.id}`).send(undefined);
    },
  );

  app.post(
    `${PATH}/validate`,
    {
      config: notAudited('validation only: changes nothing'),
      schema: {
        tags,
        summary: 'Validate Device Submission Data: the would-be outcome of each device, changing nothing',
        body: OemRegistrationBodySchema,
        response: { 200: OemValidationSchema, ...errors },
      },
    },
    async (request) => {
      const { partner: oem } = partnerCenterCaller(request);
      return validation(await validateOemSubmission(deps(), { oem, devices: readOemDevices(request.body), now: app.now() }));
    },
  );

  app.get(
    `${PATH}/:trackingId`,
    {
      schema: {
        tags,
        summary: "An OEM call's status, per device",
        params: Type.Object({ trackingId: Type.String({ description: 'The tracking id of the Location header' }) }),
        response: { 200: OemBatchStatusSchema, ...errors },
      },
    },
    async (request) => {
      const { partner: oem } = partnerCenterCaller(request);
      return batchStatus(await oemJobStatus(app.registry.store, oem, request.params.trackingId));
    },
  );

  app.get(
    '/consentLink',
    { schema: { tags, summary: "The OEM's consent link, for its customers' admins to accept", response: { 200: ConsentLinkSchema, ...errors } } },
    async (request) => {
      const { partner: oem } = partnerCenterCaller(request);
      return { url: invitationLink(app.baseUrl(request), oem), attributes: attributes('OemConsentLink') };
    },
  );
};
