// `tarmac audit [list]` and `tarmac audit purge`: the audit log of the configured database, offline like `tarmac tenant
// list` (works while the server runs). list: newest first, filtered by tenant, time, category, correlation id; a table
// for people, --json (Graph's auditEvent shape) for scripts. purge: deletes what retention no longer keeps, the same
// purge the server runs hourly.
import { purgeAuditEvents, type AuditEvent } from '../../audit/index.js';
import type { FilterNode, ListQuery } from '../../model/index.js';
import { withStores } from '../../server/cli-support.js';
import { auditEventModel } from '../../store/index.js';
import { TenantsError, findTenant } from '../../tenants/index.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput } from '../output.js';

export interface AuditListOptions {
  tenant?: string;
  since?: string;
  until?: string;
  category?: string;
  correlationId?: string;
  top?: string;
  json?: boolean;
}

export interface AuditPurgeOptions {
  retentionDays?: string;
  json?: boolean;
}

/** A wrong option value: exit code 1, checked before the database is opened. */
class UsageError extends Error {}

function usage(out: ReturnType<typeof createOutput>, json: boolean | undefined, err: unknown): ExitCode {
  if (!(err instanceof UsageError)) throw err;
  if (json) out.json({ error: { code: 'InvalidInput', message: err.message } });
  else out.error(`error: ${err.message}`);
  return 1;
}

/** `2026-12-01`, `2026-12-01T10:00:00Z`, or a span back from now: `30m`, `12h`, `7d`. */
export function parseWhen(text: string, option: string, now: Date): string {
  const span = /^(\d+)([mhd])$/.exec(text.trim());
  if (span) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[span[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(span[1]) * unit).toISOString();
  }
  const time = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text.trim()) ? new Date(text.trim()) : new Date(NaN);
  if (Number.isNaN(time.getTime())) {
    throw new UsageError(`${option} '${text}' is not a time: give an ISO date or time (2026-12-01, 2026-12-01T10:00:00Z) or a span back from now (30m, 12h, 7d).`);
  }
  return time.toISOString();
}

function and(nodes: FilterNode[]): FilterNode | undefined {
  return nodes.reduce<FilterNode | undefined>((left, right) => (left ? { kind: 'and', left, right } : right), undefined);
}

/** The list query of the options: the store's own query type, newest first. */
function queryOf(options: AuditListOptions, now: Date, top: number): ListQuery {
  const conditions: FilterNode[] = [];
  if (options.since !== undefined) conditions.push({ kind: 'compare', op: 'ge', property: 'activityDateTime', value: parseWhen(options.since, '--since', now) });
  if (options.until !== undefined) conditions.push({ kind: 'compare', op: 'le', property: 'activityDateTime', value: parseWhen(options.until, '--until', now) });
  if (options.category !== undefined) conditions.push({ kind: 'compare', op: 'eq', property: 'category', value: options.category });
  if (options.correlationId !== undefined) conditions.push({ kind: 'compare', op: 'eq', property: 'correlationId', value: options.correlationId });
  return {
    model: auditEventModel,
    filter: and(conditions),
    top,
    skip: 0,
    orderBy: [{ property: 'activityDateTime', column: 'activity_at', type: 'dateTime', nullable: false, direction: 'desc' }],
    select: undefined,
    count: false,
    skipToken: undefined,
    fingerprint: 'cli',
  };
}

function wholeNumber(text: string | undefined, option: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max) throw new UsageError(`${option} must be a whole number from 1 to ${max}; got '${text}'.`);
  return n;
}

export async function auditList(options: AuditListOptions = {}): Promise<ExitCode> {
  const out = createOutput();
  let top: number;
  let query: ListQuery;
  try {
    top = wholeNumber(options.top, '--top', 100, 10_000);
    query = queryOf(options, new Date(), top);
  } catch (err) {
    return usage(out, options.json, err);
  }
  return withStores(out, options.json, async ({ tenants, store }) => {
    let scope;
    if (options.tenant !== undefined) {
      const tenant = await findTenant(tenants, options.tenant);
      if (!tenant) throw new TenantsError('TenantNotFound', `No tenant '${options.tenant}' in this database. List them with: tarmac tenant list`);
      scope = [tenant];
    } else {
      scope = await tenants.tenants.list();
    }
    // Each tenant's newest `top`, then the newest `top` of them all.
    const pages = await Promise.all(scope.map((t) => store.audit.list(t.id, query)));
    const events = pages
      .flatMap((p) => p.items)
      .sort((a, b) => b.activityDateTime.localeCompare(a.activityDateTime) || a.id.localeCompare(b.id))
      .slice(0, top);
    if (options.json) {
      out.json(events);
      return 0;
    }
    if (events.length === 0) {
      out.line('No audit events match.');
      return 0;
    }
    out.table(
      ['time', 'tenant', 'activity', 'result', 'actor', 'resources', 'correlation id'],
      events.map((e) => [e.activityDateTime, e.tenantId, e.activityType, e.activityResult, actorOf(e), resourcesOf(e), e.correlationId]),
    );
    return 0;
  });
}

function actorOf(e: AuditEvent): string {
  const a = e.actor;
  const who = a.userPrincipalName ?? a.applicationDisplayName ?? a.applicationId ?? a.ipAddress ?? a.type;
  return a.remoteTenantId ? `${who} (partner ${a.remoteTenantId})` : who;
}

function resourcesOf(e: AuditEvent): string {
  const shown = e.resources.slice(0, 3).map((r) => {
    const changed = r.modifiedProperties.map((p) => p.displayName);
    return changed.length > 0 && changed.length <= 4 ? `${r.resourceId} (${changed.join(', ')})` : r.resourceId;
  });
  return e.resources.length > 3 ? `${shown.join(', ')} +${e.resources.length - 3}` : shown.join(', ');
}

export async function auditPurge(options: AuditPurgeOptions = {}): Promise<ExitCode> {
  const out = createOutput();
  let given: number | undefined;
  try {
    given = options.retentionDays === undefined ? undefined : wholeNumber(options.retentionDays, '--retention-days', 0, 36_500);
  } catch (err) {
    return usage(out, options.json, err);
  }
  return withStores(out, options.json, async ({ store }, config) => {
    const days = given ?? config.auditRetentionDays;
    const purged = await purgeAuditEvents(store.audit, new Date(), days);
    if (options.json) out.json({ purged, retentionDays: days });
    else out.line(`Purged ${purged} audit event${purged === 1 ? '' : 's'} older than ${days} day${days === 1 ? '' : 's'}.`);
    return 0;
  });
}

