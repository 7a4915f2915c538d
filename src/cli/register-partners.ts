// Commands for partner (CSP) and OEM organisations and the customers' consent: `tarmac partner …` and `tarmac oem …`,
// offline on the configured database like `tarmac tenant …` (they work while the server runs).
import type { Command } from 'commander';
import type { CommandKit } from './command-kit.js';

const STORAGE = 'Storage: the configured database ($TARMAC_DATA_DIR or $TARMAC_DATABASE_URL), as `tarmac tenant` uses.';

export function registerPartnerCommands(program: Command, kit: CommandKit): void {
  const { run } = kit;

  const partner = program.command('partner').description('Partner (CSP) organisations and the customer relationships they register devices through (works while the server runs)');
  partner
    .command('create')
    .description('Create a partner (CSP) organisation and its first app; prints the app credentials once and how to get a Partner Center token')
    .requiredOption('--domain <domain>', 'initial domain, e.g. contoso-csp.onmicrosoft.com')
    .option('--name <name>', 'display name (default: from the domain)')
    .option('--json', 'print {tenantId, domain, displayName, kind, clientId, clientSecret, roles, tokenEndpoint, scope, apiBaseUrl} as JSON')
    .addHelpText(
      'after',
      `
The app gets no Graph permissions: Partner Center (/v1) authorises on the organisation and the customers' consent.
${STORAGE}

Examples:
  $ tarmac partner create --domain contoso-csp.onmicrosoft.com --name "Contoso CSP"
  $ tarmac partner create --domain northwind-csp.onmicrosoft.com --json > csp.json`,
    )
    .action(run(async () => (await import('./commands/partner.js')).partnerCreate));
  partner
    .command('invite')
    .alias('link')
    .description("Print the partner's invitation link (Microsoft 365's reseller-relationship link) for a customer to accept")
    .requiredOption('--partner <partner>', 'the partner tenant id or domain')
    .option('--dap', 'ask for delegated admin too (Autopilot never needs it)')
    .option('--json', 'print {partnerTenantId, kind, delegatedAdmin, url} as JSON')
    .addHelpText(
      'after',
      `
The link's host is this server's expected base URL; only its query (invType, partnerId, DAP) counts.
${STORAGE}

Examples:
  $ tarmac partner invite --partner contoso-csp.onmicrosoft.com
  $ tarmac partner invite --partner contoso-csp.onmicrosoft.com --json | jq -r .url`,
    )
    .action(run(async () => (await import('./commands/partner.js')).partnerInvite));
  partner
    .command('accept')
    .description("The customer accepts a partner's or an OEM's invitation (the link's invType says which); the relationship exists at once")
    .argument('<invitation>', "the invitation link, or its code (the partner's tenant id)")
    .requiredOption('--tenant <customer>', 'the customer tenant id or domain that accepts')
    .option('--json', 'print the relationship as JSON')
    .addHelpText(
      'after',
      `
Exit 1 when the link names no partner or OEM, or the tenant is not a customer.
${STORAGE}

Examples:
  $ tarmac partner accept 'http://127.0.0.1:8080/partner-invitation?invType=ResellerRelationship&partnerId=…&msppId=0&DAP=false' --tenant contoso.onmicrosoft.com
  $ tarmac partner accept 5d0c7a7e-1c7f-4f55-9d61-0c5a6f1d2e3b --tenant contoso.onmicrosoft.com`,
    )
    .action(run(async () => (await import('./commands/partner.js')).partnerAccept));
  partner
    .command('revoke')
    .description("The customer removes a partner's (or an OEM's) relationship: their next call about it is refused; registered devices stay")
    .requiredOption('--partner <partner>', 'the partner (or OEM) tenant id or domain')
    .requiredOption('--tenant <customer>', 'the customer tenant id or domain')
    .option('--json', 'print {partnerTenantId, customerTenantId, revoked} as JSON')
    .addHelpText(
      'after',
      `
Exit 1 when there is no such relationship.
${STORAGE}

Examples:
  $ tarmac partner revoke --partner contoso-csp.onmicrosoft.com --tenant contoso.onmicrosoft.com`,
    )
    .action(run(async () => (await import('./commands/partner.js')).partnerRevoke));
  partner
    .command('relationships')
    .description("List relationships: a customer's partners and OEMs (--tenant), or a partner's or OEM's customers (--partner)")
    .option('--tenant <customer>', 'the customer tenant id or domain')
    .option('--partner <partner>', 'the partner (or OEM) tenant id or domain')
    .option('--json', 'print [{partnerTenantId, partnerDisplayName, partnerDomain, customerTenantId, …, kind, delegatedAdmin, acceptedDateTime}] as JSON')
    .addHelpText(
      'after',
      `
${STORAGE}

Examples:
  $ tarmac partner relationships --tenant contoso.onmicrosoft.com
  $ tarmac partner relationships --partner contoso-csp.onmicrosoft.com --json`,
    )
    .action(run(async () => (await import('./commands/partner.js')).partnerRelationships));

  const oem = program.command('oem').description('OEM organisations and the customers that consent to their registering devices (works while the server runs)');
  oem
    .command('create')
    .description('Create an OEM organisation and its first app; prints the app credentials once and how to get a token for the OEM API')
    .requiredOption('--domain <domain>', 'initial domain, e.g. litware-oem.onmicrosoft.com')
    .option('--name <name>', 'display name (default: from the domain)')
    .option('--json', 'print {tenantId, domain, displayName, kind, clientId, clientSecret, roles, tokenEndpoint, scope, apiBaseUrl} as JSON')
    .addHelpText(
      'after',
      `
The OEM API is at /oem/v1 and takes a token with scope https://api.partnercenter.microsoft.com/.default.
${STORAGE}

Examples:
  $ tarmac oem create --domain litware-oem.onmicrosoft.com --name "Litware"`,
    )
    .action(run(async () => (await import('./commands/partner.js')).oemCreate));
  oem
    .command('invite')
    .alias('link')
    .description("Print the OEM's consent link for a customer to accept (with `tarmac partner accept` or the customer's API)")
    .requiredOption('--oem <oem>', 'the OEM tenant id or domain')
    .option('--json', 'print {partnerTenantId, kind, delegatedAdmin, url} as JSON')
    .addHelpText(
      'after',
      `
${STORAGE}

Examples:
  $ tarmac oem invite --oem litware-oem.onmicrosoft.com`,
    )
    .action(run(async () => (await import('./commands/partner.js')).oemInvite));
  oem
    .command('revoke')
    .description("The customer removes an OEM's relationship (as `tarmac partner revoke`)")
    .requiredOption('--oem <oem>', 'the OEM tenant id or domain')
    .requiredOption('--tenant <customer>', 'the customer tenant id or domain')
    .option('--json', 'print {partnerTenantId, customerTenantId, revoked} as JSON')
    .addHelpText(
      'after',
      `
${STORAGE}

Examples:
  $ tarmac oem revoke --oem litware-oem.onmicrosoft.com --tenant contoso.onmicrosoft.com`,
    )
    .action(run(async () => (await import('./commands/partner.js')).oemRevoke));
}
