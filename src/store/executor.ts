// What every repository runs on: the database or an open transaction on it.
import type { Kysely, Transaction } from 'kysely';
import type { DatabaseSchema } from './schema.js';

export type Executor = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/** Rows per multi-row INSERT: well under PostgreSQL's 65535 bind parameters for the widest table. */
export const INSERT_CHUNK = 500;
/** Values per IN (…) list. */
export const IN_CHUNK = 1000;

/** Runs `write` in the transaction `db` already is, or in a new one. */
export async function atomically<T>(db: Executor, write: (trx: Executor) => Promise<T>): Promise<T> {
  if (db.isTransaction) return write(db);
  return db.transaction().execute(write);
}

