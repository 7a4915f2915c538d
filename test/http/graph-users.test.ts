// GET /users and /users/{id | userPrincipalName}: the tenant's users as Graph's user resource, to apps and signed-in
// users with a user-reading permission, and never another tenant's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/tenants/index.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { ENGINES } from '../support/registry-fixture.js';

describe.each(ENGINES)('Graph users (%s)', (engine) => {
  let f: GraphFixture;
  let adaId: string;
  beforeAll(async () => {
    f = await graphFixture(engine, { importWorker: false });
    adaId = (await createUser(f.store, { tenant: f.contoso.tenant.id, userPrincipalName: 'Ada@contoso.onmicrosoft.com', displayName: 'Ada Lovelace', roles: ['Intune Administrator'] })).user.id;
    await createUser(f.store, { tenant: f.fabrikam.tenant.id, userPrincipalName: 'bob@fabrikam.onmicrosoft.com', roles: ['Global Reader'] });
  });
  afterAll(async () => f.cleanup());

  it('lists and gets the tenant’s users, by id or userPrincipalName, in Graph’s shape', async () => {
    const reader = await f.appWithRoles(['User.Read.All']);
    const list = await f.call(reader, 'GET', '/v1.0/users');
    expect(list.status).toBe(200);
    expect(list.body.value).toEqual([
      {
        id: adaId,
        userPrincipalName: 'ada@contoso.onmicrosoft.com',
        displayName: 'Ada Lovelace',
        accountEnabled: true,
        mail: null,
        givenName: null,
        surname: null,
        jobTitle: null,
        businessPhones: [],
        createdDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
    ]);
    expect((await f.call(reader, 'GET', `/v1.0/users/${adaId}`)).body.userPrincipalName).toBe('ada@contoso.onmicrosoft.com');
    expect((await f.call(reader, 'GET', '/beta/users/ADA@contoso.onmicrosoft.com')).body.id).toBe(adaId);
    const other = await f.call(reader, 'GET', '/v1.0/users/bob@fabrikam.onmicrosoft.com');
    expect([other.status, other.body.error.code]).toEqual([404, 'Request_ResourceNotFound']);
  });

  it('needs a user-reading permission', async () => {
    const res = await f.call(f.contoso, 'GET', '/v1.0/users');
    expect([res.status, res.body.error.code]).toEqual([403, 'Authorization_RequestDenied']);
  });
});
