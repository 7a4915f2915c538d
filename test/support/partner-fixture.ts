// The Graph fixture (two customer tenants, contoso and fabrikam) plus two partner (CSP) tenants and an OEM, and a
// Partner Center caller: `pc(who, method, url, body)` sends a Partner Center token of `who` and parses the JSON.
// Relationships are made with `relate(partner, customer)`, as a customer's acceptance of the invitation would.
import { acceptInvitation, invitationLink } from '../../src/partners/index.js';
import { createStore } from '../../src/store/index.js';
import { createTenant, type CreatedTenant } from '../../src/tenants/index.js';
import { issueAccessToken } from '../../src/tokens/index.js';
import { graphFixture, type GraphFixture } from './graph-fixture.js';
import type { TestEngine } from './test-databases.js';
import type { ImportWorkerOptions } from '../../src/registry/index.js';

export interface PartnerCenterResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Record<string, unknown>;
}

export interface PartnerFixture extends GraphFixture {
  /** Partner (CSP) tenants. */
  csp: CreatedTenant;
  csp2: CreatedTenant;
  /** An OEM tenant. */
  oem: CreatedTenant;
  /** A Partner Center token (audience https://api.partnercenter.microsoft.com) for `who`. */
  pcToken(who: CreatedTenant): Promise<string>;
  /** A Partner Center call as `who`: JSON in and out; `headers` are added to the request. */
  pc(who: CreatedTenant, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<PartnerCenterResponse>;
  /** The customer accepts the partner's (or OEM's) invitation. */
  relate(partner: CreatedTenant, customer: CreatedTenant): Promise<void>;
}

export async function partnerFixture(engine: TestEngine, options: { env?: Record<string, string>; importWorker?: false | ImportWorkerOptions } = {}): Promise<PartnerFixture> {
  const g = await graphFixture(engine, options);
  const csp = await createTenant(g.store, { domain: 'contoso-csp.onmicrosoft.com', displayName: 'Contoso CSP', kind: 'partner' });
  const csp2 = await createTenant(g.store, { domain: 'northwind-csp.onmicrosoft.com', displayName: 'Northwind CSP', kind: 'partner' });
  const oem = await createTenant(g.store, { domain: 'litware-oem.onmicrosoft.com', displayName: 'Litware OEM', kind: 'oem' });
  const tokens = new Map<string, string>();
  const pcToken = async (who: CreatedTenant): Promise<string> => {
    const cached = tokens.get(who.app.clientId);
    if (cached) return cached;
    const issued = await issueAccessToken(g.app.keyRing, { tenant: who.tenant, app: who.app }, g.app.now(), 'partnerCenter');
    tokens.set(who.app.clientId, issued.accessToken);
    return issued.accessToken;
  };
  return {
    ...g,
    csp,
    csp2,
    oem,
    pcToken,
    async pc(who, method, url, body, headers = {}) {
      const res = await g.app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${await pcToken(who)}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      return { status: res.statusCode, body: res.body === '' ? undefined : res.json(), headers: res.headers };
    },
    async relate(partner, customer) {
      const link = invitationLink('http://tarmac.test', partner.tenant);
      await acceptInvitation({ tenants: g.store.tenants, relationships: createStore(g.tdb.db).relationships }, customer.tenant, link, g.app.now());
    },
  };
}
