// The registry slice: who holds an import row's lease (so a worker only settles rows it still owns), the beta-only
// device property the registry writes (userlessEnrollmentStatus), and per-tenant Autopilot sync state
// (windowsAutopilotSettings).
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import { strictTable } from './helpers.js';

export const registry: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // A random token per claim; lease_until says when the claim lapses and another worker may take the row.
    await db.schema.alterTable('imported_device_identities').addColumn('lease_owner', 'text').execute();

    await db.schema
      .alterTable('autopilot_devices')
      .addColumn('userless_enrollment_status', 'text', (c) => c.notNull().defaultTo('unknown'))
      .execute();

    await db.schema
      .createTable('autopilot_settings')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
      .addColumn('sync_status', 'text', (c) =>
        c.notNull().defaultTo('unknown').check(sql`sync_status in ('unknown', 'inProgress', 'completed', 'failed')`),
      )
      .addColumn('last_sync_at', 'text')
      .addColumn('last_manual_sync_trigger_at', 'text')
      .modifyEnd(strictTable(db))
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('autopilot_settings').ifExists().execute();
    await db.schema.alterTable('autopilot_devices').dropColumn('userless_enrollment_status').execute();
    await db.schema.alterTable('imported_device_identities').dropColumn('lease_owner').execute();
  },
};
