// The audit log's operations: build an event (who, tenant, when, what, before → after, correlation), and purge what
// retention no longer keeps. Callers (the HTTP audit hook, the CLI) decide what to record; this decides its shape.
import { newObjectId } from '../model/index.js';
import type { AuditActor, AuditEvent, AuditOperationType, AuditProperty, AuditRepository, AuditResource, AuditResult } from './ports.js';

/** Intune keeps audit events for one year; so does Tarmac unless TARMAC_AUDIT_RETENTION_DAYS says otherwise. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

/** A resource as its writer saw it: its state before and after (undefined: did not exist / not known). */
export interface ResourceChange {
  type: string;
  id: string;
  displayName?: string | undefined;
  before?: Record<string, unknown> | undefined;
  after?: Record<string, unknown> | undefined;
}

export interface NewAuditEvent {
  tenantId: string;
  at: Date;
  category: string;
  componentName: string;
  operation: AuditOperationType;
  /** The action's name (updateDeviceProperties, …) for an Action; default: the operation. */
  activity?: string | undefined;
  /** The resource type the call is about (in the display name even when no resource could be named). */
  resourceType: string;
  result: AuditResult;
  correlationId: string;
  requestId: string;
  http: { method: string; path: string; status: number };
  actor: AuditActor;
  resources: ResourceChange[];
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** A value as audit text: strings as they are, everything else as JSON; undefined and null as null. */
function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/**
 * The properties that differ between `before` and `after` (top level, compared as audit text), in key order. A
 * creation lists every property with oldValue null, a deletion every property with newValue null.
 */
export function modifiedProperties(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): AuditProperty[] {
  const names = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  const out: AuditProperty[] = [];
  for (const displayName of names) {
    const oldValue = text(before?.[displayName]);
    const newValue = text(after?.[displayName]);
    if (oldValue !== newValue) out.push({ displayName, oldValue, newValue });
  }
  return out;
}

function resourceOf(change: ResourceChange): AuditResource {
  const state = change.after ?? change.before;
  const named = state?.['displayName'] ?? state?.['serialNumber'] ?? state?.['name'];
  return {
    displayName: change.displayName ?? (typeof named === 'string' && named !== '' ? named : change.id),
    type: change.type,
    auditResourceType: change.type,
    resourceId: change.id,
    modifiedProperties: modifiedProperties(change.before, change.after),
  };
}

export function newAuditEvent(input: NewAuditEvent): AuditEvent {
  const activityType = `${input.activity ?? input.operation} ${pascal(input.resourceType)}`;
  return {
    id: newObjectId(),
    tenantId: input.tenantId,
    activityDateTime: input.at.toISOString(),
    displayName: activityType,
    componentName: input.componentName,
    category: input.category,
    activityType,
    activityOperationType: input.operation,
    activityResult: input.result,
    correlationId: input.correlationId,
    requestId: input.requestId,
    http: input.http,
    actor: input.actor,
    resources: input.resources.map(resourceOf),
  };
}

/** The oldest time retention keeps: `now` minus `retentionDays`. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * 86_400_000);
}

/** Deletes the events older than the retention period (0 days keeps nothing older than now). How many went. */
export function purgeAuditEvents(repository: AuditRepository, now: Date, retentionDays: number): Promise<number> {
  return repository.purgeBefore(retentionCutoff(now, retentionDays).toISOString());
}

export function findAuditEvent(repository: AuditRepository, tenantId: string, id: string): Promise<AuditEvent | undefined> {
  return repository.find(tenantId, id);
}
