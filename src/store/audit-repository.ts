// The audit log on both engines (port: src/audit/ports.ts). Rows are only ever inserted; the one delete is retention's
// purge, which opens the append-only trigger's gate for its own transaction (migration 0012 explains the gate).
import { sql } from 'kysely';
import type { AuditActor, AuditEvent, AuditOperationType, AuditRepository, AuditResource, AuditResult } from '../audit/ports.js';
import type { ListPage, ListQuery } from '../model/index.js';
import type { Engine } from './engine.js';
import { atomically, type Executor } from './executor.js';
import { listPage } from './list-query/compile.js';
import type { AuditEventsTable } from './schema.js';
import type { Selectable } from 'kysely';

type AuditEventRow = Selectable<AuditEventsTable>;

/** GUID-like values are stored lower-case so that `eq` compares them on their index (storedLowercase in the model). */
function lower(value: string | null): string | null {
  return value === null ? null : value.toLowerCase();
}

function rowOf(event: AuditEvent): AuditEventRow {
  return {
    id: event.id.toLowerCase(),
    tenant_id: event.tenantId,
    activity_at: event.activityDateTime,
    display_name: event.displayName,
    component_name: event.componentName,
    category: event.category,
    activity_type: event.activityType,
    activity_operation_type: event.activityOperationType,
    activity_result: event.activityResult,
    correlation_id: event.correlationId.toLowerCase(),
    request_id: event.requestId,
    http_method: event.http.method,
    http_path: event.http.path,
    http_status: event.http.status,
    actor_type: event.actor.auditActorType,
    actor_application_id: lower(event.actor.applicationId),
    actor_user_id: lower(event.actor.userId),
    actor_user_principal_name: event.actor.userPrincipalName,
    actor: JSON.stringify(event.actor),
    resources: JSON.stringify(event.resources),
  };
}

function eventOf(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    activityDateTime: row.activity_at,
    displayName: row.display_name,
    componentName: row.component_name,
    category: row.category,
    activityType: row.activity_type,
    activityOperationType: row.activity_operation_type as AuditOperationType,
    activityResult: row.activity_result as AuditResult,
    correlationId: row.correlation_id,
    requestId: row.request_id,
    http: { method: row.http_method, path: row.http_path, status: Number(row.http_status) },
    actor: JSON.parse(row.actor) as AuditActor,
    resources: JSON.parse(row.resources) as AuditResource[],
  };
}

export class KyselyAuditRepository implements AuditRepository {
  constructor(
    private readonly db: Executor,
    private readonly engine: Engine,
  ) {}

  async append(event: AuditEvent): Promise<void> {
    await this.db.insertInto('audit_events').values(rowOf(event)).execute();
  }

  async find(tenantId: string, id: string): Promise<AuditEvent | undefined> {
    const row = await this.db.selectFrom('audit_events').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id.toLowerCase()).executeTakeFirst();
    return row ? eventOf(row) : undefined;
  }

  async list(tenantId: string, query: ListQuery): Promise<ListPage<AuditEvent>> {
    const base = this.db.selectFrom('audit_events').selectAll('audit_events').where('audit_events.tenant_id', '=', tenantId);
    return listPage(base, query, this.engine, (rows) => rows.map(eventOf), { tenantId, db: this.db });
  }

  async distinct(tenantId: string, field: 'category' | 'activityType', category?: string): Promise<string[]> {
    const column = field === 'category' ? 'category' : 'activity_type';
    let q = this.db.selectFrom('audit_events').select(column).distinct().where('tenant_id', '=', tenantId);
    if (category !== undefined) q = q.where(sql<string>`lower(category)`, '=', category.toLowerCase());
    const rows = await q.orderBy(column).execute();
    return rows.map((r) => (r as Record<string, string>)[column] ?? '');
  }

  async purgeBefore(before: string): Promise<number> {
    return atomically(this.db, async (trx) => {
      await setAuditDeletes(trx, this.engine, true);
      const result = await trx.deleteFrom('audit_events').where('activity_at', '<', before).executeTakeFirst();
      await setAuditDeletes(trx, this.engine, false);
      return Number(result.numDeletedRows);
    });
  }
}

/**
 * Opens (or closes) the append-only trigger's gate for deletes from audit_events, for the transaction `trx` only
 * (migration 0012): retention's purge, and a restore that replaces the whole database (restore --force) use it.
 * Call it inside a transaction; the gate must be closed again before commit on SQLite (its gate is a row).
 */
export async function setAuditDeletes(trx: Executor, engine: Engine, open: boolean): Promise<void> {
  if (!trx.isTransaction) throw new Error('setAuditDeletes: only inside a transaction');
  if (engine === 'postgres') {
    await sql`select set_config('tarmac.audit_purge', ${open ? 'on' : 'off'}, true)`.execute(trx);
  } else if (open) {
    await trx.insertInto('audit_purge_gate').values({ open: 1 }).onConflict((oc) => oc.doNothing()).execute();
  } else {
    await trx.deleteFrom('audit_purge_gate').execute();
  }
}
