// From a list query (src/model/list-query.ts, parsed by src/http/odata) to SQL (Kysely), the same on SQLite and
// PostgreSQL except for substring search.
//
// Semantics (see README.md): string comparisons and functions are case-insensitive (lower() on both sides);
// enums compare with their canonical member name; every predicate is two-valued (NULL-safe), so `not` means what
// it says; sort keys coalesce NULL so that keyset comparisons stay total.
import { sql, type Expression, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import {
  LAMBDA_ELEMENT,
  resolveProperty,
  type EntityModel,
  type FilterNode,
  type FilterValue,
  type KeysetPosition,
  type ListPage,
  type ListQuery,
  type OrderByItem,
  type ResolvedProperty,
  type SortValue,
  type StringFunction,
} from '../../model/index.js';
import type { Engine } from '../engine.js';

/** Below this many characters a trigram index cannot help; SQLite then scans with LIKE. */
export const MIN_INDEXED_NEEDLE = 3;

export function compileFilter(node: FilterNode, model: EntityModel, engine: Engine): RawBuilder<SqlBool> {
  switch (node.kind) {
    case 'and':
    case 'or':
      return sql<SqlBool>`(${compileFilter(node.left, model, engine)} ${sql.raw(node.kind)} ${compileFilter(node.right, model, engine)})`;
    case 'not':
      return sql<SqlBool>`(not ${compileFilter(node.operand, model, engine)})`;
    case 'compare':
      return compileCompare(node.op, property(model, node.property), node.value, model);
    case 'function':
      return compileFunction(node.fn, property(model, node.property), node.value, model, engine);
    case 'lambda':
      return compileLambda(node, model, engine);
  }
}

/**
 * `coll/any(p: pred)` → EXISTS (an element row of this entity satisfying pred); `coll/all(p: pred)` → NOT EXISTS (an
 * element row not satisfying it), true for an empty collection as OData says. The element rows are found by the
 * entity key (the element table's primary key starts with it).
 */
function compileLambda(node: Extract<FilterNode, { kind: 'lambda' }>, model: EntityModel, engine: Engine): RawBuilder<SqlBool> {
  const p = property(model, node.property);
  const source = p.collection;
  if (!source) throw new Error(`Property ${node.property} of ${model.name} has no collection source`);
  const alias = `${source.table}_element`;
  const element: EntityModel = {
    name: `${model.name}.${node.property}`,
    table: alias,
    key: { property: LAMBDA_ELEMENT, column: source.valueColumn },
    properties: { [LAMBDA_ELEMENT]: { column: source.valueColumn, type: 'string' } },
  };
  const rows = sql`select 1 from ${sql.table(source.table)} as ${sql.id(alias)} where ${sql.ref(`${alias}.${source.foreignKey}`)} = ${column(model, model.key)}`;
  if (!node.predicate) return node.quantifier === 'any' ? sql<SqlBool>`exists (${rows})` : sql<SqlBool>`(1 = 1)`;
  const predicate = compileFilter(node.predicate, element, engine);
  return node.quantifier === 'any'
    ? sql<SqlBool>`exists (${rows} and ${predicate})`
    : sql<SqlBool>`(not exists (${rows} and not ${predicate}))`;
}

function property(model: EntityModel, name: string): ResolvedProperty {
  const p = resolveProperty(model, name);
  if (!p) throw new Error(`Property ${name} is not in the ${model.name} model`);
  return p;
}

function column(model: EntityModel, p: { column: string }): RawBuilder<unknown> {
  return sql.ref(`${model.table}.${p.column}`);
}

const SQL_OP = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

function compileCompare(op: keyof typeof SQL_OP, p: ResolvedProperty, value: FilterValue, model: EntityModel): RawBuilder<SqlBool> {
  const col = column(model, p);
  if (value === null) {
    if (p.emptyIsNull) return op === 'eq' ? sql<SqlBool>`(${col} is null or ${col} = '')` : sql<SqlBool>`(${col} is not null and ${col} <> '')`;
    return op === 'eq' ? sql<SqlBool>`(${col} is null)` : sql<SqlBool>`(${col} is not null)`;
  }
  let predicate: RawBuilder<SqlBool>;
  const o = sql.raw(SQL_OP[op]);
  if (p.type === 'string') {
    predicate = p.storedLowercase
      ? sql<SqlBool>`${col} ${o} lower(cast(${value} as text))`
      : sql<SqlBool>`lower(${col}) ${o} lower(cast(${value} as text))`;
  } else if (p.type === 'boolean') {
    predicate = sql<SqlBool>`${col} ${o} ${value ? 1 : 0}`;
  } else {
    predicate = sql<SqlBool>`${col} ${o} ${value}`;
  }
  return nullSafe(p, col, predicate, op === 'ne');
}

/** On a nullable column, `x op v` is false (true for ne) when x is NULL, instead of SQL's unknown. */
function nullSafe(p: ResolvedProperty, col: RawBuilder<unknown>, predicate: RawBuilder<SqlBool>, trueOnNull: boolean): RawBuilder<SqlBool> {
  if (!p.nullable) return predicate;
  return trueOnNull ? sql<SqlBool>`(${col} is null or ${predicate})` : sql<SqlBool>`(${col} is not null and ${predicate})`;
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function compileFunction(fn: StringFunction, p: ResolvedProperty, needle: string, model: EntityModel, engine: Engine): RawBuilder<SqlBool> {
  const col = column(model, p);
  const escaped = escapeLike(needle);
  const pattern = fn === 'contains' ? `%${escaped}%` : fn === 'startswith' ? `${escaped}%` : `%${escaped}`;
  // PostgreSQL: a pg_trgm GIN index on lower(column) serves this directly.
  const like = sql<SqlBool>`lower(${col}) like lower(cast(${pattern} as text)) escape '\\'`;
  const fts = p.searchable?.sqlite;
  if (engine === 'sqlite' && fts && [...needle].length >= MIN_INDEXED_NEEDLE) {
    // FTS5 trigram phrase query = case-insensitive substring match, answered from the index.
    const phrase = `"${needle.replace(/"/g, '""')}"`;
    const hit = sql<SqlBool>`${column(model, model.key)} in (select ${sql.ref(`${fts.linkTable}.${fts.linkKey}`)} from ${sql.table(fts.linkTable)} where ${sql.ref(`${fts.linkTable}.${fts.linkRowid}`)} in (select rowid from ${sql.table(fts.ftsTable)} where ${sql.table(fts.ftsTable)} match ${phrase}))`;
    return fn === 'contains' ? hit : sql<SqlBool>`(${hit} and ${like})`;
  }
  return nullSafe(p, col, like, false);
}

/** The expression a sort key is ordered and compared by (NULLs coalesced so that comparisons stay total). */
function sortExpression(model: EntityModel, item: OrderByItem): RawBuilder<unknown> {
  const col = column(model, item);
  if (!item.nullable) return col;
  return sql`coalesce(${col}, ${nullSortValue(item)})`;
}

function nullSortValue(item: OrderByItem): SortValue {
  return item.type === 'int' || item.type === 'boolean' ? Number.MIN_SAFE_INTEGER : '';
}

function keysetCondition(model: EntityModel, orderBy: OrderByItem[], position: KeysetPosition): RawBuilder<SqlBool> {
  const keys: { expr: RawBuilder<unknown>; dir: 'asc' | 'desc'; value: SortValue }[] = [
    ...orderBy.map((o, i) => ({ expr: sortExpression(model, o), dir: o.direction, value: position.values[i] })),
    { expr: column(model, model.key), dir: 'asc' as const, value: position.key },
  ];
  if (keys.every((k) => k.dir === 'asc')) {
    // Row-value comparison: one range condition, which both engines can answer from an index.
    if (keys.length === 1) return sql<SqlBool>`${keys[0].expr} > ${keys[0].value}`;
    return sql<SqlBool>`(${sql.join(keys.map((k) => k.expr))}) > (${sql.join(keys.map((k) => sql`${k.value}`))})`;
  }
  const terms = keys.map((k, i) => {
    const equal = keys.slice(0, i).map((e) => sql<SqlBool>`${e.expr} = ${e.value}`);
    const after = sql<SqlBool>`${k.expr} ${sql.raw(k.dir === 'asc' ? '>' : '<')} ${k.value}`;
    return sql<SqlBool>`(${sql.join([...equal, after], sql` and `)})`;
  });
  return sql<SqlBool>`(${sql.join(terms, sql` or `)})`;
}

/** True when every row the filter can match has an indexed property equal to a value (eq on an `indexed` property in every branch). */
export function pinsIndexedProperty(node: FilterNode, model: EntityModel): boolean {
  switch (node.kind) {
    case 'and':
      return pinsIndexedProperty(node.left, model) || pinsIndexedProperty(node.right, model);
    case 'or':
      return pinsIndexedProperty(node.left, model) && pinsIndexedProperty(node.right, model);
    case 'compare':
      return node.op === 'eq' && node.value !== null && resolveProperty(model, node.property)?.indexed === true;
    default:
      return false;
  }
}

/** Applies $filter only (for counts, or callers that shape the query themselves). */
export function applyFilter<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  query: ListQuery,
  engine: Engine,
): SelectQueryBuilder<DB, TB, O> {
  return query.filter ? qb.where(compileFilter(query.filter, query.model, engine) as Expression<SqlBool>) : qb;
}

/**
 * Applies $filter, the keyset position of $skiptoken (or $skip), $orderby (+ key tiebreaker) and a limit of
 * top + 1 (the extra row only tells whether there is a next page; fetchPage drops it). The caller's builder
 * brings the FROM, the selection and its own conditions (the tenant).
 */
export function applyListQuery<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  query: ListQuery,
  engine: Engine,
): SelectQueryBuilder<DB, TB, O> {
  const { model } = query;
  let q = applyFilter(qb, query, engine);
  if (query.skipToken) q = q.where(keysetCondition(model, query.orderBy, query.skipToken) as Expression<SqlBool>);
  // SQLite without ANALYZE statistics (the usual case) prefers walking the (tenant, key) index in ORDER BY order
  // over a selective equality index, scanning the whole tenant to find one serial number. When the filter pins an
  // indexed property, a unary + (SQLite's documented way to disqualify an index for a term; a no-op on values)
  // makes it use the equality index and sort the few matches.
  const plus = engine === 'sqlite' && query.filter !== undefined && pinsIndexedProperty(query.filter, model);
  const ordered = (e: RawBuilder<unknown>) => (plus ? sql`+${e}` : e);
  for (const item of query.orderBy) q = q.orderBy(ordered(sortExpression(model, item)), item.direction);
  q = q.orderBy(ordered(column(model, model.key)), 'asc');
  q = q.limit(query.top + 1);
  if (query.skip > 0 && !query.skipToken) q = q.offset(query.skip);
  return q;
}

/** `select count(*)` over the caller's builder with $filter applied (ignores paging); for `@odata.count`. */
export async function countRows<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  query: ListQuery,
  engine: Engine,
): Promise<number> {
  const row = (await applyFilter(qb, query, engine)
    .clearSelect()
    .clearOrderBy()
    .select(sql<number | string | bigint>`count(*)`.as('odata_count'))
    .executeTakeFirst()) as { odata_count: number | string | bigint } | undefined;
  return Number(row?.odata_count ?? 0);
}

export interface RowPage<Row> {
  /** At most `top` rows. */
  rows: Row[];
  /** There is at least one more row after these. */
  hasMore: boolean;
  /** When hasMore: the position the next page starts after (http encodes it as the $skiptoken of the nextLink). */
  next: KeysetPosition | undefined;
}

/** Runs applyListQuery and splits off the look-ahead row. Rows must carry the key and $orderby columns. */
export async function fetchPage<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  query: ListQuery,
  engine: Engine,
): Promise<RowPage<O>> {
  if (query.top === 0) return { rows: [], hasMore: false, next: undefined };
  const rows = await applyListQuery(qb, query, engine).execute();
  const hasMore = rows.length > query.top;
  const page = hasMore ? rows.slice(0, query.top) : rows;
  return { rows: page, hasMore, next: hasMore ? keysetPositionOf(query, page[page.length - 1] as Record<string, unknown>) : undefined };
}

/** The keyset position just after `lastRow` (a row as the database returned it, with column names). */
export function keysetPositionOf(query: ListQuery, lastRow: Record<string, unknown>): KeysetPosition {
  const { model } = query;
  const values = query.orderBy.map((item) => {
    if (!(item.column in lastRow)) throw new Error(`keysetPositionOf: the row has no column ${item.column} (select it to sort by ${item.property})`);
    const v = lastRow[item.column];
    if (v === null || v === undefined) return nullSortValue(item);
    if (typeof v === 'string' || typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    throw new Error(`keysetPositionOf: column ${item.column} holds a ${typeof v}, which cannot be a sort key`);
  });
  const key = lastRow[model.key.column];
  if (typeof key !== 'string') throw new Error(`keysetPositionOf: the row has no string key column ${model.key.column}`);
  return { values, key };
}

/** One page of a list query over `base` (the tenant's rows): the rows as domain objects, the next position, the count. */
export async function listPage<DB, TB extends keyof DB, O, T>(
  base: SelectQueryBuilder<DB, TB, O>,
  query: ListQuery,
  engine: Engine,
  toItems: (rows: O[]) => T[] | Promise<T[]>,
): Promise<ListPage<T>> {
  const page = await fetchPage(base, query, engine);
  return {
    items: await toItems(page.rows),
    next: page.next,
    count: query.count ? await countRows(base, query, engine) : undefined,
  };
}
