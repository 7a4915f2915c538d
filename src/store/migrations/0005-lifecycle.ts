// The lifecycle slice (issue 4): what happens around and after registration.
// - Entra devices learn ownership and management (joined, registered, MDM);
// - Intune managed devices;
// - identity keys of Entra/Intune objects created from a hash (workplace join, enrollment), for the registration
//   guardrails (814 and the MDM-only refusal) and hardware matching;
// - groups with dynamic device rules, and their members;
// - deployment profiles and their assignments, and each Autopilot device's resolved profile and remediation state.
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import { strictTable } from './helpers.js';

export const lifecycle: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const strict = strictTable(db);

    await db.schema
      .alterTable('entra_devices')
      .addColumn('device_ownership', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('entra_devices')
      .addColumn('is_managed', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('entra_devices').addColumn('management_type', 'text').execute();
    await db.schema.alterTable('entra_devices').addColumn('mdm_app_id', 'text').execute();
    await db.schema.alterTable('entra_devices').addColumn('approximate_last_sign_in_at', 'text').execute();
    await db.schema.createIndex('entra_devices_trust_type').on('entra_devices').columns(['tenant_id', 'trust_type']).execute();

    for (const [name, type, build] of [
      ['deployment_profile_id', 'text', null],
      ['intended_deployment_profile_id', 'text', null],
      ['deployment_profile_assignment_status', 'text', 'notAssigned'],
      ['deployment_profile_assigned_at', 'text', null],
      ['delivered_profile_id', 'text', null],
      ['remediation_state', 'text', 'noRemediationRequired'],
      ['remediation_state_modified_at', 'text', null],
    ] as const) {
      await db.schema
        .alterTable('autopilot_devices')
        .addColumn(name, type, (c) => (build === null ? c : c.notNull().defaultTo(build)))
        .execute();
    }

    await db.schema
      .createTable('managed_devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('device_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('managed_device_owner_type', 'text', (c) => c.notNull().defaultTo('unknown'))
      .addColumn('device_enrollment_type', 'text', (c) => c.notNull().defaultTo('unknown'))
      .addColumn('join_type', 'text', (c) => c.notNull().defaultTo('unknown'))
      .addColumn('management_agent', 'text', (c) => c.notNull().defaultTo('mdm'))
      .addColumn('operating_system', 'text', (c) => c.notNull().defaultTo('Windows'))
      .addColumn('os_version', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('serial_number', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('manufacturer', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('model', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('azure_ad_device_id', 'text')
      .addColumn('user_principal_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('enrollment_profile_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('compliance_state', 'text', (c) => c.notNull().defaultTo('unknown'))
      .addColumn('autopilot_enrolled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('autopilot_device_id', 'text', (c) => c.references('autopilot_devices.id').onDelete('set null'))
      .addColumn('enrolled_at', 'text', (c) => c.notNull())
      .addColumn('last_sync_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('managed_devices_tenant_id').on('managed_devices').columns(['tenant_id', 'id']).execute();
    await db.schema.createIndex('managed_devices_autopilot').on('managed_devices').column('autopilot_device_id').execute();
    await db.schema.createIndex('managed_devices_aad').on('managed_devices').column('azure_ad_device_id').execute();

    // Identity keys (same kinds and values as device_identity_keys) of objects made from a device's hash.
    await db.schema
      .createTable('neighbour_hardware_keys')
      .addColumn('object_type', 'text', (c) => c.notNull().check(sql`object_type in ('entraDevice', 'managedDevice')`))
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('neighbour_hardware_keys_pk', ['object_type', 'object_id', 'kind'])
      .modifyEnd(strict)
      .execute();
    await db.schema
      .createIndex('neighbour_hardware_keys_key')
      .on('neighbour_hardware_keys')
      .columns(['kind', 'value', 'tenant_id'])
      .execute();

    await db.schema
      .createTable('groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('mail_nickname', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('mail_enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('security_enabled', 'integer', (c) => c.notNull().defaultTo(1))
      /** JSON array, e.g. ["DynamicMembership"]. */
      .addColumn('group_types', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('membership_rule', 'text')
      /** On | Paused (only for dynamic groups). */
      .addColumn('membership_rule_processing_state', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('groups_tenant_id').on('groups').columns(['tenant_id', 'id']).execute();

    await db.schema
      .createTable('group_members')
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      /** Object id of the member (an Entra device). */
      .addColumn('member_id', 'text', (c) => c.notNull().references('entra_devices.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'member_id'])
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('group_members_member').on('group_members').column('member_id').execute();

    await db.schema
      .createTable('deployment_profiles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      /** #microsoft.graph.azureADWindowsAutopilotDeploymentProfile or …activeDirectoryWindowsAutopilotDeploymentProfile. */
      .addColumn('odata_type', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      /** The rest of the resource (OOBE settings, name template, locale, …) as JSON. */
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_modified_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('deployment_profiles_tenant_created').on('deployment_profiles').columns(['tenant_id', 'created_at']).execute();

    await db.schema
      .createTable('deployment_profile_assignments')
      /** `<profileId>_<groupId>` (the all-devices target uses its well-known group id). */
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('profile_id', 'text', (c) => c.notNull().references('deployment_profiles.id').onDelete('cascade'))
      /** group | allDevices | exclusionGroup */
      .addColumn('target_type', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text')
      /** The Graph target object as JSON (with assignment filter id/type). */
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull().defaultTo('direct'))
      .addColumn('source_id', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('deployment_profile_assignments_profile').on('deployment_profile_assignments').column('profile_id').execute();
    await db.schema
      .createIndex('deployment_profile_assignments_group')
      .on('deployment_profile_assignments')
      .columns(['tenant_id', 'group_id'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['deployment_profile_assignments', 'deployment_profiles', 'group_members', 'groups', 'neighbour_hardware_keys', 'managed_devices']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
    for (const column of [
      'remediation_state_modified_at',
      'remediation_state',
      'delivered_profile_id',
      'deployment_profile_assigned_at',
      'deployment_profile_assignment_status',
      'intended_deployment_profile_id',
      'deployment_profile_id',
    ]) {
      await db.schema.alterTable('autopilot_devices').dropColumn(column).execute();
    }
    await db.schema.dropIndex('entra_devices_trust_type').ifExists().execute();
    for (const column of ['approximate_last_sign_in_at', 'mdm_app_id', 'management_type', 'is_managed', 'device_ownership']) {
      await db.schema.alterTable('entra_devices').dropColumn(column).execute();
    }
  },
};
