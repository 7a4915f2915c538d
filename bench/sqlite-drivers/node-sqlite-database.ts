// A better-sqlite3-shaped database over Node's built-in node:sqlite (Node >= 22.13 unflagged, stable in 24), so
// that Kysely's SqliteDialect and Tarmac's store run on it unchanged: use-driver.ts swaps it in for `better-sqlite3`.
// Only what Kysely's driver, src/store/database.ts and the benches call: new, pragma, exec, prepare (reader, all,
// get, run, iterate), transaction, close. Bench-only: Tarmac itself runs on better-sqlite3.
import { createRequire } from 'node:module';

// @types/node 20 (the oldest supported Node) has no node:sqlite types: the part used here, declared.
type SqliteValue = null | number | bigint | string | Uint8Array;
interface StatementSync {
  all(...params: unknown[]): Record<string, SqliteValue>[];
  get(...params: unknown[]): Record<string, SqliteValue> | undefined;
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<Record<string, SqliteValue>>;
  columns(): unknown[];
}
interface DatabaseSync {
  exec(sql: string): void;
  prepare(sql: string): StatementSync;
  close(): void;
}
const { DatabaseSync } = createRequire(import.meta.url)('node:sqlite') as { DatabaseSync: new (file: string) => DatabaseSync };

/** better-sqlite3 takes bind values spread or as one array; node:sqlite only spread. */
const flat = (params: unknown[]): unknown[] => (params.length === 1 && Array.isArray(params[0]) ? params[0] : params);

/** node:sqlite returns BLOBs as Uint8Array and rows without a prototype; better-sqlite3 gives Buffers and plain objects. */
function toRow(row: Record<string, SqliteValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in row) {
    const v = row[key];
    out[key] = v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
  }
  return out;
}

class Statement {
  readonly reader: boolean;
  constructor(private readonly stmt: StatementSync) {
    this.reader = stmt.columns().length > 0;
  }
  all(...params: unknown[]): Record<string, unknown>[] {
    return this.stmt.all(...flat(params)).map(toRow);
  }
  get(...params: unknown[]): Record<string, unknown> | undefined {
    const row = this.stmt.get(...flat(params));
    return row === undefined ? undefined : toRow(row);
  }
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.stmt.run(...flat(params));
  }
  *iterate(...params: unknown[]): IterableIterator<Record<string, unknown>> {
    for (const row of this.stmt.iterate(...flat(params))) yield toRow(row);
  }
}

export default class NodeSqliteDatabase {
  readonly #db: DatabaseSync;
  constructor(file: string) {
    this.#db = new DatabaseSync(file);
  }
  prepare(sql: string): Statement {
    return new Statement(this.#db.prepare(sql));
  }
  exec(sql: string): this {
    this.#db.exec(sql);
    return this;
  }
  pragma(source: string, options?: { simple?: boolean }): unknown {
    const rows = this.prepare(`pragma ${source}`).all();
    return options?.simple ? Object.values(rows[0] ?? {})[0] : rows;
  }
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return (...args: A) => {
      this.#db.exec('begin');
      try {
        const result = fn(...args);
        this.#db.exec('commit');
        return result;
      } catch (err) {
        this.#db.exec('rollback');
        throw err;
      }
    };
  }
  close(): this {
    this.#db.close();
    return this;
  }
}
