// Multi-row INSERTs whose SQL Kysely compiles once per shape (the table's columns and the number of rows), then run
// again with new parameters. An import POST inserts 500 queue rows of 23 columns: building and compiling that
// statement anew cost ~1.3–3 ms and ~1 MB of garbage a POST (heap profile, 2026-12-05), more than binding it.
import { CompiledQuery, type Insertable } from 'kysely';
import type { Executor } from './executor.js';
import type { DatabaseSchema } from './schema.js';

/** Shapes kept per table: enough for a full chunk and the odd last one of any import. */
const MAX_SHAPES = 16;

export class CompiledInsert<T extends keyof DatabaseSchema & string> {
  readonly #statements = new Map<string, string>();

  constructor(private readonly table: T) {}

  /** Inserts `rows` (one statement; the caller chunks), each with the same columns. */
  async run(db: Executor, rows: Insertable<DatabaseSchema[T]>[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    // Rows with other columns than the first (Kysely would fill the gaps with DEFAULT): Kysely's own statement.
    if (!rows.every((row) => sameColumns(row, columns))) {
      await db.insertInto(this.table).values(rows as never).execute();
      return;
    }
    const parameters = rows.flatMap((row) => columns.map((c) => (row as Record<string, unknown>)[c]));
    const shape = `${rows.length}:${columns.join(',')}`;
    const cached = this.#statements.get(shape);
    if (cached !== undefined) {
      await db.executeQuery(CompiledQuery.raw(cached, parameters));
      return;
    }
    const compiled = db.insertInto(this.table).values(rows as never).compile();
    // Kept only when Kysely binds exactly these parameters in this order (every value a parameter, none inlined).
    if (this.#statements.size < MAX_SHAPES && sameParameters(compiled.parameters, parameters)) this.#statements.set(shape, compiled.sql);
    await db.executeQuery(compiled);
  }
}

function sameColumns(row: object, columns: string[]): boolean {
  const keys = Object.keys(row);
  return keys.length === columns.length && keys.every((k, i) => k === columns[i]);
}

/** Whether Kysely bound exactly `ours`, in order. */
export function sameParameters(bound: readonly unknown[], ours: readonly unknown[]): boolean {
  return bound.length === ours.length && bound.every((p, i) => p === ours[i]);
}
