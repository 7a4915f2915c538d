// The partner slice (issue 9): partner (CSP) and OEM organisations, their relationships with customers, and the
// Partner Center / OEM registration paths into the one registry.
// - tenants get a kind: a partner or an OEM is an organisation of its own, with apps, like a customer tenant;
// - a relationship (reseller for a CSP, oem for an OEM) is the customer's consent; revoking deletes it;
// - partner and OEM registrations go through the same import queue and worker as Graph imports: an import row
//   carries its origin (who submitted it), its job (the batch tracking id) and its Partner Center batch, and may
//   carry a tuple (manufacturer, model) instead of a hash;
// - a registered device remembers who registered it and through which batch; Partner Center sees only those;
// - device batches (Partner Center's named device lists), jobs (batch tracking ids) with the per-device outcomes
//   that never reach the queue (refused at submission, policy updates, OEM deregistrations), and Partner Center's
//   configuration policies.
import { sql, type Kysely, type Migration } from 'kysely';
import { strictTable } from './helpers.js';

export const partners: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const strict = strictTable(db);

    await db.schema
      .alterTable('tenants')
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('customer').check(sql`kind in ('customer', 'partner', 'oem')`))
      .execute();

    await db.schema
      .createTable('organization_relationships')
      .addColumn('partner_tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('customer_tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('reseller', 'oem')`))
      .addColumn('delegated_admin', 'integer', (c) => c.notNull().defaultTo(0).check(sql`delegated_admin in (0, 1)`))
      .addColumn('accepted_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('organization_relationships_pk', ['partner_tenant_id', 'customer_tenant_id'])
      .modifyEnd(strict)
      .execute();
    await db.schema
      .createIndex('organization_relationships_customer')
      .on('organization_relationships')
      .column('customer_tenant_id')
      .execute();

    for (const [name, build] of [
      ['manufacturer', ''],
      ['model', ''],
      ['origin', 'customer'],
      ['origin_tenant_id', null],
      ['job_id', null],
      ['job_position', null],
      ['batch_id', null],
    ] as const) {
      await db.schema
        .alterTable('imported_device_identities')
        .addColumn(name, name === 'job_position' ? 'integer' : 'text', (c) => (build === null ? c : c.notNull().defaultTo(build)))
        .execute();
    }
    // A job's status reads its rows; only partner and OEM rows have a job.
    await db.schema
      .createIndex('imported_device_identities_job')
      .on('imported_device_identities')
      .columns(['job_id', 'job_position'])
      .where(sql.ref('job_id'), 'is not', null)
      .execute();

    for (const [name, build] of [
      ['registered_by', 'customer'],
      ['registered_by_tenant_id', null],
      ['partner_batch_id', null],
      ['partner_policy_id', null],
    ] as const) {
      await db.schema
        .alterTable('autopilot_devices')
        .addColumn(name, 'text', (c) => (build === null ? c : c.notNull().defaultTo(build)))
        .execute();
    }
    // Partner Center lists a batch's devices in id order.
    await db.schema
      .createIndex('autopilot_devices_partner_batch')
      .on('autopilot_devices')
      .columns(['tenant_id', 'partner_batch_id', 'id'])
      .where(sql.ref('partner_batch_id'), 'is not', null)
      .execute();
    // A Partner Center policy's devicesAssignedCount counts the customer's devices that have it; most have none.
    await db.schema
      .createIndex('autopilot_devices_partner_policy')
      .on('autopilot_devices')
      .columns(['tenant_id', 'partner_policy_id'])
      .where(sql.ref('partner_policy_id'), 'is not', null)
      .execute();

    await db.schema
      .createTable('device_batches')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      // The partner's BatchId, as given; it is also the batch's id on the wire.
      .addColumn('name', 'text', (c) => c.notNull())
      // Lower-case name: one batch per name and customer (the PowerShell module compares names case-insensitively).
      .addColumn('name_key', 'text', (c) => c.notNull())
      .addColumn('created_by_tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('device_batches_customer_name', ['customer_tenant_id', 'name_key'])
      .modifyEnd(strict)
      .execute();

    await db.schema
      .createTable('device_jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // Null for an OEM call, which may name several customers.
      .addColumn('customer_tenant_id', 'text', (c) => c.references('tenants.id').onDelete('cascade'))
      .addColumn('submitted_by_tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('upload', 'policyUpdate', 'oemRegistration')`))
      .addColumn('batch_id', 'text', (c) => c.references('device_batches.id').onDelete('cascade'))
      // MS-RequestId of the call that created it: a retried call gets the same job back.
      .addColumn('request_id', 'text')
      .addColumn('device_count', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    await db.schema
      .createIndex('device_jobs_request')
      .on('device_jobs')
      .columns(['submitted_by_tenant_id', 'request_id'])
      .unique()
      .where(sql.ref('request_id'), 'is not', null)
      .execute();

    await db.schema
      .createTable('device_job_results')
      .addColumn('job_id', 'text', (c) => c.notNull().references('device_jobs.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('device_id', 'text')
      .addColumn('serial_number', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('product_key', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('finished', 'finished_with_errors')`))
      .addColumn('error_code', 'text')
      .addColumn('error_description', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_job_results_pk', ['job_id', 'position'])
      .modifyEnd(strict)
      .execute();

    await db.schema
      .createTable('partner_policies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('created_by_tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull().defaultTo('o_o_b_e'))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      // JSON array of PolicySettingsType names.
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('partner_policies_customer').on('partner_policies').columns(['customer_tenant_id', 'id']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('partner_policies').execute();
    await db.schema.dropTable('device_job_results').execute();
    await db.schema.dropTable('device_jobs').execute();
    await db.schema.dropTable('device_batches').execute();
    await db.schema.dropIndex('autopilot_devices_partner_policy').execute();
    await db.schema.dropIndex('autopilot_devices_partner_batch').execute();
    for (const name of ['partner_policy_id', 'partner_batch_id', 'registered_by_tenant_id', 'registered_by']) {
      await db.schema.alterTable('autopilot_devices').dropColumn(name).execute();
    }
    await db.schema.dropIndex('imported_device_identities_job').execute();
    for (const name of ['batch_id', 'job_position', 'job_id', 'origin_tenant_id', 'origin', 'model', 'manufacturer']) {
      await db.schema.alterTable('imported_device_identities').dropColumn(name).execute();
    }
    await db.schema.dropTable('organization_relationships').execute();
    await db.schema.alterTable('tenants').dropColumn('kind').execute();
  },
};
