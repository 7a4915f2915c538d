// The list seams: one function per collection, turning a request's OData options into a page of domain objects.
// Reads only; they use the OData library (src/http/odata) on the tables the registry store writes.
import type { FastifyRequest } from 'fastify';
import {
  autopilotDeviceModel,
  buildNextLink,
  countRows,
  fetchPage,
  parseListQuery,
  type EntityModel,
  type ParsedListQuery,
} from '../../odata/index.js';
import { autopilotDeviceFromRow, engineOf, importedDeviceFromRow, toEntraDevices } from '../../../store/index.js';
import type { AutopilotDevice, EntraDevice, ImportedDevice } from '../../../registry/index.js';
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

export const importedDeviceModel: EntityModel = {
  name: 'importedWindowsAutopilotDeviceIdentity',
  table: 'imported_device_identities',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true },
    importId: { ...text, column: 'import_id' },
    groupTag: { ...text, column: 'group_tag' },
    serialNumber: { ...text, column: 'serial_number' },
    productKey: { ...text, column: 'product_key' },
    assignedUserPrincipalName: { ...text, column: 'assigned_user_principal_name' },
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
    physicalIds: { column: 'id', type: 'string', filterable: false },
  },
};

function query(request: FastifyRequest): Record<string, unknown> {
  return request.query as Record<string, unknown>;
}

export async function listAutopilotDevices(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<AutopilotDevice>> {
  const parsed = parseListQuery(query(request), autopilotDeviceModel, PAGE_OPTIONS);
  const engine = engineOf(app.db);
  const base = app.db.selectFrom('autopilot_devices').selectAll('autopilot_devices').where('autopilot_devices.tenant_id', '=', tenantId);
  const page = await fetchPage(base, parsed, engine);
  return {
    parsed,
    items: page.rows.map(autopilotDeviceFromRow),
    nextLink: page.skipToken ? buildNextLink(requestUrl(app, request), parsed, page.skipToken) : undefined,
    count: parsed.count ? await countRows(base, parsed, engine) : undefined,
  };
}

export async function listImportedDevices(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<ImportedDevice>> {
  const parsed = parseListQuery(query(request), importedDeviceModel, PAGE_OPTIONS);
  const engine = engineOf(app.db);
  const base = app.db
    .selectFrom('imported_device_identities')
    .selectAll('imported_device_identities')
    .where('imported_device_identities.tenant_id', '=', tenantId);
  const page = await fetchPage(base, parsed, engine);
  return {
    parsed,
    items: page.rows.map(importedDeviceFromRow),
    nextLink: page.skipToken ? buildNextLink(requestUrl(app, request), parsed, page.skipToken) : undefined,
    count: parsed.count ? await countRows(base, parsed, engine) : undefined,
  };
}

export async function listEntraDevices(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<EntraDevice>> {
  const parsed = parseListQuery(query(request), entraDeviceModel, PAGE_OPTIONS);
  const engine = engineOf(app.db);
  const base = app.db.selectFrom('entra_devices').selectAll('entra_devices').where('entra_devices.tenant_id', '=', tenantId);
  const page = await fetchPage(base, parsed, engine);
  return {
    parsed,
    items: await toEntraDevices(app.db, page.rows),
    nextLink: page.skipToken ? buildNextLink(requestUrl(app, request), parsed, page.skipToken) : undefined,
    count: parsed.count ? await countRows(base, parsed, engine) : undefined,
  };
}
