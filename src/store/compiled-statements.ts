// Statements whose SQL Kysely compiles once per shape, then run again with new parameters. On the hot paths, building
// and compiling a statement with Kysely cost more than running it: the PC's identity-key lookup (holdersOf,
// device-repository.ts), and an import POST's 500-row INSERT of 23 columns (~1.3–3 ms and ~1 MB of garbage a POST,
// heap profile, 2026-12-05).
import { CompiledQuery, type Insertable, type QueryResult } from 'kysely';
import { engineOf } from './engine.js';
import type { Executor } from './executor.js';
import { eachRowQuery } from './sqlite-driver.js';
import type { DatabaseSchema } from './schema.js';

/** SQL text per shape (whatever decides the text: how many values of each kind, the columns and row count, …). */
export class StatementCache {
  readonly #statements = new Map<string, string>();

  constructor(private readonly maxShapes: number) {}

  /**
   * Runs the statement of `shape` with `parameters`: the SQL kept for that shape, else `compile()`'s, which is kept
   * only when Kysely binds exactly these parameters in this order (every value a parameter, none inlined).
   */
  async execute<R>(db: Executor, shape: string, parameters: unknown[], compile: () => CompiledQuery<R>): Promise<QueryResult<R>> {
    const cached = this.#statements.get(shape);
    if (cached !== undefined) return db.executeQuery<R>(CompiledQuery.raw(cached, parameters));
    const compiled = compile();
    this.#keep(shape, compiled, parameters);
    return db.executeQuery(compiled);
  }

  /**
   * The SQL of `shape` for a caller that runs it itself: the SQL kept, else `compile()`'s when Kysely binds exactly
   * `parameters` in this order (kept then); undefined when it inlines any value.
   */
  sqlOf(shape: string, parameters: unknown[], compile: () => CompiledQuery): string | undefined {
    const cached = this.#statements.get(shape);
    if (cached !== undefined) return cached;
    const compiled = compile();
    return this.#keep(shape, compiled, parameters) ? compiled.sql : undefined;
  }

  /** Keeps `compiled`'s SQL for `shape` (room permitting) when it binds exactly `parameters`; whether it does. */
  #keep(shape: string, compiled: CompiledQuery, parameters: unknown[]): boolean {
    const reusable = sameParameters(compiled.parameters, parameters);
    if (reusable && this.#statements.size < this.maxShapes) this.#statements.set(shape, compiled.sql);
    return reusable;
  }
}

/** Shapes kept per table: enough for a full chunk and the odd last one of any import. */
const MAX_INSERT_SHAPES = 16;

/**
 * INSERTs of many rows into one table. On PostgreSQL one multi-row statement a call (one round trip), its SQL kept
 * per shape (the engine, the columns and the number of rows) in a StatementCache. On SQLite, where a statement costs
 * no round trip, the single-row statement of the columns runs once per row, in one call of the driver
 * (eachRowQuery), unless `oneStatementOnSqlite`: a table whose insert trigger feeds an FTS5 index (autopilot_devices)
 * takes one multi-row statement there too: FTS5 writes its pending terms out as a new segment at the end of every
 * statement (and merges the small segments as they pile up), so 500 devices row by row took 47–61 ms against 19–26 ms
 * in one statement (2026-12-07).
 */
export class CompiledInsert<T extends keyof DatabaseSchema & string> {
  readonly #statements = new StatementCache(MAX_INSERT_SHAPES);

  constructor(
    private readonly table: T,
    private readonly options: { oneStatementOnSqlite?: boolean } = {},
  ) {}

  /** Inserts `rows` (one statement on PostgreSQL; the caller chunks), each with the same columns. */
  async run(db: Executor, rows: Insertable<DatabaseSchema[T]>[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    // Rows with other columns than the first (Kysely would fill the gaps with DEFAULT): Kysely's own statement.
    if (!rows.every((row) => sameColumns(row, columns))) {
      await db.insertInto(this.table).values(rows as never).execute();
      return;
    }
    const engine = engineOf<DatabaseSchema>(db);
    if (engine === 'sqlite' && this.options.oneStatementOnSqlite !== true) {
      const values = rows.map((row) => columns.map((c) => (row as Record<string, unknown>)[c]));
      const oneRow = this.#statements.sqlOf(`sqlite:one row:${columns.join(',')}`, values[0]!, () => db.insertInto(this.table).values(rows[0] as never).compile());
      // Kysely inlined a value: its own multi-row statement.
      if (oneRow === undefined) await db.insertInto(this.table).values(rows as never).execute();
      else await db.executeQuery(eachRowQuery(oneRow, values));
      return;
    }
    const parameters = rows.flatMap((row) => columns.map((c) => (row as Record<string, unknown>)[c]));
    await this.#statements.execute(db, `${engine}:${rows.length}:${columns.join(',')}`, parameters, () =>
      db.insertInto(this.table).values(rows as never).compile(),
    );
  }
}

function sameColumns(row: object, columns: string[]): boolean {
  const keys = Object.keys(row);
  return keys.length === columns.length && keys.every((k, i) => k === columns[i]);
}

function sameParameters(bound: readonly unknown[], ours: readonly unknown[]): boolean {
  return bound.length === ours.length && bound.every((p, i) => p === ours[i]);
}
