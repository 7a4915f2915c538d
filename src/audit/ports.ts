// The audit log's entities (Graph's microsoft.graph.auditEvent, Intune's shape) and what the audit domain needs from
// storage. src/store/audit-repository.ts implements it on both engines; the table is append-only in the database.
import type { ListPage, ListQuery } from '../model/index.js';

/** Graph's auditActorType: who acted. A PC at OOBE is `deviceLocalUser` (no signed-in admin). */
export type AuditActorType = 'application' | 'user' | 'deviceLocalUser';

/** Graph's auditActor, plus remoteTenantId/remoteUserId (a partner or OEM acting on a customer). */
export interface AuditActor {
  /** Intune's actor kind: ItPro (a signed-in admin), Application, Partner (CSP or OEM), Device. */
  type: 'ItPro' | 'Application' | 'Partner' | 'Device';
  auditActorType: AuditActorType;
  /** The permissions the caller's token carried (app roles or delegated scopes). */
  userPermissions: string[];
  applicationId: string | null;
  applicationDisplayName: string | null;
  userPrincipalName: string | null;
  servicePrincipalName: string | null;
  ipAddress: string | null;
  userId: string | null;
  /** The partner (CSP) or OEM tenant that acted on this tenant's objects. */
  remoteTenantId: string | null;
  remoteUserId: string | null;
}

/** One changed property: values as JSON text (Graph's oldValue/newValue are strings); null when absent. */
export interface AuditProperty {
  displayName: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface AuditResource {
  displayName: string;
  /** The resource's Graph type, e.g. windowsAutopilotDeviceIdentity. */
  type: string;
  auditResourceType: string;
  resourceId: string;
  modifiedProperties: AuditProperty[];
}

export type AuditOperationType = 'Create' | 'Delete' | 'Patch' | 'Action';
export type AuditResult = 'Success' | 'Failure';

export interface AuditEvent {
  id: string;
  /** The tenant whose log holds the event (for a partner's or OEM's write: the customer's). */
  tenantId: string;
  /** ISO 8601 UTC, millisecond precision. */
  activityDateTime: string;
  displayName: string;
  componentName: string;
  category: string;
  /** e.g. "Patch WindowsAutopilotDeviceIdentity", "updateDeviceProperties WindowsAutopilotDeviceIdentity". */
  activityType: string;
  activityOperationType: AuditOperationType;
  activityResult: AuditResult;
  /** The client-request-id the caller sent (or, without one, Tarmac's request-id). */
  correlationId: string;
  /** Tarmac's request-id of the call. */
  requestId: string;
  /** The HTTP call behind the event: method, path (without the query) and status. */
  http: { method: string; path: string; status: number };
  actor: AuditActor;
  resources: AuditResource[];
}

export interface AuditRepository {
  /** Appends one event (the table takes no updates or deletes). */
  append(event: AuditEvent): Promise<void>;
  find(tenantId: string, id: string): Promise<AuditEvent | undefined>;
  /** A page of the tenant's events under an OData list query (model: auditEventModel). */
  list(tenantId: string, query: ListQuery): Promise<ListPage<AuditEvent>>;
  /** The distinct categories, or activity types (of one category, case-insensitive, when given), of the tenant's events; sorted. */
  distinct(tenantId: string, field: 'category' | 'activityType', category?: string): Promise<string[]>;
  /** Deletes every event (all tenants) older than `before` (ISO); how many went. The only delete the table allows. */
  purgeBefore(before: string): Promise<number>;
}
