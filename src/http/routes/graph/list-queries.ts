// The list seams: one function per collection, turning a request's OData options into a page of domain objects.
// Each parses the query string against the collection's model (src/http/odata), asks the domain's repository for one
// page (the store compiles the query), and builds @odata.nextLink from the position the page ends at.
import type { FastifyRequest } from 'fastify';
import type { AuditEvent } from '../../../audit/index.js';
import type { Group } from '../../../directory/ports.js';
import type { AutopilotDevice, EntityModel, EntraDevice, ListPage, ListQuery, ManagedDevice } from '../../../model/index.js';
import type { DeploymentProfile } from '../../../profiles/ports.js';
import type { ImportedDevice } from '../../../registry/index.js';
import {
  auditEventModel,
  autopilotDeviceModel,
  deploymentProfileModel,
  entraDeviceModel,
  groupModel,
  importedDeviceModel,
  managedDeviceModel,
} from '../../../store/index.js';
import { buildNextLink, parseListQuery, type ListQueryOptions, type ListResult } from '../../odata/index.js';
import type { TarmacApp } from '../../types.js';
import { requestUrl } from './graph-support.js';

/** Page size without $top, and the largest $top (Graph's Intune collections page at 1000). */
export const PAGE_OPTIONS = { defaultTop: 100, maxTop: 1000 };

/** Profile pages are small (at most 350 per tenant). */
const PROFILE_PAGE_OPTIONS = { defaultTop: 100, maxTop: 350 };

/** One page of a collection under the request's OData options (or `options`, when the route handles some itself). */
async function listPage<T>(
  app: TarmacApp,
  request: FastifyRequest,
  model: EntityModel,
  fetch: (query: ListQuery) => Promise<ListPage<T>>,
  pageOptions: ListQueryOptions = PAGE_OPTIONS,
  options: Record<string, unknown> = request.query as Record<string, unknown>,
): Promise<ListResult<T>> {
  const parsed = parseListQuery(options, model, pageOptions);
  const page = await fetch(parsed);
  return {
    parsed,
    items: page.items,
    nextLink: page.next ? buildNextLink(requestUrl(app, request), parsed, page.next) : undefined,
    count: page.count,
  };
}

/** `options`: the query options to apply, when the route handles some itself (beta $expand). */
export function listAutopilotDevices(
  app: TarmacApp,
  request: FastifyRequest,
  tenantId: string,
  options?: Record<string, unknown>,
): Promise<ListResult<AutopilotDevice>> {
  return listPage(app, request, autopilotDeviceModel, (q) => app.registry.store.devices.list(tenantId, q), PAGE_OPTIONS, options);
}

export function listImportedDevices(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<ImportedDevice>> {
  return listPage(app, request, importedDeviceModel, (q) => app.registry.store.imports.list(tenantId, q));
}

export function listEntraDevices(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<EntraDevice>> {
  return listPage(app, request, entraDeviceModel, (q) => app.registry.store.entra.list(tenantId, q));
}

export function listGroups(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<Group>> {
  return listPage(app, request, groupModel, (q) => app.registry.store.directory.listGroups(tenantId, q));
}

/** The Entra devices that are members of a group (the caller checked the group is the tenant's). */
export function listGroupMembers(app: TarmacApp, request: FastifyRequest, tenantId: string, groupId: string): Promise<ListResult<EntraDevice>> {
  return listPage(app, request, entraDeviceModel, (q) => app.registry.store.entra.listMembersOf(tenantId, groupId, q));
}

/**
 * windowsAutopilotDeploymentProfile (beta): Graph documents $select, $top, $skip and $orderby (displayName,
 * description); Tarmac also filters on displayName (the CLI finds profiles by name).
 */
export function listDeploymentProfiles(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<DeploymentProfile>> {
  return listPage(app, request, deploymentProfileModel, (q) => app.registry.store.profiles.list(tenantId, q), PROFILE_PAGE_OPTIONS);
}

export function listManagedDevices(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<ManagedDevice>> {
  return listPage(app, request, managedDeviceModel, (q) => app.registry.store.intune.list(tenantId, q));
}

/**
 * auditEvents, newest first unless $orderby says otherwise: the default order is added to the options (not to the URL),
 * so nextLinks, which keep the URL as sent, get it again and their $skiptoken matches.
 */
export function listAuditEvents(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<AuditEvent>> {
  const query = request.query as Record<string, unknown>;
  const ordered = Object.keys(query).some((k) => k.toLowerCase() === '$orderby') ? query : { ...query, $orderby: 'activityDateTime desc' };
  return listPage(app, request, auditEventModel, (q) => app.registry.store.audit.list(tenantId, q), PAGE_OPTIONS, ordered);
}
