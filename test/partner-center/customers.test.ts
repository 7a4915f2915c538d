// The Partner Center scope itself: who may call it, the relationship check, its headers, path spelling and error
// envelope, on the customers routes (relationship request, list, get, remove).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerFixture, type PartnerFixture } from '../support/partner-fixture.js';
import { ENGINES } from '../support/registry-fixture.js';

describe.each(ENGINES)('Partner Center customers and relationships on %s', (engine) => {
  let f: PartnerFixture;
  beforeAll(async () => {
    f = await partnerFixture(engine, { importWorker: false });
  });
  afterAll(async () => f.cleanup());

  it('gives the invitation link in Microsoft 365 shape, which the customer accepts', async () => {
    const res = await f.pc(f.csp, 'GET', '/v1/customers/relationshiprequests');
    expect(res.status).toBe(200);
    expect(res.body.attributes).toEqual({ objectType: 'RelationshipRequest' });
    const url = new URL(res.body.url as string);
    expect(url.pathname).toBe('/partner-invitation');
    expect(Object.fromEntries(url.searchParams)).toEqual({ invType: 'ResellerRelationship', partnerId: f.csp.tenant.id, msppId: '0', DAP: 'false' });
    expect(new URL((await f.pc(f.csp, 'GET', '/v1/customers/relationshiprequests?DAP=true')).body.url as string).searchParams.get('DAP')).toBe('true');
  });

  it('answers 403 20002 without a relationship, for a customer that exists and one that does not alike', async () => {
    for (const id of [f.fabrikam.tenant.id, '00000000-0000-4000-8000-000000000001', 'not-a-guid']) {
      const res = await f.pc(f.csp2, 'GET', `/v1/customers/${id}`);
      expect(res.status, id).toBe(403);
      expect(res.body).toMatchObject({ code: 20002, data: [], source: 'PartnerFD' });
      expect(res.body.description).toContain('no reseller relationship');
    }
  });

  it('lists, shows and removes customers once related; removal takes effect on the next call', async () => {
    await f.relate(f.csp, f.contoso);
    const list = await f.pc(f.csp, 'GET', '/v1/customers');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ totalCount: 1, attributes: { objectType: 'Collection' } });
    expect(list.body.items[0]).toMatchObject({
      id: f.contoso.tenant.id,
      companyProfile: { tenantId: f.contoso.tenant.id, domain: 'contoso.onmicrosoft.com' },
      relationshipToPartner: 'reseller',
      attributes: { objectType: 'Customer' },
    });
    expect((await f.pc(f.csp, 'GET', `/v1/customers/${f.contoso.tenant.id}`)).status).toBe(200);
    const removed = await f.pc(f.csp, 'PATCH', `/v1/customers/${f.contoso.tenant.id}`, { RelationshipToPartner: 'none', Attributes: { ObjectType: 'Customer' } });
    expect(removed.status).toBe(200);
    expect(removed.body.relationshipToPartner).toBe('none');
    expect((await f.pc(f.csp, 'GET', `/v1/customers/${f.contoso.tenant.id}`)).status).toBe(403);
    expect((await f.pc(f.csp, 'GET', '/v1/customers')).body.totalCount).toBe(0);
  });

  it('refuses Graph tokens with 401 and customer or OEM tenants with 403, in ApiFault', async () => {
    const graph = await f.app.inject({ method: 'GET', url: '/v1/customers', headers: { authorization: `Bearer ${await f.token(f.csp)}` } });
    expect(graph.statusCode).toBe(401);
    expect(graph.json()).toMatchObject({ code: 900420, source: 'PartnerFD' });
    expect(graph.json().description).toContain('audience');
    const none = await f.app.inject({ method: 'GET', url: '/v1/customers' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 400 });
    for (const who of [f.contoso, f.oem]) {
      const res = await f.pc(who, 'GET', '/v1/customers');
      expect(res.status).toBe(403);
      expect(res.body.code).toBe(2032);
    }
    // And Graph refuses a Partner Center token.
    const pcOnGraph = await f.app.inject({
      method: 'GET',
      url: '/v1.0/deviceManagement/windowsAutopilotDeviceIdentities',
      headers: { authorization: `Bearer ${await f.pcToken(f.contoso)}` },
    });
    expect(pcOnGraph.statusCode).toBe(401);
    expect(pcOnGraph.json().error.code).toBe('InvalidAuthenticationToken');
  });

  it('echoes MS-RequestId and MS-CorrelationId, generates them when absent, and sends MS-CV', async () => {
    const res = await f.pc(f.csp, 'GET', '/v1/customers', undefined, { 'MS-RequestId': 'req-1', 'MS-CorrelationId': 'corr-1' });
    expect(res.headers['ms-requestid']).toBe('req-1');
    expect(res.headers['ms-correlationid']).toBe('corr-1');
    expect(res.headers['ms-cv']).toMatch(/^[A-Za-z0-9]{16}\.0$/);
    const generated = await f.pc(f.csp, 'GET', '/v1/customers');
    expect(generated.headers['ms-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts loose path spelling, a BOM and an empty JSON body; unknown paths are 404 1000', async () => {
    expect((await f.pc(f.csp, 'GET', '//V1//Customers/RelationshipRequests/')).status).toBe(200);
    await f.relate(f.csp, f.fabrikam);
    const bom = await f.pc(f.csp, 'PATCH', `/v1//customers/${f.fabrikam.tenant.id}/`, '\uFEFF{"relationshipToPartner":"none"}');
    expect(bom.status).toBe(200);
    await f.relate(f.csp, f.fabrikam);
    const empty = await f.app.inject({
      method: 'GET',
      url: `/v1/customers/${f.fabrikam.tenant.id}`,
      headers: { authorization: `Bearer ${await f.pcToken(f.csp)}`, 'content-type': 'application/json', 'content-length': '0' },
    });
    expect(empty.statusCode).toBe(200);
    const unknown = await f.pc(f.csp, 'GET', `/v1/customers/${f.fabrikam.tenant.id}/nothingHere`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 1000, source: 'PartnerFD' });
    const bad = await f.pc(f.csp, 'PATCH', `/v1/customers/${f.fabrikam.tenant.id}`, '{"relationshipToPartner":');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(3000);
  });
});
