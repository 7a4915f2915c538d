// The audit log (issue 12, item 6): one append-only row per write — who (app or user), which tenant, when, what,
// before → after (JSON auditResource[] with modifiedProperties), the request's correlation id, Success or Failure.
//
// Append-only is enforced by the database, not only by the code: triggers reject UPDATE and DELETE (and, on
// PostgreSQL, TRUNCATE) on audit_events. Retention's purge is the one way to delete, and it opens the gate for its own
// transaction only:
// - SQLite: a row in `audit_purge_gate` lets the delete trigger through. The purge inserts it, deletes the old events
//   and deletes it again in one transaction, so no other connection ever sees it (one writer at a time, and nobody
//   reads uncommitted rows).
// - PostgreSQL: the trigger function lets a delete through when the transaction-local setting `tarmac.audit_purge` is
//   'on' (`set_config(…, true)`, gone at commit or rollback).
// This keeps the application (and anyone using the same SQL by mistake) from rewriting history; it does not stop a
// database owner who drops the trigger.
import { sql, type Kysely, type Migration } from 'kysely';
import { engineOf } from '../engine.js';
import { strictTable } from './helpers.js';

const APPEND_ONLY = 'audit_events is append-only: audit events cannot be changed or deleted (retention purges them: tarmac audit purge)';

export const auditEvents: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const strict = strictTable(db);
    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // No foreign key: the log outlives what it describes (and a cascade would be a delete the trigger refuses).
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('activity_at', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('component_name', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('activity_type', 'text', (c) => c.notNull())
      .addColumn('activity_operation_type', 'text', (c) => c.notNull())
      .addColumn('activity_result', 'text', (c) => c.notNull())
      .addColumn('correlation_id', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('http_method', 'text', (c) => c.notNull())
      .addColumn('http_path', 'text', (c) => c.notNull())
      .addColumn('http_status', 'integer', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_application_id', 'text')
      .addColumn('actor_user_id', 'text')
      .addColumn('actor_user_principal_name', 'text')
      // The rest of the auditActor (JSON): display names, permissions, IP address, remote tenant.
      .addColumn('actor', 'text', (c) => c.notNull())
      // JSON auditResource[] with their modifiedProperties (before → after).
      .addColumn('resources', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    // Listing: a tenant's events newest first (the default order), keyset-paged with the id as tiebreaker.
    await db.schema.createIndex('audit_events_tenant_time').on('audit_events').columns(['tenant_id', 'activity_at desc', 'id']).execute();
    await db.schema.createIndex('audit_events_tenant_correlation').on('audit_events').columns(['tenant_id', 'correlation_id']).execute();
    // Retention: the purge deletes by time across tenants.
    await db.schema.createIndex('audit_events_time').on('audit_events').column('activity_at').execute();

    if (engineOf(db) === 'postgres') {
      await sql
        .raw(
          `create function audit_events_append_only() returns trigger language plpgsql as $$
           begin
             if tg_op = 'DELETE' and current_setting('tarmac.audit_purge', true) = 'on' then return old; end if;
             raise exception '${APPEND_ONLY}' using errcode = 'P0001';
           end $$`,
        )
        .execute(db);
      await sql.raw('create trigger audit_events_no_update before update on audit_events for each row execute function audit_events_append_only()').execute(db);
      await sql.raw('create trigger audit_events_no_delete before delete on audit_events for each row execute function audit_events_append_only()').execute(db);
      await sql.raw('create trigger audit_events_no_truncate before truncate on audit_events for each statement execute function audit_events_append_only()').execute(db);
    } else {
      await sql.raw('create table audit_purge_gate (open integer primary key check (open = 1)) strict').execute(db);
      await sql.raw(`create trigger audit_events_no_update before update on audit_events begin select raise(abort, '${APPEND_ONLY}'); end`).execute(db);
      await sql
        .raw(
          `create trigger audit_events_no_delete before delete on audit_events when not exists (select 1 from audit_purge_gate) ` +
            `begin select raise(abort, '${APPEND_ONLY}'); end`,
        )
        .execute(db);
    }
  },

  async down(db: Kysely<unknown>): Promise<void> {
    if (engineOf(db) === 'postgres') {
      await db.schema.dropTable('audit_events').execute();
      await sql.raw('drop function audit_events_append_only()').execute(db);
    } else {
      await db.schema.dropTable('audit_events').execute();
      await db.schema.dropTable('audit_purge_gate').execute();
    }
  },
};
