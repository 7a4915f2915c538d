// Partners (CSPs), OEMs and the customers' consent, offline on the configured database (like `tarmac tenant …`):
//   tarmac partner create --domain …        a partner organisation and its first app     (tarmac oem create: an OEM)
//   tarmac partner invite --partner <p>     the invitation link a customer accepts        (tarmac oem invite --oem <o>)
//   tarmac partner accept <link> --tenant   the customer accepts (a reseller or an OEM link: its invType says which)
//   tarmac partner revoke --partner <p> --tenant <c>   the customer takes its consent back (tarmac oem revoke --oem)
//   tarmac partner relationships --tenant <c> | --partner <p>
import { PartnerError, acceptInvitation, customersOf, invitationLink, partnersOf, revokeConsent, type Relationship } from '../../partners/index.js';
import { expectedBaseUrl, withStores, type CliStores } from '../../server/cli-support.js';
import { recordCliWrite } from '../audit-writes.js';
import { TenantsError, createTenant, findTenant, type Tenant } from '../../tenants/index.js';
import type { ExitCode } from '../command-kit.js';
import { credentialFields, printCredentials, type TokenApi } from '../credentials-view.js';
import { createOutput } from '../output.js';

type OrganizationKind = 'partner' | 'oem';

const PARTNER_CENTER_SCOPE = 'https://api.partnercenter.microsoft.com/.default';

/** Where each kind of organisation works, and how its token is asked for (both APIs take Partner Center tokens). */
const APIS: Record<OrganizationKind, TokenApi & { path: string; title: string }> = {
  partner: { title: 'partner (CSP)', name: 'the Partner Center API', path: '/v1', use: { scope: PARTNER_CENTER_SCOPE, call: '/v1/customers/relationshiprequests' } },
  // The OEM API is Tarmac's stand-in for Microsoft's OEM Direct API; it takes the same Partner Center token.
  oem: { title: 'OEM', name: 'the OEM API', path: '/oem/v1', use: { scope: PARTNER_CENTER_SCOPE } },
};

const COMMAND_OPTION: Record<OrganizationKind, string> = { partner: '--partner', oem: '--oem' };

function domainOf(tenant: Tenant): string {
  return tenant.domains[0]?.name ?? tenant.id;
}

function acceptedDateTime(relationship: Relationship): string {
  return relationship.acceptedAt;
}

async function tenantNamed(stores: CliStores, idOrDomain: string, option: string): Promise<Tenant> {
  const tenant = await findTenant(stores.tenants, idOrDomain);
  if (!tenant) throw new TenantsError('TenantNotFound', `${option}: no tenant '${idOrDomain}'. Give its tenant id or domain (list them with \`tarmac tenant list\`).`);
  return tenant;
}

/** The organisation named by --partner (or --oem), which must be of that kind. */
async function organizationNamed(stores: CliStores, idOrDomain: string, kind: OrganizationKind): Promise<Tenant> {
  const option = COMMAND_OPTION[kind];
  const tenant = await tenantNamed(stores, idOrDomain, option);
  if (tenant.kind !== kind) {
    const other = tenant.kind === 'customer' ? 'a customer tenant' : tenant.kind === 'oem' ? 'an OEM (use `tarmac oem …`)' : 'a partner (use `tarmac partner …`)';
    throw new PartnerError('WrongOrganization', `${option}: ${tenant.displayName} (${domainOf(tenant)}) is ${other}, not ${kind === 'oem' ? 'an OEM' : 'a partner'}.`);
  }
  return tenant;
}

export interface OrganizationCreateOptions {
  domain: string;
  name?: string;
  json?: boolean;
}

async function organizationCreate(kind: OrganizationKind, options: OrganizationCreateOptions): Promise<ExitCode> {
  const out = createOutput();
  return withStores(out, options.json, async (stores, config) => {
    // No Graph application permissions: a partner's or OEM's app calls Partner Center (or the OEM API), which
    // authorises on the organisation's kind and on each customer's consent, never on Graph roles; and Graph on the
    // partner's own tenant has nothing to manage (its devices are its customers'). `tarmac app create` adds an app
    // with roles should one be wanted.
    const created = await createTenant(stores.tenants, { domain: options.domain, displayName: options.name, kind, roles: [] });
    const domain = domainOf(created.tenant);
    const baseUrl = expectedBaseUrl(config);
    const api = APIS[kind];
    if (options.json) {
      out.json({
        tenantId: created.tenant.id,
        domain,
        displayName: created.tenant.displayName,
        kind,
        ...credentialFields(created, baseUrl),
        scope: api.use.scope,
        apiBaseUrl: `${baseUrl}${api.path}`,
      });
      return 0;
    }
    out.line(`Created ${api.title} ${out.color.bold(created.tenant.displayName)} (${domain}).`);
    out.line(`  tenant id      ${created.tenant.id}`);
    printCredentials(out, created, domain, baseUrl, api);
    if (kind === 'oem') out.line(`  then call the OEM API at ${baseUrl}${api.path} with -H "Authorization: Bearer $TOKEN" (same scope as Partner Center).`);
    out.line();
    out.line(`Invite customers with: tarmac ${kind} invite ${COMMAND_OPTION[kind]} ${domain}`);
    return 0;
  });
}

export const partnerCreate = (options: OrganizationCreateOptions): Promise<ExitCode> => organizationCreate('partner', options);
export const oemCreate = (options: OrganizationCreateOptions): Promise<ExitCode> => organizationCreate('oem', options);

export interface InviteOptions {
  partner?: string;
  oem?: string;
  dap?: boolean;
  json?: boolean;
}

async function invite(kind: OrganizationKind, options: InviteOptions): Promise<ExitCode> {
  const out = createOutput();
  return withStores(out, options.json, async (stores, config) => {
    const organization = await organizationNamed(stores, (kind === 'oem' ? options.oem : options.partner) ?? '', kind);
    const url = invitationLink(expectedBaseUrl(config), organization, options.dap === true);
    if (options.json) {
      out.json({ partnerTenantId: organization.id, kind: kind === 'oem' ? 'oem' : 'reseller', delegatedAdmin: options.dap === true, url });
      return 0;
    }
    out.line(`Invitation link from ${organization.displayName} (${kind === 'oem' ? 'OEM relationship' : 'reseller relationship'}):`);
    out.line(`  ${url}`);
    out.line();
    out.line("The customer's admin accepts it with:");
    out.line(`  tarmac partner accept '${url}' --tenant <customer id or domain>`);
    out.line(`  or POST /tarmac/v1.0/partnerRelationships {"invitation": "<the link>"} with a Graph token holding Directory.ReadWrite.All`);
    return 0;
  });
}

export const partnerInvite = (options: InviteOptions): Promise<ExitCode> => invite('partner', options);
export const oemInvite = (options: InviteOptions): Promise<ExitCode> => invite('oem', options);

export interface AcceptOptions {
  tenant: string;
  json?: boolean;
}

export async function partnerAccept(invitation: string, options: AcceptOptions): Promise<ExitCode> {
  const out = createOutput();
  return withStores(out, options.json, async (stores) => {
    const customer = await tenantNamed(stores, options.tenant, '--tenant');
    const { relationship, partner } = await acceptInvitation({ tenants: stores.tenants.tenants, relationships: stores.store.relationships }, customer, invitation, new Date());
    await recordCliWrite(stores.store, {
      tenantId: customer.id,
      category: 'Role',
      operation: 'Create',
      resourceType: 'partnerRelationship',
      command: 'partner accept',
      resources: [{ type: 'partnerRelationship', id: partner.id, displayName: partner.displayName, after: { ...relationship } }],
    });
    if (options.json) {
      out.json(relationshipJson(partner, customer, relationship));
      return 0;
    }
    const what = relationship.kind === 'oem' ? 'OEM' : 'partner (reseller)';
    out.line(`${customer.displayName} (${domainOf(customer)}) accepted ${what} ${out.color.bold(partner.displayName)} (${domainOf(partner)}).`);
    out.line(`  delegated admin  ${relationship.delegatedAdmin ? 'yes' : 'no'}`);
    out.line(`  accepted         ${acceptedDateTime(relationship)}`);
    out.line(`Revoke with: tarmac partner revoke --partner ${domainOf(partner)} --tenant ${domainOf(customer)}`);
    return 0;
  });
}

export interface RevokeOptions {
  partner?: string;
  oem?: string;
  tenant: string;
  json?: boolean;
}

async function revoke(kind: OrganizationKind | undefined, options: RevokeOptions): Promise<ExitCode> {
  const out = createOutput();
  return withStores(out, options.json, async (stores) => {
    const name = (kind === 'oem' ? options.oem : options.partner) ?? '';
    // `partner revoke` takes an OEM too (a consent is a consent); `oem revoke` insists on an OEM.
    const partner = kind === 'oem' ? await organizationNamed(stores, name, 'oem') : await tenantNamed(stores, name, '--partner');
    const customer = await tenantNamed(stores, options.tenant, '--tenant');
    const before = await stores.store.relationships.find(partner.id, customer.id);
    await revokeConsent({ tenants: stores.tenants.tenants, relationships: stores.store.relationships }, customer, partner.id);
    await recordCliWrite(stores.store, {
      tenantId: customer.id,
      category: 'Role',
      operation: 'Delete',
      resourceType: 'partnerRelationship',
      command: `${kind === 'oem' ? 'oem' : 'partner'} revoke`,
      resources: [{ type: 'partnerRelationship', id: partner.id, displayName: partner.displayName, before: before ? { ...before } : undefined }],
    });
    if (options.json) {
      out.json({ partnerTenantId: partner.id, customerTenantId: customer.id, revoked: true });
      return 0;
    }
    out.line(`${customer.displayName} revoked ${partner.displayName}'s relationship. Devices it registered stay registered.`);
    return 0;
  });
}

export const partnerRevoke = (options: RevokeOptions): Promise<ExitCode> => revoke(undefined, options);
export const oemRevoke = (options: RevokeOptions): Promise<ExitCode> => revoke('oem', options);

export interface RelationshipsOptions {
  tenant?: string;
  partner?: string;
  json?: boolean;
}

function relationshipJson(partner: Tenant, customer: Tenant, relationship: Relationship) {
  return {
    partnerTenantId: partner.id,
    partnerDisplayName: partner.displayName,
    partnerDomain: domainOf(partner),
    customerTenantId: customer.id,
    customerDisplayName: customer.displayName,
    customerDomain: domainOf(customer),
    kind: relationship.kind,
    delegatedAdmin: relationship.delegatedAdmin,
    acceptedDateTime: acceptedDateTime(relationship),
  };
}

export async function partnerRelationships(options: RelationshipsOptions): Promise<ExitCode> {
  const out = createOutput();
  return withStores(out, options.json, async (stores) => {
    if ((options.tenant === undefined) === (options.partner === undefined)) {
      throw new PartnerError('InvalidInput', 'Give either --tenant <customer> (its partners and OEMs) or --partner <partner or OEM> (its customers).');
    }
    const deps = { tenants: stores.tenants.tenants, relationships: stores.store.relationships };
    let rows: ReturnType<typeof relationshipJson>[];
    if (options.tenant !== undefined) {
      const customer = await tenantNamed(stores, options.tenant, '--tenant');
      rows = (await partnersOf(deps, customer)).map((p) => relationshipJson(p.partner, customer, p.relationship));
    } else {
      const partner = await tenantNamed(stores, options.partner ?? '', '--partner');
      if (partner.kind === 'customer') {
        throw new PartnerError('WrongOrganization', `--partner: ${partner.displayName} (${domainOf(partner)}) is a customer tenant; list its partners with --tenant.`);
      }
      rows = (await customersOf(deps, partner)).map((c) => relationshipJson(partner, c.customer, c.relationship));
    }
    if (options.json) {
      out.json(rows);
      return 0;
    }
    if (rows.length === 0) {
      out.line('No relationships.');
      return 0;
    }
    out.table(
      ['partner', 'customer', 'kind', 'delegated admin', 'accepted'],
      rows.map((r) => [`${r.partnerDisplayName} (${r.partnerDomain})`, `${r.customerDisplayName} (${r.customerDomain})`, r.kind, r.delegatedAdmin ? 'yes' : 'no', r.acceptedDateTime.slice(0, 19) + 'Z']),
    );
    return 0;
  });
}
