// /v1.0/groups and /beta/groups: security groups of Entra devices, static (members by $ref) or dynamic (a
// membershipRule over device properties), and their members. Another tenant's group is 404 like a missing one.
import { Type } from '@sinclair/typebox';
import { addGroupMember, createGroup, deleteGroup, findGroup, removeGroupMember, updateGroup } from '../../../directory/groups.js';
import { DirectoryError } from '../../../directory/errors.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { GROUP_MEMBER_WRITE, GROUP_READ, GROUP_WRITE, toGraphEntraDevice, toGraphGroup } from './directory-shapes.js';
import { collectionPage, GRAPH_VERSIONS, odataContext, selectFrom } from './graph-support.js';
import { listGroupMembers, listGroups } from './list-queries.js';
import { Collection, Entity, NoContent, Shared, documentResponses, graphErrors } from './schemas/common.js';
import { EntraDeviceSchema, GroupSchema } from './schemas/directory.js';
import { audited, param, referencedId } from '../../audit-specs.js';

const IdParams = Type.Object({ id: Type.String({ description: 'Group object id' }) });
const MemberParams = Type.Object({ id: Type.String({ description: 'Group object id' }), memberId: Type.String({ description: 'Member (device) object id' }) });
/** Loose on purpose: the domain checks each field and names the one that is wrong. */
const GroupBody = Type.Object({}, { additionalProperties: true });
const Group = Shared(GroupSchema);
const RefBody = Type.Object({ '@odata.id': Type.String({ description: 'e.g. https://graph.microsoft.com/v1.0/directoryObjects/{id}' }) }, { additionalProperties: true });

/** The object id in `…/directoryObjects/{id}`, `…/devices/{id}` or `…/directoryObjects('{id}')`. */
export function referencedObjectId(odataId: string): string {
  const m = /\/(?:directoryObjects|devices)(?:\/|\(')([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?:'\))?\/?$/.exec(odataId.trim());
  if (!m) {
    throw new DirectoryError(
      'BadRequest',
      `Property '@odata.id' must reference a device by its object id, e.g. https://graph.microsoft.com/v1.0/directoryObjects/{id} (got '${odataId}').`,
    );
  }
  return m[1].toLowerCase();
}

export const groupRoutes: TarmacPlugin = async (app) => {
  documentResponses(app, [GroupSchema, EntraDeviceSchema]);

  for (const version of GRAPH_VERSIONS) {
    const base = `/${version}/groups`;
    const read = app.requireRole(...GROUP_READ);
    const write = app.requireRole(...GROUP_WRITE);
    const memberWrite = app.requireRole(...GROUP_MEMBER_WRITE);

    app.get(
      base,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `List groups (${version})`,
          description: 'Supports $filter (displayName, mailNickname, securityEnabled, membershipRuleProcessingState, …), $orderby, $select, $top, $count.',
          security: [{ bearerAuth: [] }],
          response: { 200: Collection(Group, 'A page of groups'), ...graphErrors(400) },
        },
      },
      async (request) => {
        const list = await listGroups(app, request, authOf(request).tenantId);
        return collectionPage(app, request, version, 'groups', list, (g) => selectFrom(toGraphGroup(g), list.parsed));
      },
    );

    app.get(
      `${base}/:id`,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `Get group (${version})`,
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: { 200: Entity(Group, 'The group'), ...graphErrors(404) },
        },
      },
      async (request) => {
        const group = await findGroup(app.registry.store, authOf(request).tenantId, request.params.id);
        return { '@odata.context': odataContext(app, request, version, 'groups/$entity'), ...toGraphGroup(group) };
      },
    );

    app.post(
      base,
      {
        config: audited('group', 'Create'),
        onRequest: write,
        schema: {
          tags: ['graph'],
          summary: `Create group (${version})`,
          description:
            'displayName and mailNickname are required. A dynamic group has groupTypes ["DynamicMembership"] and a membershipRule, e.g. (device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales")).',
          security: [{ bearerAuth: [] }],
          body: GroupBody,
          response: { 201: Entity(Group, 'The created group'), ...graphErrors(400) },
        },
      },
      async (request, reply) => {
        const group = await createGroup(app.registry.store, authOf(request).tenantId, request.body, app.now().toISOString());
        return reply.code(201).send({ '@odata.context': odataContext(app, request, version, 'groups/$entity'), ...toGraphGroup(group) });
      },
    );

    app.patch(
      `${base}/:id`,
      {
        config: audited('group', 'Patch'),
        onRequest: write,
        schema: {
          tags: ['graph'],
          summary: `Update group (${version})`,
          description: 'Changes displayName, description, mailNickname, groupTypes, membershipRule, membershipRuleProcessingState; members follow a new rule at once.',
          security: [{ bearerAuth: [] }],
          params: IdParams,
          body: GroupBody,
          response: { 204: NoContent('Updated'), ...graphErrors(400, 404) },
        },
      },
      async (request, reply) => {
        await updateGroup(app.registry.store, authOf(request).tenantId, request.params.id, request.body, app.now().toISOString());
        return reply.code(204).send();
      },
    );

    app.delete(
      `${base}/:id`,
      {
        config: audited('group', 'Delete'),
        onRequest: write,
        schema: { tags: ['graph'], summary: `Delete group (${version})`, security: [{ bearerAuth: [] }], params: IdParams, response: { 204: NoContent('Deleted'), ...graphErrors(400, 404) } },
      },
      async (request, reply) => {
        await deleteGroup(app.registry.store, authOf(request).tenantId, request.params.id, app.now().toISOString());
        return reply.code(204).send();
      },
    );

    app.get(
      `${base}/:id/members`,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `List group members (${version})`,
          description: 'The member devices as #microsoft.graph.device objects. Supports $filter, $select, $top, $count.',
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: { 200: Collection(Shared(EntraDeviceSchema), 'A page of the group’s member devices'), ...graphErrors(400, 404) },
        },
      },
      async (request) => {
        const tenantId = authOf(request).tenantId;
        const group = await findGroup(app.registry.store, tenantId, request.params.id);
        const list = await listGroupMembers(app, request, tenantId, group.id);
        return collectionPage(app, request, version, 'directoryObjects', list, (d) => selectFrom(toGraphEntraDevice(d), list.parsed));
      },
    );

    app.get(
      `${base}/:id/members/$count`,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `Count group members (${version})`,
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: {
            200: {
              description: 'The number of members, as text/plain (e.g. 12)',
              content: { 'text/plain': { schema: Type.String({ pattern: '^[0-9]+$' }) } },
            },
            ...graphErrors(404),
          },
        },
      },
      async (request, reply) => {
        const tenantId = authOf(request).tenantId;
        const group = await findGroup(app.registry.store, tenantId, request.params.id);
        const members = await app.registry.store.directory.memberIds(group.id);
        return reply.type('text/plain; charset=utf-8').send(String(members.length));
      },
    );

    app.post(
      `${base}/:id/members/$ref`,
      {
        config: audited('groupMember', 'Create', { ids: referencedId }),
        onRequest: memberWrite,
        schema: {
          tags: ['graph'],
          summary: `Add a member (${version})`,
          description: 'Static groups only: {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{deviceObjectId}"}.',
          security: [{ bearerAuth: [] }],
          params: IdParams,
          body: RefBody,
          response: { 204: NoContent('Added'), ...graphErrors(400, 404) },
        },
      },
      async (request, reply) => {
        const memberId = referencedObjectId(request.body['@odata.id']);
        await addGroupMember(app.registry.store, authOf(request).tenantId, request.params.id, memberId, app.now().toISOString());
        return reply.code(204).send();
      },
    );

    app.delete(
      `${base}/:id/members/:memberId/$ref`,
      {
        config: audited('groupMember', 'Delete', { ids: param('memberId') }),
        onRequest: memberWrite,
        schema: {
          tags: ['graph'],
          summary: `Remove a member (${version})`,
          security: [{ bearerAuth: [] }],
          params: MemberParams,
          response: { 204: NoContent('Removed'), ...graphErrors(400, 404) },
        },
      },
      async (request, reply) => {
        await removeGroupMember(app.registry.store, authOf(request).tenantId, request.params.id, request.params.memberId, app.now().toISOString());
        return reply.code(204).send();
      },
    );
  }
};
