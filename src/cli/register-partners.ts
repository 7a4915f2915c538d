// Commands for partner (CSP) and OEM organisations and the customers' consent: `tarmac partner …` and `tarmac oem …`,
// offline on the configured database like `tarmac tenant …` (they work while the server runs).
import type { Command } from 'commander';
import type { CommandKit } from './command-kit.js';

const STORAGE = 'Storage: the configured database ($TARMAC_DATA_DIR or $TARMAC_DATABASE_URL), as `tarmac tenant` uses.';

export function registerPartnerCommands(program: Command, kit: CommandKit): void {
  const { run, online, onlineHelp } = kit;
  const asPartner = `
Online: as the partner's app, with a Partner Center token (--tenant is the partner's own tenant).${onlineHelp}`;

  const partner = program.command('partner').description('Partner (CSP) organisations and the customer relationships they register devices through (works while the server runs)');
  partner
    .command('create')
    .description('Create a partner (CSP) organisation and its first app; prints the app credentials once and how to get a Partner Center token')
    .requiredOption('--domain <domain>', 'initial domain, e.g. contoso-csp.onmicrosoft.com')
    .option('--name <name>', 'display name (default: from the domain)')
    .option('--json', 'print {tenantId, domain, displayName, kind, clientId, clientSecret, secretId, roles, tokenEndpoint, scope, apiBaseUrl} as JSON')
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

  online(partner.command('upload'))
    .description("Register a customer's devices through Partner Center, 1000 per call, into a named batch; one result per CSV line. Exit 1 if any row failed")
    .argument('<csv>', "the CSV: Partner Center's header (Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model) or any dialect `tarmac csv validate` reads; - for stdin")
    .requiredOption('--customer <customer>', "the customer's tenant id (or its domain, looked up among the partner's customers)")
    .requiredOption('--batch <name>', 'the device batch (Partner Center\'s device list name); created when it does not exist')
    .option('--timeout <seconds>', 'stop waiting for processing after this long (default 900)')
    .option('--json', 'print {summary, trackingIds, rows: [{line, serialNumber, productKey, status, errorCode, errorDescription, deviceId}]} as JSON')
    .addHelpText(
      'after',
      `
A row may identify its device by hash, by product key ID, or by serial number + manufacturer + model (case-sensitive:
exactly as the PC's SMBIOS says). Rows with errors in the CSV are reported at their line and not sent.${asPartner}

Examples:
  $ export TARMAC_TENANT=contoso-csp.onmicrosoft.com TARMAC_CLIENT_ID=… TARMAC_CLIENT_SECRET=…
  $ tarmac partner upload --customer contoso.onmicrosoft.com --batch "Wave 7" devices.csv`,
    )
    .action(run(async () => (await import('./commands/partner-center.js')).partnerUpload));
  online(partner.command('batches'))
    .description("List a customer's device batches (every partner's) with their device counts")
    .requiredOption('--customer <customer>', "the customer's tenant id or domain")
    .option('--json', 'print the DeviceBatch objects as JSON')
    .addHelpText('after', asPartner)
    .action(run(async () => (await import('./commands/partner-center.js')).partnerBatches));
  online(partner.command('devices'))
    .description('List the devices of a batch (every page)')
    .requiredOption('--customer <customer>', "the customer's tenant id or domain")
    .requiredOption('--batch <name>', 'the batch')
    .option('--json', 'print the Device objects as JSON')
    .addHelpText('after', asPartner)
    .action(run(async () => (await import('./commands/partner-center.js')).partnerDevices));
  online(partner.command('delete'))
    .description("Deregister devices a partner registered: removes only their Autopilot registration (no Intune unenroll, no Entra change)")
    .argument('<deviceId...>', 'Partner Center device ids (the Autopilot device ids)')
    .requiredOption('--customer <customer>', "the customer's tenant id or domain")
    .requiredOption('--batch <name>', 'the batch the devices are in')
    .option('--json', 'print {ok, results} as JSON')
    .addHelpText('after', asPartner)
    .action(run(async () => (await import('./commands/partner-center.js')).partnerDelete));
  online(partner.command('status'))
    .description('Show a batch tracking id: the batch status and every device\'s. Exit 0 only when all finished without errors')
    .argument('<trackingId>', 'the batch tracking id (the last segment of the Location header)')
    .requiredOption('--customer <customer>', "the customer's tenant id or domain")
    .option('--json', 'print the BatchUploadDetails as JSON')
    .addHelpText('after', asPartner)
    .action(run(async () => (await import('./commands/partner-center.js')).partnerStatus));

  const oem = program.command('oem').description('OEM organisations and the customers that consent to their registering devices (works while the server runs)');
  oem
    .command('create')
    .description('Create an OEM organisation and its first app; prints the app credentials once and how to get a token for the OEM API')
    .requiredOption('--domain <domain>', 'initial domain, e.g. litware-oem.onmicrosoft.com')
    .option('--name <name>', 'display name (default: from the domain)')
    .option('--json', 'print {tenantId, domain, displayName, kind, clientId, clientSecret, secretId, roles, tokenEndpoint, scope, apiBaseUrl} as JSON')
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

  const asOem = `
Online: as the OEM's app, with a token for the OEM API (scope https://api.partnercenter.microsoft.com/.default; --tenant is
the OEM's own tenant).${onlineHelp}`;
  online(oem.command('register'))
    .description("Register devices for a customer through the OEM API, 1000 per call; one result per CSV line. Exit 1 if any row failed")
    .argument('<csv>', "the CSV: Partner Center's header (serial, product key ID, hash, manufacturer, model) or any dialect `tarmac csv validate` reads; - for stdin")
    .requiredOption('--customer <customer>', 'the customer: its tenant id (sent as TenantID) or a domain (TenantDomain); it must have accepted the OEM')
    .option('--group-tag <tag>', "set this group tag on every device (instead of the CSV's Group Tag column)")
    .option('--timeout <seconds>', 'stop waiting for processing after this long (default 900)')
    .option('--json', 'print {summary, trackingIds, rows: [{line, serialNumber, productKey, status, errorCode, errorDescription, deviceId}]} as JSON')
    .addHelpText(
      'after',
      `
Each row names its device by serial number + manufacturer + model (exactly as the SMBIOS says) or by product key ID; a
hash is optional.${asOem}

Examples:
  $ tarmac oem register --customer contoso.onmicrosoft.com devices.csv`,
    )
    .action(run(async () => (await import('./commands/oem.js')).oemRegister));
  online(oem.command('deregister'))
    .description('Deregister devices through the OEM API (TenantID and TenantDomain left blank); one result per CSV line')
    .argument('<csv>', 'the CSV naming the devices by serial number + manufacturer + model, or product key ID; - for stdin')
    .option('--timeout <seconds>', 'stop waiting after this long (default 900)')
    .option('--json', 'print {summary, trackingIds, rows} as JSON')
    .addHelpText(
      'after',
      `
Only devices of customers that accepted the OEM are found; one enrolled in Intune or with an assigned user is refused
until the customer's admin acts. The hardware is then free for any tenant.${asOem}

Examples:
  $ tarmac oem deregister returned.csv`,
    )
    .action(run(async () => (await import('./commands/oem.js')).oemDeregister));
}
