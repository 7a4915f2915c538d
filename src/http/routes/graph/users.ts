// GET /{version}/users and /users/{id | userPrincipalName}: the tenant's users as Graph's user resource (read only;
// users are created with `tarmac user create`). What the console shows of who may sign in.
import type { User as GraphUser } from '@microsoft/microsoft-graph-types';
import { Type } from '@sinclair/typebox';
import type { User } from '../../../tenants/index.js';
import { GraphError } from '../../graph-errors.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { Entity, Shared, documentResponses, graphErrors } from './schemas/common.js';

/** Permissions that allow reading users (least privileged first), as in Graph. */
export const USER_READ_ROLES = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    userPrincipalName: Type.String(),
    displayName: NullableString,
    accountEnabled: Type.Boolean(),
    mail: NullableString,
    givenName: NullableString,
    surname: NullableString,
    jobTitle: NullableString,
    businessPhones: Type.Array(Type.String()),
    createdDateTime: NullableString,
  },
  { $id: 'microsoft.graph.user', additionalProperties: true },
);

const UserCollection = Type.Object(
  { '@odata.context': Type.String(), value: Type.Array(Shared(UserSchema)) },
  { additionalProperties: true, description: "The tenant's users" },
);

const UserEntity = Entity(Shared(UserSchema), 'A user of the tenant');

/** A user as Graph's user; `satisfies` keeps every property a real one of microsoft.graph.user. */
export function toGraphUser(user: User) {
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    accountEnabled: user.accountEnabled,
    mail: null,
    givenName: null,
    surname: null,
    jobTitle: null,
    businessPhones: [],
    createdDateTime: user.createdAt.replace(/\.\d{3}Z$/, 'Z'),
  } satisfies GraphUser;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id decoded once more (a client that encoded it twice); a malformed escape is taken literally, not a 500. */
function decodedAgain(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

export const userRoutes: TarmacPlugin = async (app) => {
  documentResponses(app, [UserSchema]);
  const description = `Needs one of the permissions ${USER_READ_ROLES.join(', ')} (an app's, or a signed-in user's scp).`;

  for (const version of ['v1.0', 'beta'] as const) {
    app.get(
      `/${version}/users`,
      {
        onRequest: app.requireRole(...USER_READ_ROLES),
        schema: { tags: ['graph'], summary: `List users (${version})`, description, security: [{ bearerAuth: [] }], response: { 200: UserCollection, ...graphErrors() } },
      },
      async (request) => {
        const users = await app.tenantsStore.users.listByTenant(authOf(request).tenantId);
        return { '@odata.context': `${app.baseUrl(request)}/${version}/$metadata#users`, value: users.map(toGraphUser) };
      },
    );

    app.get(
      `/${version}/users/:id`,
      {
        onRequest: app.requireRole(...USER_READ_ROLES),
        schema: {
          tags: ['graph'],
          summary: `Get a user (${version}) by id or userPrincipalName`,
          description,
          security: [{ bearerAuth: [] }],
          params: Type.Object({ id: Type.String({ description: 'The user id (GUID) or userPrincipalName' }) }),
          response: { 200: UserEntity, ...graphErrors() },
        },
      },
      async (request) => {
        const tenantId = authOf(request).tenantId;
        const key = decodedAgain(request.params.id).trim();
        const user = GUID.test(key)
          ? await app.tenantsStore.users.findById(tenantId, key.toLowerCase())
          : await app.tenantsStore.users.findByUpn(tenantId, key.toLowerCase());
        if (!user) throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
        return { '@odata.context': `${app.baseUrl(request)}/${version}/$metadata#users/$entity`, ...toGraphUser(user) };
      },
    );
  }
};
