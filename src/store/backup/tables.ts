// Which tables a backup carries, found in the database itself (not a list kept in code): every table of the current
// schema (SQLite: the file; PostgreSQL: current_schema(), so a search_path in TARMAC_DATABASE_URL is honoured), minus
// the exclusions below, each with its reason. A table a later migration adds is carried without any change here.
// Promises: `describeTables` lists every table of the schema exactly once, either in `tables` (parents before the
// tables that reference them, columns sorted by name, each with its engine-neutral kind) or in `excluded` with a
// reason; a column whose type has no engine-neutral kind is an error naming it, never silently dropped.
import { sql, type Kysely } from 'kysely';
import { engineOf, type Engine } from '../engine.js';

/** How a value is carried in the file, whatever the engine stored it as. */
export type ValueKind = 'text' | 'integer' | 'real' | 'blob';

export interface ColumnInfo {
  name: string;
  kind: ValueKind;
  /** The engine's own type, lowercased (converts canonical values back on insert: PostgreSQL boolean, bytea, …). */
  nativeType: string;
  /** PostgreSQL: the column takes its value from a sequence (serial or identity), reset after a restore. */
  sequenced: boolean;
  /** PostgreSQL: GENERATED ALWAYS AS IDENTITY (an explicit value needs OVERRIDING SYSTEM VALUE). */
  identityAlways: boolean;
}

export interface TableInfo {
  name: string;
  /** Sorted by name: the file's column order, the same from either engine. */
  columns: ColumnInfo[];
  /** Tables this one references (foreign keys), itself excluded. */
  references: string[];
  /** SQLite: the key to page through the table in order (['rowid'] for ordinary tables). */
  pageKey: string[];
}

export interface ExcludedTable {
  name: string;
  reason: string;
}

export interface TablePlan {
  engine: Engine;
  /** Parents before children (foreign keys), then by name. */
  tables: TableInfo[];
  excluded: ExcludedTable[];
}

/** The migration bookkeeping: the file's header carries the applied migrations instead. */
export const MIGRATION_TABLES = ['tarmac_migrations', 'tarmac_migrations_lock'];

/**
 * Tables left out by name, with why. Everything else in the schema is carried. The SQLite search tables (migrations
 * 0003 and 0009) are derived from autopilot_devices: the triggers on autopilot_devices refill the link table, its
 * tenant partitions and the FTS5 index as the devices are restored, so restoring them too would double them.
 */
const EXCLUDED_BY_NAME: Readonly<Record<string, string>> = {
  tarmac_migrations: 'migration bookkeeping: the header lists the applied migrations, and restore migrates the database itself',
  tarmac_migrations_lock: 'migration bookkeeping (the migrator lock row)',
  autopilot_device_search: 'derived (SQLite search link table, migrations 0003/0009): refilled by the autopilot_devices triggers on restore',
  autopilot_device_search_tenants: "derived (SQLite search partitions, migration 0009): refilled by the autopilot_devices triggers on restore",
  audit_purge_gate: 'always empty outside a purge (SQLite only, migration 0012): the switch that lets the retention purge delete audit events',
};

/** Derived rows that no trigger removes when their source rows are deleted: restore --force clears them itself. */
export const DERIVED_CLEARED_ON_WIPE = ['autopilot_device_search_tenants'];

export class BackupSchemaError extends Error {
  override readonly name = 'BackupSchemaError';
}

/** `executor` is the database or a connection pinned for a snapshot; both engines. */
export async function describeTables(executor: Kysely<unknown>): Promise<TablePlan> {
  const engine = engineOf(executor);
  const { tables, excluded } = engine === 'sqlite' ? await describeSqlite(executor) : await describePostgres(executor);
  return { engine, tables: parentsFirst(tables), excluded: excluded.sort((a, b) => a.name.localeCompare(b.name)) };
}

async function describeSqlite(db: Kysely<unknown>): Promise<{ tables: TableInfo[]; excluded: ExcludedTable[] }> {
  const { rows: objects } = await sql<{ name: string; sql: string | null }>`
    select name, sql from sqlite_master where type = 'table' order by name`.execute(db);
  const virtual = objects.filter((o) => /^\s*create\s+virtual\s+table/i.test(o.sql ?? '')).map((o) => o.name);
  const tables: TableInfo[] = [];
  const excluded: ExcludedTable[] = [];
  for (const { name, sql: ddl } of objects) {
    const reason = sqliteExclusion(name, virtual);
    if (reason !== undefined) {
      excluded.push({ name, reason });
      continue;
    }
    const { rows: cols } = await sql<{ name: string; type: string; pk: number }>`select name, type, pk from pragma_table_info(${name})`.execute(db);
    const { rows: fks } = await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${name})`.execute(db);
    const withoutRowid = /\)\s*(strict\s*,\s*)?without\s+rowid/i.test(ddl ?? '');
    const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    tables.push({
      name,
      columns: cols
        .map((c) => ({ name: c.name, kind: sqliteKind(name, c.name, c.type), nativeType: c.type.toLowerCase(), sequenced: false, identityAlways: false }))
        .sort(byName),
      references: [...new Set(fks.map((f) => f.table))].filter((t) => t !== name),
      pageKey: withoutRowid ? pk : ['rowid'],
    });
  }
  return { tables, excluded };
}

function sqliteExclusion(name: string, virtual: string[]): string | undefined {
  if (name.startsWith('sqlite_')) return "SQLite's own bookkeeping (sqlite_sequence follows the restored rows by itself)";
  if (EXCLUDED_BY_NAME[name] !== undefined) return EXCLUDED_BY_NAME[name];
  if (virtual.includes(name)) return 'derived (an FTS5 index over restored rows): refilled by its triggers on restore';
  const owner = virtual.find((v) => name.startsWith(`${v}_`));
  if (owner !== undefined) return `derived (a shadow table of the FTS5 index ${owner})`;
  return undefined;
}

/** SQLite's affinity rules (https://sqlite.org/datatype3.html §3.1), narrowed to what can cross to PostgreSQL. */
function sqliteKind(table: string, column: string, declared: string): ValueKind {
  const t = declared.toUpperCase();
  if (t.includes('INT') || t.includes('BOOL')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT') || t.includes('DATE') || t.includes('TIME') || t.includes('JSON')) return 'text';
  if (t.includes('BLOB')) return 'blob';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'real';
  throw new BackupSchemaError(`Column ${table}.${column} has the type "${declared}", which a backup cannot carry between engines; give it a text, integer, real or blob type.`);
}

async function describePostgres(db: Kysely<unknown>): Promise<{ tables: TableInfo[]; excluded: ExcludedTable[] }> {
  const { rows: names } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const { rows: cols } = await sql<{ table: string; name: string; type: string; default: string | null; identity: string | null }>`
    select table_name as "table", column_name as name, data_type as type, column_default as "default",
           case when is_identity = 'YES' then identity_generation end as identity
    from information_schema.columns where table_schema = current_schema()`.execute(db);
  const { rows: fks } = await sql<{ child: string; parent: string }>`
    select c.relname as child, p.relname as parent
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
    where k.contype = 'f' and k.connamespace = (select oid from pg_namespace where nspname = current_schema())`.execute(db);
  const tables: TableInfo[] = [];
  const excluded: ExcludedTable[] = [];
  for (const { name } of names) {
    const reason = EXCLUDED_BY_NAME[name];
    if (reason !== undefined) {
      excluded.push({ name, reason });
      continue;
    }
    tables.push({
      name,
      columns: cols
        .filter((c) => c.table === name)
        .map((c) => ({
          name: c.name,
          kind: postgresKind(name, c.name, c.type),
          nativeType: c.type,
          sequenced: c.identity !== null || (c.default ?? '').startsWith('nextval('),
          identityAlways: c.identity === 'ALWAYS',
        }))
        .sort(byName),
      references: [...new Set(fks.filter((f) => f.child === name).map((f) => f.parent))].filter((t) => t !== name),
      pageKey: [],
    });
  }
  return { tables, excluded };
}

function postgresKind(table: string, column: string, type: string): ValueKind {
  switch (type) {
    case 'text':
    case 'character varying':
    case 'character':
    case 'uuid':
    case 'json':
    case 'jsonb':
    case 'date':
    case 'timestamp with time zone':
    case 'timestamp without time zone':
      return 'text';
    case 'integer':
    case 'bigint':
    case 'smallint':
    case 'boolean':
      return 'integer';
    case 'real':
    case 'double precision':
      return 'real';
    case 'bytea':
      return 'blob';
    default:
      throw new BackupSchemaError(`Column ${table}.${column} has the type "${type}", which a backup cannot carry between engines; give it a text, integer, real or bytea type.`);
  }
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Topological order over foreign keys (parents first), ties by name, so restore can insert in file order. */
function parentsFirst(tables: TableInfo[]): TableInfo[] {
  const byTable = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const order: TableInfo[] = [];
  const visiting = new Set<string>();
  const visit = (t: TableInfo): void => {
    if (done.has(t.name)) return;
    if (visiting.has(t.name)) throw new BackupSchemaError(`The foreign keys between tables form a cycle through ${t.name}; backup cannot order them.`);
    visiting.add(t.name);
    for (const parent of [...t.references].sort()) {
      const p = byTable.get(parent);
      if (p !== undefined) visit(p);
    }
    visiting.delete(t.name);
    done.add(t.name);
    order.push(t);
  };
  for (const t of [...tables].sort(byName)) visit(t);
  return order;
}
