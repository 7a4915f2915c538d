// Engine differences in DDL, kept to column types and table options.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { engineOf } from '../engine.js';

export function columnTypes(db: Kysely<unknown>): { blob: 'blob' | 'bytea' } {
  return { blob: engineOf(db) === 'postgres' ? 'bytea' : 'blob' };
}

/** SQLite STRICT tables reject values of the wrong type, as PostgreSQL does; nothing on PostgreSQL. */
export function strictTable(db: Kysely<unknown>): RawBuilder<unknown> {
  return engineOf(db) === 'sqlite' ? sql`strict` : sql``;
}

/** Whether this PostgreSQL server was built with LZ4 (optional at build time) for TOAST compression. */
export async function lz4Available(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ lz4: boolean }>`select 'lz4' = any(enumvals) as lz4 from pg_settings where name = 'default_toast_compression'`.execute(db);
  return rows[0]?.lz4 === true;
}
