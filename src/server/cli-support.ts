// What the tenant and app commands share: configuration, a migrated database for the length of a command, error
// reporting with exit codes (0 ok, 1 the input is wrong, 2 the command could not run), token examples.
import type { ExitCode } from '../cli/command-kit.js';
import { ConfigError, baseUrlFor, loadConfig, type TarmacConfig } from '../config.js';
import { DatabaseOpenError, MigrationError, createTenantsStore, migrateToLatest, openDatabase } from '../store/index.js';
import { TenantsError, type TenantsStore } from '../tenants/index.js';

export interface Reporter {
  error(text: string): void;
  json(value: unknown): void;
}

/**
 * Runs `work` with the tenants store of the configured database (migrated first, so that a command works on a
 * data directory the server never opened), and turns failures into exit codes and one-line messages.
 */
export async function withTenantsStore(
  out: Reporter,
  json: boolean | undefined,
  work: (store: TenantsStore, config: TarmacConfig) => Promise<ExitCode>,
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
    return await work(createTenantsStore(db), config);
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
  if (err instanceof ConfigError) return { code: 'InvalidConfiguration', message: err.message, exit: 2 };
  if (err instanceof DatabaseOpenError) return { code: 'DatabaseUnavailable', message: err.message, exit: 2 };
  if (err instanceof MigrationError) return { code: 'MigrationFailed', message: err.message, exit: 2 };
  return { code: 'InternalError', message: err instanceof Error ? err.message : String(err), exit: 2 };
}

/** Where a server started with this configuration answers (a guess for the CLI, exact for `serve`). */
export function expectedBaseUrl(config: TarmacConfig): string {
  return baseUrlFor(config, config.port);
}

/** A ready-to-paste shell snippet: get a token, then call Graph with it. */
export function tokenExample(baseUrl: string, tenant: string, clientId: string, clientSecret: string): string[] {
  // A loopback https server almost always has a self-signed certificate.
  const insecure = /^https:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(baseUrl) ? ' -k' : '';
  return [
    `TOKEN=$(curl -s${insecure} ${baseUrl}/${tenant}/oauth2/v2.0/token \\`,
    `  -d grant_type=client_credentials \\`,
    `  -d client_id=${clientId} \\`,
    `  --data-urlencode 'client_secret=${clientSecret}' \\`,
    `  --data-urlencode scope=https://graph.microsoft.com/.default \\`,
    `  | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')`,
    `curl -s${insecure} ${baseUrl}/v1.0/organization -H "Authorization: Bearer $TOKEN"`,
  ];
}
