// What the offline commands (tenant, app, partner, oem) share: configuration, a migrated database for the length of a command, error
// reporting with exit codes (0 ok, 1 the input is wrong, 2 the command could not run), token examples.
import type { ExitCode } from '../cli/command-kit.js';
import { ConfigError, baseUrlFor, loadConfig, type TarmacConfig } from '../config.js';
// The modules themselves rather than the domains' index files: every offline command loads this file, and an index
// would load its whole domain (the partners' and tokens' code, jose) before the command does anything.
import { PartnerError } from '../partners/errors.js';
import type { Store } from '../ports.js';
import { createStore, createTenantsStore } from '../store/create-store.js';
import { DatabaseOpenError, openDatabase, type Db } from '../store/database.js';
import { MigrationError, migrateToLatest } from '../store/migrate.js';
import { TenantsError } from '../tenants/errors.js';
import type { TenantsStore } from '../tenants/ports.js';
import { KeyEncryptionError } from '../tokens/key-encryption.js';

export interface Reporter {
  error(text: string): void;
  json(value: unknown): void;
}

/**
 * Runs `work` with the tenants store of the configured database (migrated first, so that a command works on a
 * data directory the server never opened), and turns failures into exit codes and one-line messages.
 */
export function withTenantsStore(
  out: Reporter,
  json: boolean | undefined,
  work: (store: TenantsStore, config: TarmacConfig) => Promise<ExitCode>,
): Promise<ExitCode> {
  return withDatabase(out, json, (db, config) => work(createTenantsStore(db), config));
}

/** Both stores of the configured database: the tenants store and the domains' Store (relationships, registry, …). */
export interface CliStores {
  tenants: TenantsStore;
  store: Store;
}

/** withTenantsStore, for commands that also need the domains' Store (partners' relationships, …). */
export function withStores(
  out: Reporter,
  json: boolean | undefined,
  work: (stores: CliStores, config: TarmacConfig) => Promise<ExitCode>,
): Promise<ExitCode> {
  return withDatabase(out, json, (db, config) => work({ tenants: createTenantsStore(db), store: createStore(db) }, config));
}

/** Configuration, the database opened and migrated for the length of `work`, and failures as exit codes. */
async function withDatabase(
  out: Reporter,
  json: boolean | undefined,
  work: (db: Db, config: TarmacConfig) => Promise<ExitCode>,
): Promise<ExitCode> {
  let config: TarmacConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    return fail(out, json, err);
  }
  let db;
  try {
    db = await openDatabase(config);
  } catch (err) {
    return fail(out, json, err);
  }
  try {
    await migrateToLatest(db);
    return await work(db, config);
  } catch (err) {
    return fail(out, json, err);
  } finally {
    await db.destroy();
  }
}

/** Reports an error (as `{"error":{code,message}}` with --json) and returns its exit code. */
export function fail(out: Reporter, json: boolean | undefined, err: unknown): ExitCode {
  const { code, message, exit } = classify(err);
  if (json) out.json({ error: { code, message } });
  else out.error(`error: ${message}`);
  return exit;
}

function classify(err: unknown): { code: string; message: string; exit: ExitCode } {
  if (err instanceof TenantsError) return { code: err.code, message: err.message, exit: 1 };
  // The input names the wrong organisation or an unusable invitation: the user's to fix, like a TenantsError.
  if (err instanceof PartnerError) return { code: err.code, message: err.message, exit: 1 };
  if (err instanceof ConfigError) return { code: 'InvalidConfiguration', message: err.message, exit: 2 };
  if (err instanceof KeyEncryptionError) return { code: 'KeyEncryptionKey', message: err.message, exit: 2 };
  if (err instanceof DatabaseOpenError) return { code: 'DatabaseUnavailable', message: err.message, exit: 2 };
  if (err instanceof MigrationError) return { code: 'MigrationFailed', message: err.message, exit: 2 };
  return { code: 'InternalError', message: err instanceof Error ? err.message : String(err), exit: 2 };
}

/** Where a server started with this configuration answers (a guess for the CLI, exact for `serve`). */
export function expectedBaseUrl(config: TarmacConfig): string {
  return baseUrlFor(config, config.port);
}

/** What a token is for: its scope, and a first call to make with it. */
export interface TokenUse {
  scope: string;
  /** Path of a first call (appended to the base URL); without one the snippet stops at the token. */
  call?: string | undefined;
}

export const GRAPH_TOKEN_USE: TokenUse = { scope: 'https://graph.microsoft.com/.default', call: '/v1.0/organization' };

/** A ready-to-paste shell snippet: get a token (for Graph unless `use` says otherwise), then make a first call with it. */
export function tokenExample(baseUrl: string, tenant: string, clientId: string, clientSecret: string, use: TokenUse = GRAPH_TOKEN_USE): string[] {
  // A loopback https server almost always has a self-signed certificate.
  const insecure = /^https:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(baseUrl) ? ' -k' : '';
  return [
    `TOKEN=$(curl -s${insecure} ${baseUrl}/${tenant}/oauth2/v2.0/token \\`,
    `  -d grant_type=client_credentials \\`,
    `  -d client_id=${clientId} \\`,
    `  --data-urlencode 'client_secret=${clientSecret}' \\`,
    `  --data-urlencode scope=${use.scope} \\`,
    `  | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')`,
    ...(use.call !== undefined ? [`curl -s${insecure} ${baseUrl}${use.call} -H "Authorization: Bearer $TOKEN"`] : []),
  ];
}
