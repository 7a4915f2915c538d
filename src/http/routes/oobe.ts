// /oobe/v1/*: what the PC itself calls at OOBE and after (no admin token; rate-limited per client address,
// TARMAC_OOBE_RATE_LIMIT per minute). The domain is src/oobe; this file parses, limits and shapes.
//   POST /oobe/v1/profile         {hardwareHash}                                      → AutopilotConfigurationFile
//   POST /oobe/v1/enroll          {hardwareHash, userPrincipalName?, profileId?, deviceName?} → the first Autopilot run
//   POST /oobe/v1/workplace-join  {hardwareHash, userPrincipalName, mdm?}              → Entra registered (+ MDM-only)
//   POST /oobe/v1/check-in        {hardwareHash}                                      → an enrolled device syncs
// Errors: {"error":{"code","errorCode"?,"message","innerError":{"request-id","date"}}} with DDS's names and numbers
// (InvalidZtdHardwareHash 802 → 400, ZtdDeviceIsNotRegistered 807 → 404) or Windows' HRESULT (0x80180014 → 409).
import type { FastifyContextConfig, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  OobeError,
  checkIn,
  deliverProfile,
  enrollDevice,
  enrollOffline,
  presentedHardware,
  readConfigurationFile,
  workplaceJoin,
  type HardwareCheck,
  type OobeTenants,
} from '../../oobe/index.js';
import { toAsciiJson } from '../../profiles/configuration-file.js';
import type { ManagedDevice } from '../../model/index.js';
import type { EntraDevice } from '../../model/index.js';
import type { TenantsStore } from '../../tenants/index.js';
import type { TarmacPlugin } from '../types.js';
import { documentResponses } from './graph/schemas/common.js';
import { ConfigurationFileSchema } from './graph/schemas/profiles.js';
import {
  CheckInResponse,
  EnrollResponse,
  HardwareChangeSchema,
  OobeErrorSchema,
  OobeProfileResponse,
  WorkplaceJoinResponse,
  oobeErrors,
} from './oobe-schemas.js';
import { audited, auditedAction, notAudited, responseField } from '../audit-specs.js';

/** Header naming a detected hardware change: `<remediationState>; changed=<components>`. */
export const HARDWARE_CHANGE_HEADER = 'x-tarmac-hardware-change';

const Body = Type.Object(
  {
    hardwareHash: Type.Optional(Type.Unknown({ description: 'The device hash, base64 (DeviceHardwareData / the CSV Hardware Hash column)' })),
    userPrincipalName: Type.Optional(Type.Unknown()),
    profileId: Type.Optional(Type.Unknown()),
    deviceName: Type.Optional(Type.Unknown()),
    mdm: Type.Optional(Type.Unknown()),
    configurationFile: Type.Optional(
      Type.Unknown({ description: 'enroll: the AutopilotConfigurationFile.json object of an unregistered PC (Autopilot for existing devices)' }),
    ),
  },
  { additionalProperties: true },
);

/** How long a process keeps a tenant's domain for profile documents (every boot needs it; it rarely changes). */
const DOMAIN_CACHE_MS = 5_000;
const DOMAIN_CACHE_SIZE = 10_000;

function tenantsOf(store: TenantsStore): OobeTenants {
  const domains = new Map<string, { domain: string | undefined; until: number }>();
  return {
    async domainOf(tenantId) {
      const cached = domains.get(tenantId);
      if (cached && cached.until > performance.now()) return cached.domain;
      const tenant = await store.tenants.findById(tenantId);
      const domain = tenant ? (tenant.domains.find((d) => d.isDefault) ?? tenant.domains.find((d) => d.isInitial) ?? tenant.domains[0])?.name : undefined;
      if (domains.size >= DOMAIN_CACHE_SIZE) domains.clear();
      domains.set(tenantId, { domain, until: performance.now() + DOMAIN_CACHE_MS });
      return domain;
    },
    async tenantOfDomain(domain) {
      return (await store.tenants.findByDomain(domain))?.id;
    },
  };
}

/** Optional string field: absent/null → undefined; anything else but a string → 400 naming it. */
/** What an enrollment answers, online or from the configuration file. */
function enrollmentBody(e: {
  autopilotDeviceId: string | null;
  tenantId: string;
  serialNumber: string;
  enrollmentState: string;
  enrollmentProfileName: string;
  entra: EntraDevice;
  managedDevice: ManagedDevice;
}) {
  return {
    autopilotDeviceId: e.autopilotDeviceId,
    tenantId: e.tenantId,
    serialNumber: e.serialNumber,
    enrollmentState: e.enrollmentState,
    enrollmentProfileName: e.enrollmentProfileName,
    deviceName: e.managedDevice.deviceName,
    entraDevice: { id: e.entra.id, deviceId: e.entra.deviceId, displayName: e.entra.displayName, trustType: e.entra.trustType },
    managedDevice: {
      id: e.managedDevice.id,
      deviceName: e.managedDevice.deviceName,
      managedDeviceOwnerType: e.managedDevice.managedDeviceOwnerType,
      deviceEnrollmentType: e.managedDevice.deviceEnrollmentType,
      joinType: e.managedDevice.joinType,
      userPrincipalName: e.managedDevice.userPrincipalName,
    },
  };
}

function optionalText(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new OobeError('InvalidInput', `${field} must be a string.`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** What Tarmac adds about a hardware change (documented fields stay exact): undefined when nothing changed on the board. */
function hardwareChange(check: HardwareCheck) {
  if (check.comparison.board.length === 0) return undefined;
  return {
    remediationState: check.remediationState,
    changed: check.comparison.board,
    description: check.description,
    tolerated: check.comparison.tolerated,
    captured: check.captured,
  };
}

function flagChange(reply: FastifyReply, check: HardwareCheck): void {
  if (check.comparison.board.length > 0) reply.header(HARDWARE_CHANGE_HEADER, `${check.remediationState}; changed=${check.comparison.board.join(',')}`);
}

export const oobeRoutes: TarmacPlugin = async (app) => {
  const limit = app.tarmacConfig.oobeRateLimit;
  const config: FastifyContextConfig =
    limit > 0
      ? {
          rateLimit: {
            max: limit,
            timeWindow: 60_000,
            errorResponseBuilder: (_request: FastifyRequest, context: { ttl: number }) =>
              new OobeError('TooManyRequests', `Too many device requests from this address: at most ${limit} per minute. Retry in ${Math.ceil(context.ttl / 1000)} s.`),
          },
        }
      : {};
  const tenants = tenantsOf(app.tenantsStore);
  // One per app (app.registry): profile downloads' contacts written in batches (src/oobe/contact-writer.ts).
  const contacts = app.registry.contacts;
  documentResponses(app, [OobeErrorSchema, HardwareChangeSchema, ConfigurationFileSchema]);

  const schema = <R>(summary: string, description: string, response: R) => ({ tags: ['oobe'], summary, description, body: Body, response });

  app.post(
    '/oobe/v1/profile',
    {
      // Every PC asks at every boot: a request line and a response line at info level for each would be most of the
      // log and a tenth of the CPU under load. Errors are still logged (warn and above).
      logLevel: 'warn',
      config: { ...config, ...notAudited('the hot path: every PC at every boot; its one write is the coalesced contact time, device telemetry rather than an admin change') },
      schema: schema(
        'Device: download the Autopilot profile',
        'The AutopilotConfigurationFile document of the device’s deployment profile (the default document when none is assigned), its name template ' +
          'expanded. 404 ZtdDeviceIsNotRegistered (807) for unregistered hardware; 400 InvalidZtdHardwareHash (802) for a bad hash. A changed ' +
          'motherboard is flagged (remediationState) and reported in the X-Tarmac-Hardware-Change header and a TarmacHardwareChange field.',
        { 200: OobeProfileResponse, ...oobeErrors(400, 404) },
      ),
    },
    async (request, reply) => {
      const delivery = await deliverProfile(app.registry.store, tenants, { hardwareHash: request.body.hardwareHash }, app.now(), { contacts });
      flagChange(reply, delivery.hardware);
      const change = hardwareChange(delivery.hardware);
      let text = toAsciiJson(delivery.document);
      if (change) text = `${text.slice(0, text.lastIndexOf('}')).trimEnd()},\n    "TarmacHardwareChange": ${JSON.stringify(change)}\n}`;
      return reply.type('application/json').send(text);
    },
  );

  app.post(
    '/oobe/v1/enroll',
    {
      config: { ...config, ...auditedAction('autopilotEnrollment', 'enroll', { ids: responseField('autopilotDeviceId'), tenant: (call) => responseField('tenantId')(call)[0] }) },
      schema: schema(
        'Device: first Autopilot run (Entra join + Intune enrollment)',
        'Joins the device’s Entra object (trustType AzureAd) and creates its company-owned Intune managed device; the Autopilot device becomes enrolled ' +
          '(pendingReset when enrolled under another profile than the assigned one). 409 with 0x80180014 when a self-deploying device enrolls again while ' +
          'its Intune record exists (until allowNextEnrollment), and for a blocked device. With configurationFile (AutopilotConfigurationFile.json), ' +
          'an unregistered PC joins that tenant and enrolls with enrollmentProfileName OfflineAutopilotprofile-<ZtdCorrelationId>; a profile with ' +
          '"Convert all targeted devices" that then targets it registers it.',
        { 200: EnrollResponse, ...oobeErrors(400, 404, 409) },
      ),
    },
    async (request, reply) => {
      const body = request.body;
      // Autopilot for existing devices: an unregistered PC enrolls from its AutopilotConfigurationFile.json.
      if (body.configurationFile !== undefined) {
        const offline = await enrollOffline(
          app.registry.store,
          tenants,
          {
            hardware: presentedHardware(body.hardwareHash),
            configuration: readConfigurationFile(body.configurationFile),
            userPrincipalName: optionalText(body, 'userPrincipalName'),
            deviceName: optionalText(body, 'deviceName'),
          },
          app.now(),
        );
        if (offline) {
          return {
            ...enrollmentBody({
              autopilotDeviceId: offline.converted?.id ?? null,
              tenantId: offline.tenantId,
              serialNumber: offline.managedDevice.serialNumber,
              enrollmentState: offline.converted?.enrollmentState ?? 'notRegistered',
              enrollmentProfileName: offline.enrollmentProfileName,
              entra: offline.entra,
              managedDevice: offline.managedDevice,
            }),
            convertedToAutopilot: offline.converted !== null,
          };
        }
      }
      const result = await enrollDevice(
        app.registry.store,
        {
          hardwareHash: body.hardwareHash,
          userPrincipalName: optionalText(body, 'userPrincipalName'),
          profileId: optionalText(body, 'profileId'),
          deviceName: optionalText(body, 'deviceName'),
        },
        app.now(),
        undefined,
        tenants,
      );
      if (result.outcome === 'blocked') {
        throw new OobeError('EnrollmentBlocked', result.message, result.hresult);
      }
      flagChange(reply, result.hardware);
      const change = hardwareChange(result.hardware);
      return {
        ...enrollmentBody({
          autopilotDeviceId: result.device.id,
          tenantId: result.device.tenantId,
          serialNumber: result.device.serialNumber,
          enrollmentState: result.device.enrollmentState,
          enrollmentProfileName: result.profile?.displayName ?? '',
          entra: result.entra,
          managedDevice: result.managedDevice,
        }),
        replacedManagedDeviceId: result.replacedManagedDeviceId,
        ...(change ? { TarmacHardwareChange: change } : {}),
      };
    },
  );

  app.post(
    '/oobe/v1/workplace-join',
    {
      config: { ...config, ...audited('workplaceJoin', 'Create', { ids: responseField('entraDevice.id'), tenant: (call) => responseField('tenantId')(call)[0] }) },
      schema: schema(
        'Device: workplace join (Entra registered, optionally MDM-only)',
        'Registers the PC in the Entra tenant of userPrincipalName’s domain (trustType Workplace, personal); with mdm: true also enrolls it in Intune ' +
          'as a personal device. Such devices are refused by Autopilot registration (814 / 897) until removed.',
        { 201: WorkplaceJoinResponse, ...oobeErrors(400, 404) },
      ),
    },
    async (request, reply) => {
      const body = request.body;
      const result = await workplaceJoin(app.registry.store, tenants, { hardwareHash: body.hardwareHash, userPrincipalName: body.userPrincipalName, mdm: body.mdm }, app.now());
      return reply.code(201).send({
        tenantId: result.tenantId,
        entraDevice: {
          id: result.entra.id,
          deviceId: result.entra.deviceId,
          displayName: result.entra.displayName,
          trustType: result.entra.trustType,
          deviceOwnership: result.entra.deviceOwnership,
          isManaged: result.entra.isManaged,
        },
        managedDevice: result.managedDevice
          ? {
              id: result.managedDevice.id,
              deviceName: result.managedDevice.deviceName,
              managedDeviceOwnerType: result.managedDevice.managedDeviceOwnerType,
              deviceEnrollmentType: result.managedDevice.deviceEnrollmentType,
              joinType: result.managedDevice.joinType,
            }
          : null,
      });
    },
  );

  app.post(
    '/oobe/v1/check-in',
    {
      config: { ...config, ...notAudited('the enrolled PC’s periodic check-in: lastSyncDateTime is device telemetry. Not yet recorded: the automatic hash capture of a flagged device it may do (the answer names no tenant)') },
      schema: schema(
        'Device: Intune check-in of an enrolled device',
        'Updates lastSyncDateTime; a device flagged automaticRemediationRequired has its new hardware hash captured (registered hash and keys replaced).',
        { 200: CheckInResponse, ...oobeErrors(400, 404) },
      ),
    },
    async (request, reply) => {
      const result = await checkIn(app.registry.store, { hardwareHash: request.body.hardwareHash }, app.now());
      flagChange(reply, result.hardware);
      const change = hardwareChange(result.hardware);
      return {
        autopilotDeviceId: result.device.id,
        remediationState: result.device.remediationState,
        ...(change ? { TarmacHardwareChange: change } : {}),
      };
    },
  );
};
