// What each mutating route records in the audit log (route config `audit`), and the catalog of audited resources:
// their Graph type, Intune category and component, and how to read a resource's state for before → after.
// src/http/plugins/audit.ts applies them; every POST/PATCH/PUT/DELETE route must carry one (or say why it is not
// audited), or the app refuses to start.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditOperationType } from '../audit/index.js';
import type { Store } from '../ports.js';

/** Reads one resource's state (undefined: it does not exist), for the before and after of an event. */
type Load = (store: Store, tenantId: string, id: string, params: Record<string, string>) => Promise<object | null | undefined>;

interface ResourceKind {
  category: string;
  component: string;
  load?: Load;
}

/** The audited resources, by Graph type (or Partner Center's / Tarmac's name for resources outside Graph). */
export const AUDITED_RESOURCES = {
  windowsAutopilotDeviceIdentity: { category: 'Enrollment', component: 'Enrollment', load: (s, t, id) => s.devices.find(t, id) },
  importedWindowsAutopilotDeviceIdentity: { category: 'Enrollment', component: 'Enrollment', load: (s, t, id) => s.imports.find(t, id) },
  windowsAutopilotDeploymentProfile: { category: 'Enrollment', component: 'Enrollment', load: (s, t, id) => s.profiles.find(t, id) },
  windowsAutopilotDeploymentProfileAssignment: {
    category: 'Enrollment',
    component: 'Enrollment',
    load: (s, t, id, params) => (params['id'] ? s.profiles.findAssignment(t, params['id'], id) : Promise.resolve(undefined)),
  },
  windowsAutopilotSettings: { category: 'Enrollment', component: 'Enrollment', load: (s, t) => s.settings.get(t) },
  device: { category: 'Device', component: 'Directory', load: (s, t, id) => s.entra.find(t, id) },
  group: { category: 'GroupManagement', component: 'Directory', load: (s, t, id) => s.directory.findGroup(t, id) },
  groupMember: { category: 'GroupManagement', component: 'Directory' },
  managedDevice: { category: 'Device', component: 'DeviceManagement', load: (s, t, id) => s.intune.find(t, id) },
  partnerRelationship: { category: 'Role', component: 'Directory', load: (s, t, partnerId) => s.relationships.find(partnerId, t) },
  // Partner Center (/v1) and the OEM API (/oem/v1).
  deviceBatch: { category: 'Enrollment', component: 'PartnerCenter' },
  partnerCenterDevice: { category: 'Enrollment', component: 'PartnerCenter' },
  configurationPolicy: { category: 'Enrollment', component: 'PartnerCenter', load: (s, t, id) => s.partnerPolicies.find(t, id) },
  devicePolicyUpdate: { category: 'Enrollment', component: 'PartnerCenter' },
  oemDeviceRegistration: { category: 'Enrollment', component: 'OemRegistration' },
  // The PC's own writes at OOBE.
  autopilotEnrollment: { category: 'Enrollment', component: 'Oobe' },
  workplaceJoin: { category: 'Device', component: 'Oobe' },
} satisfies Record<string, ResourceKind>;

export type AuditedResource = keyof typeof AUDITED_RESOURCES;

/** What a request and its answer say: route parameters, the parsed request body, the parsed response body. */
export interface AuditCall {
  request: FastifyRequest;
  /** Undefined before the handler ran. */
  reply: FastifyReply | undefined;
  params: Record<string, string>;
  body: unknown;
  response: unknown;
}

export interface AuditSpec {
  resource: AuditedResource;
  operation: AuditOperationType;
  /** For an Action: its name (updateDeviceProperties, …). */
  activity?: string;
  /** The ids of the resources the call writes. Default: the `id` route parameter, else the response body's `id`. */
  ids?: (call: AuditCall) => string[];
  /** The tenant whose log holds the event when the caller does not say it (the PC's calls): from the answer. */
  tenant?: (call: AuditCall) => string | undefined;
}

/** A mutating route that records nothing must say why. */
export interface AuditSkip {
  skip: string;
}

export type AuditConfig = AuditSpec | AuditSkip;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route records in the audit log (src/http/plugins/audit.ts); required on POST/PATCH/PUT/DELETE. */
    audit?: AuditConfig;
  }
}

export function resourceKind(resource: AuditedResource): ResourceKind {
  return AUDITED_RESOURCES[resource];
}

/** `{ audit: … }` for a route's config. */
export function audited(resource: AuditedResource, operation: AuditOperationType, options: Omit<AuditSpec, 'resource' | 'operation'> = {}): { audit: AuditSpec } {
  return { audit: { resource, operation, ...options } };
}

/** `{ audit: { skip } }`: a mutating route that changes nothing worth recording, and why. */
export function notAudited(reason: string): { audit: AuditSkip } {
  return { audit: { skip: reason } };
}

/** An action of the spec: `audited(resource, 'Action', { activity })`. */
export function auditedAction(resource: AuditedResource, activity: string, options: Omit<AuditSpec, 'resource' | 'operation' | 'activity'> = {}): { audit: AuditSpec } {
  return audited(resource, 'Action', { activity, ...options });
}

/** A string field of the parsed response body (nested with dots), as the one id of the call. */
export function responseField(path: string): (call: AuditCall) => string[] {
  return (call) => {
    let value: unknown = call.response;
    for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' && value !== '' ? [value] : [];
  };
}

/** The `field` of every element of the response's `value` array (a collection answer). */
export function responseValues(field: string): (call: AuditCall) => string[] {
  return (call) => {
    const value = (call.response as { value?: unknown } | undefined)?.value;
    if (!Array.isArray(value)) return [];
    return value.map((v) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[field] : undefined)).filter((v): v is string => typeof v === 'string' && v !== '');
  };
}

/** A route parameter, as the one id of the call. */
export function param(name: string): (call: AuditCall) => string[] {
  return (call) => {
    const value = call.params[name];
    return value !== undefined && value !== '' ? [value] : [];
  };
}

/** A string field of the request body, as the one id of the call. */
export function bodyField(name: string): (call: AuditCall) => string[] {
  return (call) => {
    const value = call.body !== null && typeof call.body === 'object' ? (call.body as Record<string, unknown>)[name] : undefined;
    return typeof value === 'string' && value !== '' ? [value] : [];
  };
}

/** The last path segment of the body's `@odata.id` (a $ref's object id). */
export function referencedId(call: AuditCall): string[] {
  const ref = call.body !== null && typeof call.body === 'object' ? (call.body as Record<string, unknown>)['@odata.id'] : undefined;
  const id = typeof ref === 'string' ? ref.split('/').filter(Boolean).pop() : undefined;
  return id ? [id] : [];
}

/** A response header (e.g. Location), its last path segment as the one id of the call. */
export function locationId(call: AuditCall): string[] {
  const location = call.reply?.getHeader('location');
  const id = typeof location === 'string' ? location.split('/').filter(Boolean).pop() : undefined;
  return id ? [id] : [];
}
