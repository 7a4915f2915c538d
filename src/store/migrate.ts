// Bringing a database to the latest schema. Safe to run from several processes at once: PostgreSQL takes Kysely's
// advisory lock, SQLite runs each migration inside BEGIN IMMEDIATE (see database.ts).
import { Migrator, sql, type DatabaseIntrospector, type Kysely, type MigrationResult } from 'kysely';
import { engineOf } from './engine.js';
import { migrations } from './migrations/index.js';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * On PostgreSQL, Tarmac lives in the connection's current schema (`public`, or the first of a search_path given
 * with `?options=-c search_path=…` in TARMAC_DATABASE_URL), and so does its migration bookkeeping: Kysely would
 * otherwise see another schema's migration table and think this one is migrated.
 */
async function migrator(db: Kysely<unknown>): Promise<Migrator> {
  let migrationTableSchema: string | undefined;
  if (engineOf(db) === 'postgres') {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema;
    if (!schema) {
      throw new MigrationError(
        'The PostgreSQL search_path names no existing schema; create the schema first (create schema <name>) or drop the search_path option.',
      );
    }
    migrationTableSchema = schema;
  }
  return new Migrator({
    db: migrationTableSchema === undefined ? db : withIntrospectionOf(db, migrationTableSchema),
    provider: { getMigrations: async () => ({ ...migrations }) },
    migrationTableName: 'tarmac_migrations',
    migrationLockTableName: 'tarmac_migrations_lock',
    migrationTableSchema,
  });
}

/**
 * `db`, with an introspector that sees only `schema`. Kysely's Migrator asks whether its two tables exist by listing
 * every table of the database with all its columns (PostgreSQL's introspector reads the catalogs of every schema), so
 * each migration run grew with the number of schemas in the database: 0.28 s with 5, 0.56 s with 35 (the tests give
 * each test a schema). The Migrator reads only the schemas' and tables' names.
 */
function withIntrospectionOf(db: Kysely<unknown>, schema: string): Kysely<unknown> {
  const introspector: DatabaseIntrospector = {
    async getSchemas() {
      const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db);
      return rows;
    },
    async getTables() {
      const { rows } = await sql<{ name: string; isView: boolean }>`select c.relname as name, c.relkind in ('v', 'm') as "isView"
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${schema} and c.relkind in ('r', 'p', 'v', 'm')`.execute(db);
      return rows.map((r) => ({ ...r, schema, columns: [] }));
    },
    async getMetadata() {
      return { tables: await this.getTables() };
    },
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspector;
      const value: unknown = Reflect.get(target, property, target);
      // Kysely keeps its state in private fields: its methods must run on the real instance.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Runs every pending migration; returns the names it ran (empty when already up to date). */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  const { error, results } = await (await migrator(db as Kysely<unknown>)).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error')?.migrationName;
    const cause = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      failed ? `Migration ${failed} failed: ${cause}` : `Cannot migrate the database: ${cause}`,
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Runs the pending migrations up to and including `name`, no further (restore brings an empty database to the level of
 * its backup first). Never migrates down: the caller checks that the database is not past `name`.
 */
export async function migrateUpTo<T>(db: Kysely<T>, name: string): Promise<string[]> {
  const { error, results } = await (await migrator(db as Kysely<unknown>)).migrateTo(name);
  if (error !== undefined) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error')?.migrationName;
    const cause = error instanceof Error ? error.message : String(error);
    throw new MigrationError(failed ? `Migration ${failed} failed: ${cause}` : `Cannot migrate the database to ${name}: ${cause}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of all migrations with whether they ran; for diagnostics and tests. */
export async function migrationStatus<T>(db: Kysely<T>): Promise<{ name: string; executedAt: Date | undefined }[]> {
  const list = await (await migrator(db as Kysely<unknown>)).getMigrations();
  return list.map((m) => ({ name: m.name, executedAt: m.executedAt }));
}
