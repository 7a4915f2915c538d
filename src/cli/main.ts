// The `tarmac` command. Only commander is loaded at start-up; each command's implementation is imported when it
// runs, so `tarmac --help` stays fast however large the rest of Tarmac grows.
import { Command, CommanderError } from 'commander';
import type { Action, CommandKit } from './command-kit.js';
import { registerDeviceSideCommands } from './register-device-side.js';
import { registerDirectoryCommands } from './register-directory.js';
import { registerPartnerCommands } from './register-partners.js';
import { registerProfileCommands } from './register-profiles.js';

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = 0;
  const run =
    <A extends Action>(load: () => Promise<A>) =>
    async (...args: Parameters<A>): Promise<void> => {
      const action = await load();
      exitCode = await action(...args);
    };

  const program = new Command('tarmac')
    .description('Tarmac: a Windows Autopilot device registration service, and the tools around it')
    .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureOutput({ outputError: (str, write) => write(str) });

  const hash = program.command('hash').description('Decode and validate Autopilot hardware hashes (offline)');
  hash
    .command('decode')
    .description('Show everything inside one or more hardware hashes')
    .argument('<input...>', 'CSV file (any Autopilot dialect or encoding), OA3.xml, a file holding base64, raw base64, or - for stdin')
    .option('--json', 'print one JSON array with an object per hash (for scripts)')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac hash decode AutopilotHWID.csv
  $ tarmac hash decode --json OA3.xml AutopilotHWID.csv > devices.json
  $ Get-Clipboard | tarmac hash decode -          (PowerShell, or pbpaste/xclip elsewhere)
  $ tarmac hash decode T0FjBAEAHAAAAAoA...`,
    )
    .action(run(async () => (await import('./commands/hash-decode.js')).hashDecode));
  hash
    .command('validate')
    .description('Check hashes: base64, OA header, record walk, SHA-256 trailer, padding. Exit 0 only when all are valid')
    .argument('<input...>', 'CSV file, OA3.xml, a file holding base64, raw base64, or - for stdin')
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac hash validate AutopilotHWID.csv
  $ tarmac hash validate --json devices/*.csv`,
    )
    .action(run(async () => (await import('./commands/hash-validate.js')).hashValidate));

  const csv = program.command('csv').description('Validate, repair and merge Autopilot device CSV files (offline)');
  csv
    .command('validate')
    .description('Report every problem in an Autopilot CSV, by line. Exit 0 when there are no errors')
    .argument('<file>', 'the CSV (UTF-16, UTF-8 or windows-1252; Intune, partner or Configuration Manager dialect), or - for stdin')
    .option('--strict', "apply Intune's own rules exactly (exact header, no quotes, ANSI only, at most 500 rows)")
    .option('--json', 'print {rows, devices, diagnostics} as JSON')
    .option('--threads <n>', 'threads checking rows, the main one included (default: the number of cores; 1: no worker threads)')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac csv validate AutopilotHWID.csv
  $ tarmac csv validate --strict --json upload.csv | jq '.diagnostics[] | select(.severity=="error")'`,
    )
    .action(run(async () => (await import('./commands/csv-validate.js')).csvValidate));
  csv
    .command('fix')
    .description('Write a canonical CSV that Intune accepts (ASCII, CRLF, exact header, no quotes) and list what changed')
    .argument('<in>', 'the CSV to repair')
    .requiredOption('-o, --output <out>', 'where to write the repaired CSV')
    .option('--json', 'print the changes as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac csv fix "AutopilotHWID (from Excel).csv" -o upload.csv`,
    )
    .action(run(async () => (await import('./commands/csv-fix.js')).csvFix));
  csv
    .command('merge')
    .description('Merge CSVs into one, keeping one row per device (latest capture wins), and report what was dropped')
    .argument('<in...>', 'the CSVs to merge')
    .requiredOption('-o, --output <out>', 'where to write the merged CSV')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac csv merge hashes/*.csv -o all-devices.csv`,
    )
    .action(run(async () => (await import('./commands/csv-merge.js')).csvMerge));

  program
    .command('serve')
    .description('Run the Tarmac server: Graph-compatible API, token endpoint, API docs (Ctrl+C to stop)')
    .option('-p, --port <port>', 'TCP port (default $PORT or 8080; 0 picks a free one)')
    .option('--host <host>', 'interface to bind (default $TARMAC_HOST or 127.0.0.1; 0.0.0.0 for all)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (or $TARMAC_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert (or $TARMAC_TLS_KEY)')
    .option('-w, --workers <n>', 'processes serving the port (default $TARMAC_WORKERS or one per core; 1 = this process only)')
    .addHelpText(
      'after',
      `
Storage: SQLite in $TARMAC_DATA_DIR (default ./data), or PostgreSQL when $TARMAC_DATABASE_URL=postgres://… is set.
All worker processes share it; rate limits count per process.

Examples:
  $ tarmac serve
  $ PORT=9000 tarmac serve --host 0.0.0.0
  $ TARMAC_DATABASE_URL=postgres://postgres@127.0.0.1/tarmac tarmac serve
  $ tarmac serve --tls-cert cert.pem --tls-key key.pem     (Microsoft's Graph SDKs send tokens over https only)
  $ tarmac serve --workers 1                                 (one process)`,
    )
    .action(run(async () => (await import('./commands/serve.js')).serve));

  const tenant = program.command('tenant').description('Tenants of the registry (works while the server runs)');
  tenant
    .command('create')
    .description('Create a tenant and its first app; prints the app credentials once')
    .requiredOption('--domain <domain>', 'initial domain, e.g. contoso.onmicrosoft.com')
    .option('--name <name>', 'display name (default: from the domain)')
    .option('--role <role...>', 'application permissions of the first app (default: the Autopilot set)')
    .option('--json', 'print {tenantId, domain, displayName, clientId, clientSecret, secretId, roles, tokenEndpoint} as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac tenant create --domain contoso.onmicrosoft.com --name Contoso
  $ tarmac tenant create --domain fabrikam.onmicrosoft.com --json > fabrikam.json`,
    )
    .action(run(async () => (await import('./commands/tenant-create.js')).tenantCreate));
  tenant
    .command('list')
    .description('List tenants and their apps')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac tenant list`,
    )
    .action(run(async () => (await import('./commands/tenant-list.js')).tenantList));

  const app = program.command('app').description('App registrations: client ids and secrets for the token endpoint');
  app
    .command('create')
    .description('Create an app in a tenant; prints its client id and secret once')
    .requiredOption('--tenant <tenant>', 'tenant id or domain')
    .option('--name <name>', 'display name (default: Tarmac automation)')
    .option('--role <role...>', 'application permissions, e.g. DeviceManagementServiceConfig.ReadWrite.All (default: the Autopilot set)')
    .option('--redirect-uri <uri...>', 'redirect URIs for sign-in (https, or http on localhost), matched exactly; repeatable')
    .option('--public', 'a public client (SPA, desktop): redeems sign-in codes without its secret, PKCE required; no application permissions unless --role')
    .option('--json', 'print {tenantId, domain, appId, displayName, clientId, clientSecret, secretId, roles, tokenEndpoint} as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac app create --tenant contoso.onmicrosoft.com --name "Intune scripts"
  $ tarmac app create --tenant contoso.onmicrosoft.com --role DeviceManagementServiceConfig.Read.All --json
  $ tarmac app create --tenant contoso.onmicrosoft.com --name "Tarmac console" --public --redirect-uri https://tarmac.example.com/`,
    )
    .action(run(async () => (await import('./commands/app-create.js')).appCreate));
  app
    .command('delete')
    .description('Delete an app and its secrets; its access tokens stop working within seconds on every server')
    .requiredOption('--tenant <tenant>', 'tenant id or domain')
    .requiredOption('--client-id <id>', 'the app (client) id')
    .option('--json', 'print {tenantId, clientId, deleted} as JSON')
    .action(run(async () => (await import('./commands/app-revoke.js')).appDelete));
  app
    .command('revoke-tokens')
    .description('Refuse every access token the app was issued until now (its secrets still get new ones)')
    .requiredOption('--tenant <tenant>', 'tenant id or domain')
    .requiredOption('--client-id <id>', 'the app (client) id')
    .option('--json', 'print {tenantId, clientId, tokensNotBefore} as JSON')
    .action(run(async () => (await import('./commands/app-revoke.js')).appRevokeTokens));
  app
    .command('add-secret')
    .description("Add a secret to an app, shown once (roll a secret over: add, switch your clients, then remove the old one)")
    .requiredOption('--tenant <tenant>', 'tenant id or domain')
    .requiredOption('--client-id <id>', 'the app (client) id')
    .option('--expires-in-days <days>', 'the secret expires after this many days (default: never)')
    .option('--json', 'print {tenantId, clientId, secretId, clientSecret, expiresAt} as JSON')
    .action(run(async () => (await import('./commands/app-revoke.js')).appAddSecret));
  app
    .command('remove-secret')
    .description("Delete one of an app's secrets and revoke the access tokens the app was issued until now")
    .requiredOption('--tenant <tenant>', 'tenant id or domain')
    .requiredOption('--client-id <id>', 'the app (client) id')
    .requiredOption('--secret-id <id>', 'the secret id that app create or add-secret printed')
    .option('--json', 'print {tenantId, clientId, secretId, tokensNotBefore} as JSON')
    .action(run(async () => (await import('./commands/app-revoke.js')).appRemoveSecret));

  const keys = program.command('keys').description('Token signing keys (works while the server runs)');
  keys
    .command('rotate')
    .description('Make a new token signing key; the old ones keep verifying, and stay in the JWKS, for TARMAC_KEY_OVERLAP_SECONDS')
    .option('--json', 'print {kid, retired, publishedUntil} as JSON')
    .addHelpText(
      'after',
      `
Needs the key-encryption key the servers use: TARMAC_KEY_ENCRYPTION_KEY or TARMAC_KEY_ENCRYPTION_KEY_FILE
(the demo setup's own is <data dir>/key-encryption.key). Running servers sign with the new key within 30 seconds.`,
    )
    .action(run(async () => (await import('./commands/keys-rotate.js')).keysRotate));

  const user = program.command('user').description('Users who sign in (authorization code flow) with Entra directory roles');
  user
    .command('create')
    .description('Create a user in a tenant; prints a generated password once unless --password is given')
    .requiredOption('--tenant <tenant>', 'tenant id or domain')
    .requiredOption('--upn <upn>', 'user principal name on one of the tenant\'s domains, e.g. ada@contoso.onmicrosoft.com')
    .option('--name <name>', 'display name (default: the part of the UPN before @)')
    .option('--role <role...>', "directory roles: 'Global Administrator', 'Intune Administrator', 'Global Reader'")
    .option('--password <password>', 'the password (default: a generated one, printed once)')
    .option('--json', 'print {tenantId, id, userPrincipalName, displayName, roles[, password]} as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac user create --tenant contoso.onmicrosoft.com --upn ada@contoso.onmicrosoft.com --name "Ada Lovelace" --role "Intune Administrator"
  $ tarmac user create --tenant contoso.onmicrosoft.com --upn reader@contoso.onmicrosoft.com --role "Global Reader" --json`,
    )
    .action(run(async () => (await import('./commands/user-create.js')).userCreate));

  program
    .command('backup')
    .description('Back up the whole database to one file (a consistent snapshot; works while the server runs)')
    .argument('<file>', 'the file to write (gzip\'d JSON Lines; replaced only once complete)')
    .option('--level <n>', 'gzip level, 1 (fastest) to 9 (smallest); default 6')
    .option('--json', 'print {file, engine, migration, tables, rows, bytes, seconds, perTable} as JSON')
    .addHelpText(
      'after',
      `
The file holds every tenant, app (with its secrets' hashes), signing key, user, device and hash: keep it as safe as
the database. It restores into SQLite or PostgreSQL, whichever wrote it.

Examples:
  $ tarmac backup tarmac-$(date +%F).backup.gz
  $ TARMAC_DATABASE_URL=postgres://postgres@127.0.0.1/tarmac tarmac backup nightly.backup.gz`,
    )
    .action(run(async () => (await import('./commands/backup.js')).backup));
  program
    .command('restore')
    .description('Restore a backup into an empty database (either engine), then migrate it to this version')
    .argument('<file>', 'a file written by tarmac backup')
    .option('--force', 'delete every row of a database that is not empty first')
    .option('--json', 'print {file, from, tables, rows, wiped, migratedAfter, seconds} as JSON')
    .addHelpText(
      'after',
      `
Stop the server first. The database is brought to the backup's migration, the rows go in one transaction checked
against the file's checksums (a damaged file restores nothing), then it is migrated to this Tarmac's latest.

Examples:
  $ TARMAC_DATA_DIR=./restored tarmac restore nightly.backup.gz
  $ TARMAC_DATABASE_URL=postgres://postgres@127.0.0.1/tarmac tarmac restore nightly.backup.gz --force`,
    )
    .action(run(async () => (await import('./commands/backup.js')).restore));
  const audit = program.command('audit').description('The audit log: every write, who made it, before → after (works while the server runs)');
  audit
    .command('list', { isDefault: true })
    .description('List audit events, newest first')
    .option('--tenant <tenant>', 'tenant id or domain (default: every tenant)')
    .option('--since <when>', 'from this time: an ISO date or time, or a span back from now (30m, 12h, 7d)')
    .option('--until <when>', 'up to this time (same forms as --since)')
    .option('--category <category>', 'e.g. Enrollment, Device, GroupManagement, Role')
    .option('--correlation-id <id>', "a call's client-request-id (or request-id)")
    .option('--top <n>', 'at most this many events (default 100)')
    .option('--json', "print Tarmac's audit events as JSON")
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac audit --tenant contoso.onmicrosoft.com --since 7d
  $ tarmac audit list --category Enrollment --json
  $ tarmac audit --correlation-id 0f1e2d3c-aaaa-bbbb-cccc-000000000001`,
    )
    .action(run(async () => (await import('./commands/audit.js')).auditList));
  audit
    .command('purge')
    .description('Delete the events older than the retention period (TARMAC_AUDIT_RETENTION_DAYS, default 365); the server also does it hourly')
    .option('--retention-days <days>', 'keep this many days instead')
    .option('--json', 'print {purged, retentionDays} as JSON')
    .action(run(async () => (await import('./commands/audit.js')).auditPurge));

  // Online commands: they call a running Tarmac's Graph API with an app's client credentials.
  const online = (cmd: Command): Command =>
    cmd
      .option('--server <url>', 'Tarmac base URL (or $TARMAC_SERVER; default http://127.0.0.1:8080)')
      .option('--tenant <tenant>', 'tenant id or domain (or $TARMAC_TENANT)')
      .option('--client-id <id>', "the app's client id (or $TARMAC_CLIENT_ID)")
      .option('--client-secret <secret>', "the app's client secret (or $TARMAC_CLIENT_SECRET, which stays out of the process list)");
  const onlineHelp = `
Connection: --server, --tenant, --client-id, --client-secret, or TARMAC_SERVER, TARMAC_TENANT, TARMAC_CLIENT_ID,
TARMAC_CLIENT_SECRET (\`tarmac serve\` prints the demo tenant's on first start). Exit 2 when Tarmac cannot be reached
or refuses the credentials.`;

  online(program.command('import'))
    .description('Import an Autopilot CSV through the Graph API; one result per CSV line. Exit 1 if any row failed')
    .argument('<csv>', 'the CSV (any dialect or encoding `tarmac csv validate` reads), or - for stdin')
    .option('--group-tag <tag>', "set this group tag on every device (instead of the CSV's Group Tag column)")
    .option('--keep', 'keep the importedWindowsAutopilotDeviceIdentity records (deleted by default once processed)')
    .option('--timeout <seconds>', 'stop waiting for processing after this long (default 900)')
    .option('--json', 'print {summary, rows: [{line, serialNumber, status, deviceErrorCode, deviceErrorName, deviceRegistrationId}]} as JSON')
    .addHelpText(
      'after',
      `
Rows with errors in the CSV are reported at their line and not sent. Devices are sent 500 per request.
${onlineHelp}

Examples:
  $ export TARMAC_TENANT=demo.onmicrosoft.com TARMAC_CLIENT_ID=… TARMAC_CLIENT_SECRET=…
  $ tarmac import AutopilotHWID.csv
  $ tarmac import --group-tag Sales --json AutopilotHWID.csv | jq '.rows[] | select(.status != "complete")'`,
    )
    .action(run(async () => (await import('./commands/import.js')).importCsv));

  const devices = program.command('devices').description('Autopilot devices of a tenant, through the Graph API (online)');
  online(devices.command('list'))
    .description('List Autopilot devices (every page)')
    .option('--filter <odata>', "an OData $filter, e.g. \"contains(serialNumber,'5CG')\" or \"groupTag eq 'Sales'\"")
    .option('--top <n>', 'at most this many devices')
    .option('--json', 'print a JSON array of windowsAutopilotDeviceIdentity objects')
    .addHelpText(
      'after',
      `${onlineHelp}

Examples:
  $ tarmac devices list
  $ tarmac devices list --filter "contains(serialNumber,'5CG')" --json`,
    )
    .action(run(async () => (await import('./commands/devices.js')).devicesList));
  online(devices.command('get'))
    .description('Show one Autopilot device, by id or serial number')
    .argument('<id|serial>', 'the device id (ZTDID) or its serial number')
    .option('--json', 'print the windowsAutopilotDeviceIdentity as JSON')
    .addHelpText(
      'after',
      `${onlineHelp}

Examples:
  $ tarmac devices get 5CG1234XYZ
  $ tarmac devices get 8f0c6a1e-5a43-4c1e-9d0b-3c3e3b0f6f51 --json`,
    )
    .action(run(async () => (await import('./commands/devices.js')).devicesGet));
  online(devices.command('delete'))
    .description('Deregister Autopilot devices, by id or serial number. Exit 1 if any could not be deleted')
    .argument('<id|serial...>', 'device ids (ZTDID) or serial numbers')
    .option('--json', 'print [{target, id, serialNumber, status, message}] as JSON')
    .addHelpText(
      'after',
      `${onlineHelp}

Examples:
  $ tarmac devices delete 5CG1234XYZ 5CG1234XZA
  $ tarmac devices list --json | jq -r '.[].id' | xargs tarmac devices delete`,
    )
    .action(run(async () => (await import('./commands/devices.js')).devicesDelete));

  online(program.command('sync'))
    .description("Sync Autopilot devices (the portal's Sync button). Exit 1 when a sync runs or the last was too recent")
    .option('--json', 'print {status, settings} as JSON')
    .addHelpText(
      'after',
      `${onlineHelp}

Examples:
  $ tarmac sync`,
    )
    .action(run(async () => (await import('./commands/sync.js')).sync));

  const kit: CommandKit = { run, online, onlineHelp, devices };
  registerDirectoryCommands(program, kit);
  registerProfileCommands(program, kit);
  registerDeviceSideCommands(program, kit);
  registerPartnerCommands(program, kit);

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors with 1 -> report 2 (the command could not run).
      return err.exitCode === 0 ? 0 : 2;
    }
    throw err;
  }
  return exitCode;
}
