// The list seams: one function per collection, turning a request's OData options into a page of domain objects.
// Reads only; they use the OData library (src/http/odata) on the tables the registry store writes.
import type { FastifyRequest } from 'fastify';
import type { SelectQueryBuilder } from 'kysely';
import {
  autopilotDeviceModel,
  buildNextLink,
  countRows,
  fetchPage,
  parseListQuery,
  type EntityModel,
  type ListQueryOptions,
  type ParsedListQuery,
} from '../../odata/index.js';
import { autopilotDeviceFromRow, engineOf, importedDeviceFromRow, toEntraDevices } from '../../../store/index.js';
import type { AutopilotDevice, EntraDevice, ImportedDevice } from '../../../registry/index.js';
import type { Group } from '../../../directory/ports.js';
import { groupFromRow } from '../../../store/directory-store.js';
import type { DeploymentProfile } from '../../../profiles/ports.js';
import { deploymentProfileFromRow } from '../../../store/profile-store.js';
import type { TarmacApp } from '../../types.js';
import { requestUrl } from './graph-support.js';

/** Page size without $top, and the largest $top (Graph's Intune collections page at 1000). */
export const PAGE_OPTIONS = { defaultTop: 100, maxTop: 1000 };

export interface ListResult<T> {
  parsed: ParsedListQuery;
  items: T[];
  nextLink: string | undefined;
  count: number | undefined;
}

const text = { type: 'string', sortable: true } as const;
/** Intune string properties: NOT NULL, "" when unset (`eq null` matches ""). */
const intuneText = { ...text, emptyIsNull: true } as const;

export const importedDeviceModel: EntityModel = {
  name: 'importedWindowsAutopilotDeviceIdentity',
  table: 'imported_device_identities',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true },
    importId: { ...intuneText, column: 'import_id' },
    groupTag: { ...intuneText, column: 'group_tag' },
    serialNumber: { ...intuneText, column: 'serial_number' },
    productKey: { ...intuneText, column: 'product_key' },
    assignedUserPrincipalName: { ...intuneText, column: 'assigned_user_principal_name' },
    hardwareIdentifier: { column: 'hardware_identifier', type: 'string', filterable: false },
    state: { column: 'import_status', type: 'string', filterable: false },
  },
};

export const entraDeviceModel: EntityModel = {
  name: 'device',
  table: 'entra_devices',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true },
    deviceId: { column: 'device_id', type: 'string', storedLowercase: true, sortable: true },
    displayName: { ...text, column: 'display_name' },
    operatingSystem: { ...text, column: 'operating_system' },
    operatingSystemVersion: { ...text, column: 'operating_system_version' },
    accountEnabled: { column: 'account_enabled', type: 'boolean' },
    trustType: { column: 'trust_type', type: 'string', nullable: true, sortable: true },
    profileType: { column: 'profile_type', type: 'string', nullable: true },
    enrollmentProfileName: { column: 'enrollment_profile_name', type: 'string', nullable: true },
    registrationDateTime: { column: 'created_at', type: 'dateTime', sortable: true },
    deviceOwnership: { ...text, column: 'device_ownership' },
    isManaged: { column: 'is_managed', type: 'boolean' },
    managementType: { column: 'management_type', type: 'string', nullable: true },
    mdmAppId: { column: 'mdm_app_id', type: 'string', nullable: true },
    approximateLastSignInDateTime: { column: 'approximate_last_sign_in_at', type: 'dateTime', nullable: true, sortable: true },
    // physicalIds/any(p: startswith(p, '[ZTDID]')): EXISTS over the element table (primary key starts with the device).
    physicalIds: {
      column: 'id',
      type: 'stringCollection',
      collection: { table: 'entra_device_physical_ids', foreignKey: 'entra_device_id', valueColumn: 'value' },
    },
  },
};

export const groupModel: EntityModel = {
  name: 'group',
  table: 'groups',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true },
    displayName: { ...text, column: 'display_name' },
    mailNickname: { ...text, column: 'mail_nickname' },
    description: { ...text, column: 'description' },
    securityEnabled: { column: 'security_enabled', type: 'boolean' },
    mailEnabled: { column: 'mail_enabled', type: 'boolean' },
    membershipRule: { column: 'membership_rule', type: 'string', nullable: true },
    membershipRuleProcessingState: { column: 'membership_rule_processing_state', type: 'enum', enumValues: ['On', 'Paused'], nullable: true },
    createdDateTime: { column: 'created_at', type: 'dateTime', sortable: true },
    groupTypes: { column: 'group_types', type: 'string', filterable: false },
  },
};

function query(request: FastifyRequest): Record<string, unknown> {
  return request.query as Record<string, unknown>;
}

/** One page of `base` (the tenant's rows) under the request's OData options, as domain objects, with nextLink and count. */
export async function listPage<DB, TB extends keyof DB, O, T>(
  app: TarmacApp,
  request: FastifyRequest,
  model: EntityModel,
  base: SelectQueryBuilder<DB, TB, O>,
  toItems: (rows: O[]) => T[] | Promise<T[]>,
  pageOptions: ListQueryOptions = PAGE_OPTIONS,
  /** The query options to apply (default: the request's); a route that handles some itself passes the rest. */
  options: Record<string, unknown> = query(request),
): Promise<ListResult<T>> {
  const parsed = parseListQuery(options, model, pageOptions);
  const engine = engineOf(app.db);
  const page = await fetchPage(base, parsed, engine);
  return {
    parsed,
    items: await toItems(page.rows),
    nextLink: page.skipToken ? buildNextLink(requestUrl(app, request), parsed, page.skipToken) : undefined,
    count: parsed.count ? await countRows(base, parsed, engine) : undefined,
  };
}

/** `options`: the query options to apply, when the route handles some itself (beta $expand). */
export async function listAutopilotDevices(
  app: TarmacApp,
  request: FastifyRequest,
  tenantId: string,
  options?: Record<string, unknown>,
): Promise<ListResult<AutopilotDevice>> {
  const base = app.db.selectFrom('autopilot_devices').selectAll('autopilot_devices').where('autopilot_devices.tenant_id', '=', tenantId);
  return listPage(app, request, autopilotDeviceModel, base, (rows) => rows.map(autopilotDeviceFromRow), PAGE_OPTIONS, options);
}

export async function listImportedDevices(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<ImportedDevice>> {
  const base = app.db
    .selectFrom('imported_device_identities')
    .selectAll('imported_device_identities')
    .where('imported_device_identities.tenant_id', '=', tenantId);
  return listPage(app, request, importedDeviceModel, base, (rows) => rows.map(importedDeviceFromRow));
}

export async function listEntraDevices(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<EntraDevice>> {
  const base = app.db.selectFrom('entra_devices').selectAll('entra_devices').where('entra_devices.tenant_id', '=', tenantId);
  return listPage(app, request, entraDeviceModel, base, (rows) => toEntraDevices(app.db, rows));
}

export async function listGroups(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<Group>> {
  const base = app.db.selectFrom('groups').selectAll('groups').where('groups.tenant_id', '=', tenantId);
  return listPage(app, request, groupModel, base, (rows) => rows.map(groupFromRow));
}

/** The Entra devices that are members of a group (the caller checked the group is the tenant's). */
export async function listGroupMembers(app: TarmacApp, request: FastifyRequest, tenantId: string, groupId: string): Promise<ListResult<EntraDevice>> {
  const base = app.db
    .selectFrom('entra_devices')
    .selectAll('entra_devices')
    .where('entra_devices.tenant_id', '=', tenantId)
    .where('entra_devices.id', 'in', (eb) => eb.selectFrom('group_members').select('group_members.member_id').where('group_members.group_id', '=', groupId));
  return listPage(app, request, entraDeviceModel, base, (rows) => toEntraDevices(app.db, rows));
}

/**
 * windowsAutopilotDeploymentProfile (beta): Graph documents $select, $top, $skip and $orderby (displayName,
 * description); Tarmac also filters on displayName (the CLI finds profiles by name). Properties kept in the JSON
 * `settings` column can be selected, not filtered or sorted.
 */
export const deploymentProfileModel: EntityModel = {
  name: 'windowsAutopilotDeploymentProfile',
  table: 'deployment_profiles',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true },
    displayName: { ...text, column: 'display_name' },
    description: { ...text, column: 'description', filterable: false },
    createdDateTime: { column: 'created_at', type: 'dateTime', sortable: true, filterable: false },
    lastModifiedDateTime: { column: 'last_modified_at', type: 'dateTime', sortable: true, filterable: false },
    ...Object.fromEntries(
      [
        'language',
        'locale',
        'outOfBoxExperienceSettings',
        'outOfBoxExperienceSetting',
        'enrollmentStatusScreenSettings',
        'extractHardwareHash',
        'hardwareHashExtractionEnabled',
        'deviceNameTemplate',
        'deviceType',
        'enableWhiteGlove',
        'preprovisioningAllowed',
        'roleScopeTagIds',
        'managementServiceAppId',
        'hybridAzureADJoinSkipConnectivityCheck',
      ].map((name) => [name, { column: 'settings', type: 'string', filterable: false } as const]),
    ),
  },
};

/** Profile pages are small (at most 350 per tenant). */
const PROFILE_PAGE_OPTIONS = { defaultTop: 100, maxTop: 350 };

export async function listDeploymentProfiles(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<DeploymentProfile>> {
  const base = app.db.selectFrom('deployment_profiles').selectAll('deployment_profiles').where('deployment_profiles.tenant_id', '=', tenantId);
  return listPage(app, request, deploymentProfileModel, base, (rows) => rows.map(deploymentProfileFromRow), PROFILE_PAGE_OPTIONS);
}
