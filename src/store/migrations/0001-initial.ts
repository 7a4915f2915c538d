// The first schema: tenants, apps and secrets, signing keys, and the registry tables the next slices fill
// (Autopilot devices, the global identity-key registry, imported device identities, Entra devices).
// See ../schema.ts for the column conventions shared by both engines.
import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, strictTable } from './helpers.js';

export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    const strict = strictTable(db);

    await db.schema
      .createTable('tenants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();

    await db.schema
      .createTable('tenant_domains')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('is_initial', 'integer', (c) => c.notNull().defaultTo(0).check(sql`is_initial in (0, 1)`))
      .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0).check(sql`is_default in (0, 1)`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('tenant_domains_tenant').on('tenant_domains').column('tenant_id').execute();

    await db.schema
      .createTable('apps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('client_id', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('apps_tenant').on('apps').columns(['tenant_id', 'created_at']).execute();

    await db.schema
      .createTable('app_secrets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
      .addColumn('hint', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('app_secrets_app').on('app_secrets').column('app_id').execute();

    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('alg', 'text', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('private_pkcs8', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('retired_at', 'text')
      .modifyEnd(strict)
      .execute();

    await db.schema
      .createTable('autopilot_devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('serial_number', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('product_key', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('manufacturer', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('model', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('group_tag', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('purchase_order_identifier', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('enrollment_state', 'text', (c) => c.notNull().defaultTo('notContacted'))
      .addColumn('last_contacted_at', 'text')
      .addColumn('addressable_user_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('user_principal_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('resource_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('sku_number', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('system_family', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('azure_ad_device_id', 'text')
      .addColumn('managed_device_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    // Keyset paging within a tenant walks (tenant_id, id); serial lookups and prefix filters use the second index.
    await db.schema.createIndex('autopilot_devices_tenant_id').on('autopilot_devices').columns(['tenant_id', 'id']).execute();
    await db.schema
      .createIndex('autopilot_devices_tenant_serial')
      .on('autopilot_devices')
      .columns(['tenant_id', 'serial_number'])
      .execute();

    await db.schema
      .createTable('autopilot_device_hashes')
      .addColumn('device_id', 'text', (c) => c.primaryKey().references('autopilot_devices.id').onDelete('cascade'))
      .addColumn('hardware_hash', t.blob, (c) => c.notNull())
      .modifyEnd(strict)
      .execute();

    await db.schema
      .createTable('device_identity_keys')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('device_id', 'text', (c) => c.notNull().references('autopilot_devices.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_identity_keys_pk', ['kind', 'value'])
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('device_identity_keys_device').on('device_identity_keys').column('device_id').execute();

    await db.schema
      .createTable('imported_device_identities')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('import_id', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('group_tag', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('serial_number', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('product_key', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('hardware_identifier', t.blob)
      .addColumn('assigned_user_principal_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('import_status', 'text', (c) =>
        c
          .notNull()
          .defaultTo('unknown')
          .check(sql`import_status in ('unknown', 'pending', 'partial', 'complete', 'error')`),
      )
      .addColumn('device_registration_id', 'text')
      .addColumn('device_error_code', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('device_error_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('lease_until', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    await db.schema
      .createIndex('imported_device_identities_tenant_id')
      .on('imported_device_identities')
      .columns(['tenant_id', 'id'])
      .execute();
    // The worker's queue: rows still to process, oldest first.
    await db.schema
      .createIndex('imported_device_identities_queue')
      .on('imported_device_identities')
      .columns(['import_status', 'created_at'])
      .execute();

    await db.schema
      .createTable('entra_devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('device_id', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('operating_system', 'text', (c) => c.notNull().defaultTo('Windows'))
      .addColumn('operating_system_version', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('account_enabled', 'integer', (c) => c.notNull().defaultTo(1).check(sql`account_enabled in (0, 1)`))
      .addColumn('trust_type', 'text')
      .addColumn('profile_type', 'text')
      .addColumn('enrollment_profile_name', 'text')
      .addColumn('autopilot_device_id', 'text', (c) => c.references('autopilot_devices.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('entra_devices_tenant_id').on('entra_devices').columns(['tenant_id', 'id']).execute();
    await db.schema.createIndex('entra_devices_autopilot').on('entra_devices').column('autopilot_device_id').execute();

    await db.schema
      .createTable('entra_device_physical_ids')
      .addColumn('entra_device_id', 'text', (c) => c.notNull().references('entra_devices.id').onDelete('cascade'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('entra_device_physical_ids_pk', ['entra_device_id', 'value'])
      .modifyEnd(strict)
      .execute();
    // physicalIds/any(p: startswith(p, '[ZTDID]')) and lookups of one [ZTDID]:<id> within a tenant.
    await db.schema
      .createIndex('entra_device_physical_ids_tenant_value')
      .on('entra_device_physical_ids')
      .columns(['tenant_id', 'value'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'entra_device_physical_ids',
      'entra_devices',
      'imported_device_identities',
      'device_identity_keys',
      'autopilot_device_hashes',
      'autopilot_devices',
      'signing_keys',
      'app_secrets',
      'apps',
      'tenant_domains',
      'tenants',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
