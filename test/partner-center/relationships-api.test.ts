// The customer's own relationship API (/tarmac/v1.0/partnerRelationships, Graph envelope): accepting a partner's or an
// OEM's invitation with a Graph token, listing and revoking it — and the partner's Partner Center calls following
// each change at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitationLink } from '../../src/partners/index.js';
import { createApp, type CreatedTenant } from '../../src/tenants/index.js';
import { partnerFixture, type PartnerFixture } from '../support/partner-fixture.js';
import { ENGINES } from '../support/registry-fixture.js';

const BASE = '/tarmac/v1.0/partnerRelationships';

describe.each(ENGINES)('the customer’s partner relationship API on %s', (engine) => {
  let f: PartnerFixture;
  /** Admin apps (Directory.ReadWrite.All) of contoso, fabrikam and the CSP; a read-only one of contoso. */
  let contosoAdmin: CreatedTenant;
  let fabrikamAdmin: CreatedTenant;
  let cspAdmin: CreatedTenant;
  let contosoReader: CreatedTenant;
  beforeAll(async () => {
    f = await partnerFixture(engine, { importWorker: false });
    const admin = (tenant: CreatedTenant, roles: string[]) => createApp(f.store, { tenant: tenant.tenant.id, displayName: `admin ${roles.join()}`, roles });
    [contosoAdmin, fabrikamAdmin, cspAdmin, contosoReader] = await Promise.all([
      admin(f.contoso, ['Directory.ReadWrite.All']),
      admin(f.fabrikam, ['Directory.ReadWrite.All']),
      admin(f.csp, ['Directory.ReadWrite.All']),
      admin(f.contoso, ['Directory.Read.All']),
    ]);
  });
  afterAll(async () => f.cleanup());

  it('accepts the link Partner Center gave: 201 with the relationship, then the partner’s calls work; revoking ends them on the next call', async () => {
    const link = (await f.pc(f.csp, 'GET', '/v1/customers/relationshiprequests?DAP=true')).body.url as string;
    expect((await f.pc(f.csp, 'GET', `/v1/customers/${f.contoso.tenant.id}`)).status).toBe(403);

    const accepted = await f.call(contosoAdmin, 'POST', BASE, { invitation: link });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(accepted.headers['location']).toMatch(new RegExp(`${BASE}/${f.csp.tenant.id}$`));
    expect(accepted.body).toEqual({
      '@odata.context': expect.stringMatching(/\/tarmac\/v1\.0\/\$metadata#partnerRelationships\/\$entity$/),
      partnerTenantId: f.csp.tenant.id,
      partnerDisplayName: 'Contoso CSP',
      partnerDomain: 'contoso-csp.onmicrosoft.com',
      kind: 'reseller',
      delegatedAdmin: true,
      acceptedDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
    });

    const customer = await f.pc(f.csp, 'GET', `/v1/customers/${f.contoso.tenant.id}`);
    expect(customer.status).toBe(200);
    expect(customer.body).toMatchObject({ id: f.contoso.tenant.id, relationshipToPartner: 'reseller' });

    const listed = await f.call(contosoReader, 'GET', BASE);
    expect(listed.status).toBe(200);
    expect(listed.body.value).toEqual([expect.objectContaining({ partnerTenantId: f.csp.tenant.id, kind: 'reseller' })]);
    expect((await f.call(contosoReader, 'GET', `${BASE}/${f.csp.tenant.id.toUpperCase()}`)).body).toMatchObject({ partnerTenantId: f.csp.tenant.id });
    // Another customer sees none of it.
    expect((await f.call(fabrikamAdmin, 'GET', BASE)).body.value).toEqual([]);
    expect((await f.call(fabrikamAdmin, 'GET', `${BASE}/${f.csp.tenant.id}`)).status).toBe(404);

    const revoked = await f.app.inject({ method: 'DELETE', url: `${BASE}/${f.csp.tenant.id}`, headers: { authorization: `Bearer ${await f.token(contosoAdmin)}` } });
    expect(revoked.statusCode).toBe(204);
    expect(revoked.body).toBe('');
    const after = await f.pc(f.csp, 'GET', `/v1/customers/${f.contoso.tenant.id}`);
    expect(after.status).toBe(403);
    expect(after.body).toMatchObject({ code: 20002 });
    expect((await f.call(contosoReader, 'GET', BASE)).body.value).toEqual([]);

    const again = await f.call(contosoAdmin, 'DELETE', `${BASE}/${f.csp.tenant.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error).toMatchObject({ code: 'ResourceNotFound', message: expect.stringContaining('no relationship') });
  });

  it('accepts an OEM’s link (kind oem) and a bare code (the partner’s tenant id)', async () => {
    const oem = await f.call(fabrikamAdmin, 'POST', BASE, { invitation: invitationLink('https://admin.example', f.oem.tenant) });
    expect(oem.status).toBe(201);
    expect(oem.body).toMatchObject({ partnerTenantId: f.oem.tenant.id, partnerDomain: 'litware-oem.onmicrosoft.com', kind: 'oem', delegatedAdmin: false });
    const code = await f.call(fabrikamAdmin, 'POST', BASE, { invitation: f.csp2.tenant.id.toUpperCase() });
    expect(code.status).toBe(201);
    expect(code.body).toMatchObject({ partnerTenantId: f.csp2.tenant.id, kind: 'reseller' });
    // Both listed; their order is by acceptance time, which two accepts in the same millisecond share (then by id).
    expect((await f.call(fabrikamAdmin, 'GET', BASE)).body.value.map((r: { kind: string }) => r.kind).sort()).toEqual(['oem', 'reseller']);
    expect((await f.pc(f.csp2, 'GET', `/v1/customers/${f.fabrikam.tenant.id}`)).status).toBe(200);
    for (const id of [f.oem.tenant.id, f.csp2.tenant.id]) expect((await f.call(fabrikamAdmin, 'DELETE', `${BASE}/${id}`)).status).toBe(204);
  });

  it('answers 400 BadRequest naming what is wrong with the invitation', async () => {
    const cases: [unknown, RegExp][] = [
      [{ invitation: 'not a link' }, /neither an invitation link nor an invitation code/],
      [{ invitation: 'https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&msppId=0' }, /no partnerId/],
      [{ invitation: `https://x/?invType=GdapRelationship&partnerId=${f.csp.tenant.id}` }, /invType 'GdapRelationship'/],
      [{ invitation: invitationLink('https://x', f.csp.tenant).replace('ResellerRelationship', 'OemRelationship') }, /OemRelationship link, but Contoso CSP is a partner/],
      [{ invitation: f.contoso.tenant.id }, /not a partner or OEM on this server/],
      [{}, /invitation/],
    ];
    for (const [body, message] of cases) {
      const res = await f.call(contosoAdmin, 'POST', BASE, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('BadRequest');
      expect(res.body.error.message).toMatch(message);
    }
    expect((await f.call(contosoReader, 'GET', BASE)).body.value).toEqual([]);
  });

  it('refuses a partner tenant’s Graph token (403 WrongOrganization) and apps without the directory roles (403 naming the role)', async () => {
    const link = invitationLink('https://x', f.csp2.tenant);
    const partner = await f.call(cspAdmin, 'POST', BASE, { invitation: link });
    expect(partner.status).toBe(403);
    expect(partner.body.error).toMatchObject({ code: 'Forbidden', message: expect.stringContaining('only customer tenants accept invitations') });
    expect((await f.call(cspAdmin, 'GET', BASE)).status).toBe(403);

    const defaults = await f.call(f.contoso, 'POST', BASE, { invitation: link });
    expect(defaults.status).toBe(403);
    expect(defaults.body.error).toMatchObject({ code: 'Authorization_RequestDenied', message: expect.stringContaining('--role Directory.ReadWrite.All') });
    expect((await f.call(f.contoso, 'GET', BASE)).status).toBe(403);
    const reader = await f.call(contosoReader, 'POST', BASE, { invitation: link });
    expect(reader.status).toBe(403);
    expect((await f.call(contosoReader, 'DELETE', `${BASE}/${f.csp2.tenant.id}`)).status).toBe(403);
    expect((await f.call(contosoReader, 'GET', BASE)).body.value).toEqual([]);
  });
});
