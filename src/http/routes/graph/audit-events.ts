// /{v1.0,beta}/deviceManagement/auditEvents: the tenant's audit log in Graph's (Intune's) auditEvent shape — list with
// $filter (activityDateTime ge/le, category, componentName, activityType, activityResult, correlationId,
// actor/applicationId, actor/userPrincipalName, …), $orderby (default activityDateTime desc), $top, $select, $count and
// @odata.nextLink paging; get by id; and the functions getAuditCategories and getAuditActivityTypes(category='…').
// Read-only: the log is written by the app's audit hook (plugins/audit.ts) and is append-only in the database.
// Another tenant's event is 404, exactly like one that does not exist.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { findAuditEvent, type AuditEvent } from '../../../audit/index.js';
import { GraphError } from '../../graph-errors.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { collectionPage, GRAPH_VERSIONS, notFound, odataContext, selectFrom, type GraphVersion } from './graph-support.js';
import { listAuditEvents } from './list-queries.js';
import { Collection, DateTime, Entity, Loose, ODataType, Shared, documentResponses, graphErrors } from './schemas/common.js';

const SET = 'deviceManagement/auditEvents';

/** Graph's permissions for auditEvents (least privileged first). */
export const AUDIT_READ = ['DeviceManagementApps.Read.All', 'DeviceManagementApps.ReadWrite.All'];

const Text = Type.Union([Type.String(), Type.Null()]);

export const AuditEventSchema = Loose(
  {
    '@odata.type': ODataType('auditEvent'),
    id: Type.String(),
    displayName: Type.Optional(Type.String()),
    componentName: Type.Optional(Type.String()),
    actor: Type.Optional(Loose({
      '@odata.type': Type.String(),
      type: Type.String({ description: 'ItPro, Application, Partner or Device' }),
      auditActorType: Type.String({ description: 'user, application or deviceLocalUser' }),
      userPermissions: Type.Array(Type.String()),
      applicationId: Text,
      applicationDisplayName: Text,
      userPrincipalName: Text,
      servicePrincipalName: Text,
      ipAddress: Text,
      userId: Text,
      remoteTenantId: Text,
      remoteUserId: Text,
    })),
    activity: Type.Optional(Type.String()),
    activityDateTime: Type.Optional(DateTime()),
    activityType: Type.Optional(Type.String()),
    activityOperationType: Type.Optional(Type.String({ description: 'Create, Delete, Patch or Action' })),
    activityResult: Type.Optional(Type.String({ description: 'Success or Failure' })),
    correlationId: Type.Optional(Type.String({ description: "The call's client-request-id (else its request-id)" })),
    resources: Type.Optional(Type.Array(
      Loose({
        '@odata.type': Type.String(),
        displayName: Type.String(),
        type: Type.String(),
        auditResourceType: Type.String(),
        resourceId: Type.String(),
        modifiedProperties: Type.Array(Loose({ '@odata.type': Type.String(), displayName: Type.String(), oldValue: Text, newValue: Text })),
      }),
    )),
    category: Type.Optional(Type.String()),
  },
  { $id: 'microsoft.graph.auditEvent', description: 'An entry of the audit log: who changed what, when, before → after' },
);

export function toGraphAuditEvent(event: AuditEvent) {
  return {
    '@odata.type': '#microsoft.graph.auditEvent' as const,
    id: event.id,
    displayName: event.displayName,
    componentName: event.componentName,
    actor: { '@odata.type': 'microsoft.graph.auditActor', ...event.actor },
    activity: event.displayName,
    activityDateTime: event.activityDateTime,
    activityType: event.activityType,
    activityOperationType: event.activityOperationType,
    activityResult: event.activityResult,
    correlationId: event.correlationId,
    resources: event.resources.map((r) => ({
      '@odata.type': 'microsoft.graph.auditResource',
      ...r,
      modifiedProperties: r.modifiedProperties.map((p) => ({ '@odata.type': 'microsoft.graph.auditProperty', ...p })),
    })),
    category: event.category,
  };
}

const IdParams = Type.Object({ id: Type.String({ description: 'The auditEvent id' }) });
const FUNCTION = /^getAuditActivityTypes\(\s*category\s*=\s*'((?:[^']|'')*)'\s*\)$/;

function strings(app: Parameters<TarmacPlugin>[0], request: FastifyRequest, version: GraphVersion, value: string[]) {
  return { '@odata.context': odataContext(app, request, version, 'Collection(Edm.String)'), value };
}

export const auditEventRoutes: TarmacPlugin = async (app) => {
  documentResponses(app, [AuditEventSchema]);

  for (const version of GRAPH_VERSIONS) {
    const base = `/${version}/${SET}`;
    const read = app.requireRole(...AUDIT_READ);

    app.get(
      base,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `List auditEvents (${version})`,
          description:
            "Newest first. $filter on activityDateTime (ge, le, …), category, componentName, activityType, activityOperationType, activityResult, correlationId, displayName, actor/applicationId, actor/userId, actor/userPrincipalName, actor/auditActorType — e.g. activityDateTime ge 2026-12-01T00:00:00Z and category eq 'Enrollment'; $orderby, $select, $top (≤1000), $count, @odata.nextLink. Needs DeviceManagementApps.Read.All.",
          security: [{ bearerAuth: [] }],
          response: { 200: Collection(Shared(AuditEventSchema), 'A page of auditEvents'), ...graphErrors(400) },
        },
      },
      async (request) => {
        const { tenantId } = authOf(request);
        const list = await listAuditEvents(app, request, tenantId);
        return collectionPage(app, request, version, SET, list, (e) => selectFrom(toGraphAuditEvent(e), list.parsed));
      },
    );

    // The function's call syntax (parentheses) goes through the `:id` route below: Fastify reads them as a pattern.
    app.get(
      `${base}/getAuditCategories`,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `getAuditCategories (${version}): the categories the tenant's events use; also getAuditCategories()`,
          security: [{ bearerAuth: [] }],
          response: { 200: Loose({ '@odata.context': Type.String(), value: Type.Array(Type.String()) }, { description: 'The categories, sorted' }), ...graphErrors(400) },
        },
      },
      async (request) => strings(app, request, version, await app.registry.store.audit.distinct(authOf(request).tenantId, 'category')),
    );

    app.get(
      `${base}/:id`,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `Get auditEvent (${version}); also getAuditActivityTypes(category='…')`,
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: {
            200: Type.Union([Entity(Shared(AuditEventSchema), 'The auditEvent'), Loose({ '@odata.context': Type.String(), value: Type.Array(Type.String()) })], {
              description: "The auditEvent, or getAuditActivityTypes' string collection",
            }),
            ...graphErrors(400, 404),
          },
        },
      },
      async (request) => {
        const { tenantId } = authOf(request);
        const id = request.params.id.replace(/^microsoft\.graph\./, '');
        if (/^getAuditCategories\(\s*\)$/.test(id)) return strings(app, request, version, await app.registry.store.audit.distinct(tenantId, 'category'));
        if (id.startsWith('getAuditActivityTypes')) {
          const m = FUNCTION.exec(id);
          if (!m) throw new GraphError(400, 'BadRequest', "getAuditActivityTypes takes one parameter: getAuditActivityTypes(category='Enrollment').");
          const category = (m[1] ?? '').replace(/''/g, "'");
          return strings(app, request, version, await app.registry.store.audit.distinct(tenantId, 'activityType', category));
        }
        const event = await findAuditEvent(app.registry.store.audit, tenantId, request.params.id);
        if (!event) throw notFound('auditEvent', request.params.id);
        return { '@odata.context': odataContext(app, request, version, `${SET}/$entity`), ...toGraphAuditEvent(event) };
      },
    );
  }
};
