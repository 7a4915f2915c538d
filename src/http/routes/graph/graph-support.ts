// What the registry's Graph routes share: permissions, constants, OData context and collection pages.
import type { FastifyRequest } from 'fastify';
import { GraphError } from '../../graph-errors.js';
import { projectSelect, selectContextSuffix, type ListResult, type ParsedListQuery } from '../../odata/index.js';
import type { TarmacApp } from '../../types.js';

/** Reading Autopilot devices and imports (least privileged first), as in Graph. */
export const SERVICE_CONFIG_READ = ['DeviceManagementServiceConfig.Read.All', 'DeviceManagementServiceConfig.ReadWrite.All'];
export const SERVICE_CONFIG_WRITE = ['DeviceManagementServiceConfig.ReadWrite.All'];
/** Beta sync also accepts DeviceManagementConfiguration.ReadWrite.All. */
export const SYNC_ROLES = ['DeviceManagementServiceConfig.ReadWrite.All', 'DeviceManagementConfiguration.ReadWrite.All'];
/** Reading Entra devices. */
export const DEVICE_READ = ['Device.Read.All', 'Device.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];

export const GRAPH_VERSIONS = ['v1.0', 'beta'] as const;
export type GraphVersion = (typeof GRAPH_VERSIONS)[number];

/** Intune's value for a date that never happened (e.g. lastContactedDateTime of a device that never enrolled). */
export const NEVER = '0001-01-01T00:00:00Z';
/** Intune's value for an absent GUID (managedDeviceId of a device not enrolled). */
export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** `https://host/v1.0/$metadata#<fragment>` with Tarmac's own base URL (TARMAC_PUBLIC_URL or the request's host). */
export function odataContext(app: TarmacApp, request: FastifyRequest, version: GraphVersion, fragment: string): string {
  return `${app.baseUrl(request)}/${version}/$metadata#${fragment}`;
}

/** The absolute URL of this request, for @odata.nextLink. */
export function requestUrl(app: TarmacApp, request: FastifyRequest): string {
  return `${app.baseUrl(request)}${request.url}`;
}

export function notFound(what: string, id: string): GraphError {
  return new GraphError(404, 'ResourceNotFound', `No ${what} with id '${id}' in this tenant.`);
}

/**
 * projectSelect for an entity keyed by `id`, typed as what it returns: $select keeps the key and the `@odata.*`
 * annotations whatever the selection, so `id` and `@odata.type` are always there.
 */
export function selectFrom<T extends { id: string; '@odata.type': string }>(
  entity: T,
  parsed: Pick<ParsedListQuery, 'select' | 'model'>,
): Partial<T> & Pick<T, 'id' | '@odata.type'> {
  return projectSelect(entity, parsed) as Partial<T> & Pick<T, 'id' | '@odata.type'>;
}

/**
 * A collection response for one page of a list seam: `@odata.context` (with the $select suffix), `@odata.count`
 * when asked for, the items (each shaped by `value`, which applies $select), and `@odata.nextLink` while more follow.
 */
export function collectionPage<T, V>(
  app: TarmacApp,
  request: FastifyRequest,
  version: GraphVersion,
  entitySet: string,
  list: Pick<ListResult<T>, 'parsed' | 'items' | 'count' | 'nextLink'>,
  value: (item: T) => V,
): { '@odata.context': string; '@odata.count'?: number; value: V[]; '@odata.nextLink'?: string } {
  return {
    '@odata.context': odataContext(app, request, version, `${entitySet}${selectContextSuffix(list.parsed)}`),
    ...(list.count !== undefined ? { '@odata.count': list.count } : {}),
    value: list.items.map(value),
    ...(list.nextLink ? { '@odata.nextLink': list.nextLink } : {}),
  };
}
