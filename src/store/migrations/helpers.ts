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
