// Which engine a Kysely instance talks to, for the few places (migrations, error mapping) that differ.
import { PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

export function engineOf<T>(db: Kysely<T>): Engine {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  throw new Error(`Tarmac supports SQLite and PostgreSQL; this Kysely instance uses ${adapter.constructor.name}.`);
}
