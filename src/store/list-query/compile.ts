// From a list query (src/model/list-query.ts, parsed by src/http/odata) to SQL (Kysely), the same on SQLite and
// PostgreSQL except for substring search.
//
// Semantics (see README.md): string comparisons and functions are case-insensitive (lower() on both sides);
// enums compare with their canonical member name; every predicate is two-valued (NULL-safe), so `not` means what
// it says; sort keys coalesce NULL so that keyset comparisons stay total.
//
// Cost (why fetchPage looks before it reads): a page in key order of a substring or prefix search can be read two
// ways. "index": every match from the search index, sorted, the first top + 1 kept — cost grows with the number of
// matches (a 3-letter needle can match a third of the tenant). "walk": the tenant's keys in order, each row's value
// tested, stopping at top + 1 matches — cost grows with tenant rows ÷ matches. Migration 0009 puts the searched column
// into the (tenant_id, key) index so that a walk reads only that index. The planners cannot choose between the two
// themselves: SQLite has no statistics for the FTS index, and PostgreSQL's estimate for a LIKE pattern is too coarse
// (and the order of its (tenant, serial) index correlates with the pattern). So:
// - SQLite counts the matches in the search index first, up to DENSE_MATCHES (the FTS index within the tenant's rowid
//   range, or the prefix range of the (tenant, lower(column)) index: no row is read), and walks when there are at least
//   that many, else reads them from the index;
// - PostgreSQL walks the first WALK_SAMPLE keys of the tenant (from the keyset position) first. Keys are random GUIDs,
//   so these rows are a random sample of the tenant: when they hold top + 1 matches the page is complete; when they
//   hold at least WALK_SAMPLE × WALK_DENSITY the matches are dense enough to walk on; otherwise they are few (their
//   number about WALK_DENSITY × tenant rows at most) and read from the trigram or prefix index, then sorted.
// SQLite then reads at most about max(DENSE_MATCHES, (top + 1) × tenant rows ÷ DENSE_MATCHES) rows, PostgreSQL
// WALK_SAMPLE + max((top + 1) ÷ WALK_DENSITY, WALK_DENSITY × tenant rows). Both grow with the tenant.
//
// A prefix search needs neither: without $orderby, a filter that is (or is a conjunction containing) startswith on a
// property indexed on (tenant, lower(column)) is paged in (lower(column), key) order (pageOrder, src/model/list-query.ts).
// The page is then the first top + 1 entries of the prefix's range in that index, from the skip token's position on:
// the range starts at max(prefix, position), the key breaks ties (PostgreSQL's index holds it, migration 0013; SQLite
// sorts each group of equal values, "USE TEMP B-TREE FOR LAST TERM OF ORDER BY"), and the scan stops at the LIMIT — a
// bounded read whatever the tenant's size or the number of matches. The index's order is binary: SQLite compares in binary, and on
// PostgreSQL it is text_pattern_ops (migration 0009), whose operators (~>=~, ~<~, ORDER BY … USING ~<~) the range and
// the order use, so that the database's collation plays no part. The keyset condition is then only
// `lower(column) <> value or key > last key` (prefixKeyset): PostgreSQL estimates it as keeping nearly every row of the
// range, where the spelled-out `lower(column) > value or (… = value and key > …)` made it expect few rows.
import { sql, type Expression, type QueryExecutorProvider, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
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
  isAsciiNeedle,
  pageOrder,
  prefixOrderTerm,
  type ResolvedProperty,
  type SortValue,
  type StringFunction,
  type SubstringIndex,
} from '../../model/index.js';
import type { Engine } from '../engine.js';

/** Below this many characters a trigram index cannot help; SQLite then scans with LIKE. */
export const MIN_INDEXED_NEEDLE = 3;

/** SQLite: fetchPage walks the key order instead of sorting the index's matches when a search matches at least this many. */
export const DENSE_MATCHES = 2000;

/** PostgreSQL: how many of the tenant's keys fetchPage's first, bounded walk tests. */
export const WALK_SAMPLE = 2000;

/** PostgreSQL: the share of matches in that sample from which fetchPage walks on rather than reading the index. */
export const WALK_DENSITY = 0.002;

/** What the caller's builder is restricted to, beyond what the query says. */
export interface ListScope {
  /** The tenant (the builder has `tenant_id = ?`): a search index partitioned by tenant then reads only its part. */
  tenantId?: string;
  /** The database the builder runs on, for the statements fetchPage and countRows add (without it: no probe). */
  db?: QueryExecutorProvider;
}

/**
 * Marks the statements that walk a tenant's (tenant_id, key) index in key order on purpose, bounded by a LIMIT and by
 * the density fetchPage measured; test/store/query-plans.test.ts allows exactly these tenant walks.
 */
export const KEY_ORDER_WALK = '/* key-order walk */';

/** How search functions compile: from the search index (default), or as plain LIKE tested row by row (a walk). */
export type Access = 'index' | 'walk';

interface Context {
  engine: Engine;
  scope: ListScope;
  access: Access;
  /** A page in prefix order after a keyset position: its prefix term's range starts at the position's value. */
  after?: { term: FilterNode; value: SortValue };
}

export function compileFilter(node: FilterNode, model: EntityModel, engine: Engine, scope: ListScope = {}, access: Access = 'index'): RawBuilder<SqlBool> {
  return compileNode(node, model, { engine, scope, access });
}

function compileNode(node: FilterNode, model: EntityModel, ctx: Context): RawBuilder<SqlBool> {
  switch (node.kind) {
    case 'and':
    case 'or':
      return sql<SqlBool>`(${compileNode(node.left, model, ctx)} ${sql.raw(node.kind)} ${compileNode(node.right, model, ctx)})`;
    case 'not':
      return sql<SqlBool>`(not ${compileNode(node.operand, model, ctx)})`;
    case 'compare':
      return compileCompare(node.op, property(model, node.property), node.value, model);
    case 'function':
      return compileFunction(node.fn, property(model, node.property), node.value, model, ctx, node === ctx.after?.term ? ctx.after.value : undefined);
    case 'lambda':
      return compileLambda(node, model, ctx);
  }
}

/**
 * `coll/any(p: pred)` → EXISTS (an element row of this entity satisfying pred); `coll/all(p: pred)` → NOT EXISTS (an
 * element row not satisfying it), true for an empty collection as OData says. The element rows are found by the
 * entity key (the element table's primary key starts with it).
 */
function compileLambda(node: Extract<FilterNode, { kind: 'lambda' }>, model: EntityModel, ctx: Context): RawBuilder<SqlBool> {
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
  const predicate = compileNode(node.predicate, element, { ...ctx, scope: {} });
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

/** `after`: the keyset position's value when this is the prefix term of a page in prefix order (the range starts there). */
function compileFunction(fn: StringFunction, p: ResolvedProperty, needle: string, model: EntityModel, ctx: Context, after?: SortValue): RawBuilder<SqlBool> {
  const col = column(model, p);
  const escaped = escapeLike(needle);
  const pattern = fn === 'contains' ? `%${escaped}%` : fn === 'startswith' ? `${escaped}%` : `%${escaped}`;
  // PostgreSQL: a pg_trgm GIN index on lower(column) serves this directly.
  const like = sql<SqlBool>`lower(${col}) like lower(cast(${pattern} as text)) escape '\\'`;
  if (ctx.access === 'walk') return nullSafe(p, col, like, false);
  const range = fn === 'startswith' && p.indexed ? prefixRange(needle, after) : undefined;
  if (range && ctx.engine === 'sqlite') {
    // SQLite: LIKE cannot use an index on lower(column); the same prefix as a range on it can. The range is exactly
    // the prefix (ASCII, compared in binary order), so no LIKE runs on each entry: a count of the prefix's matches
    // reads the index range and nothing else (bench query: '5CG', 380,000 matches at 1M).
    const lowered = p.storedLowercase ? col : sql`lower(${col})`;
    return nullSafe(p, col, sql<SqlBool>`(${lowered} >= ${range.from} and ${lowered} < ${range.to})`, false);
  }
  if (range && !p.storedLowercase) {
    // PostgreSQL: the range on the text_pattern_ops btree (tenant_id, lower(column)), in its own (binary) operators.
    // It is exactly the prefix (range.from is ASCII), so there is no LIKE for the planner to take to the trigram index.
    const lowered = sql`lower(${col})`;
    return nullSafe(p, col, sql<SqlBool>`(${lowered} ~>=~ cast(${range.from} as text) and ${lowered} ~<~ cast(${range.to} as text))`, false);
  }
  if (ctx.engine === 'sqlite' && ftsSearch(fn, p, needle)) {
    const hit = ftsHit(p.searchable!.sqlite, model, needle, ctx.scope);
    return fn === 'contains' ? hit : sql<SqlBool>`(${hit} and ${like})`;
  }
  return nullSafe(p, col, like, false);
}

/** SQLite answers this function from the FTS5 trigram index. */
function ftsSearch(fn: StringFunction, p: ResolvedProperty, needle: string): boolean {
  return p.searchable !== undefined && [...needle].length >= MIN_INDEXED_NEEDLE && !(fn === 'startswith' && p.indexed && prefixRange(needle) !== undefined);
}

/** The FTS5 trigram phrase query (a case-insensitive substring match, answered from the index) and its rowid bounds. */
function ftsRowids(fts: SubstringIndex['sqlite'], needle: string, scope: ListScope): RawBuilder<unknown> {
  const phrase = `"${needle.replace(/"/g, '""')}"`;
  const part = fts.partition;
  const within =
    part && scope.tenantId !== undefined
      ? sql` and rowid between (select ${sql.ref(part.base)} from ${sql.table(part.table)} where ${sql.ref(part.key)} = ${scope.tenantId}) and (select ${sql.ref(part.base)} + ${sql.lit(part.span - 1)} from ${sql.table(part.table)} where ${sql.ref(part.key)} = ${scope.tenantId})`
      : sql``;
  return sql`select rowid from ${sql.table(fts.ftsTable)} where ${sql.table(fts.ftsTable)} match ${phrase}${within}`;
}

function ftsHit(fts: SubstringIndex['sqlite'], model: EntityModel, needle: string, scope: ListScope): RawBuilder<SqlBool> {
  return sql<SqlBool>`${column(model, model.key)} in (select ${sql.ref(`${fts.linkTable}.${fts.linkKey}`)} from ${sql.table(fts.linkTable)} where ${sql.ref(`${fts.linkTable}.${fts.linkRowid}`)} in (${ftsRowids(fts, needle, scope)}))`;
}

/**
 * The range of lower-cased values starting with `needle` ([from, to) in binary order), when the needle is ASCII
 * (isAsciiNeedle). `after` (a keyset position's lower-cased value) raises `from` when it lies above it. JavaScript
 * compares UTF-16 code units, not UTF-8 bytes, but against an ASCII string both orders agree.
 */
function prefixRange(needle: string, after?: SortValue): { from: string; to: string } | undefined {
  if (!isAsciiNeedle(needle)) return undefined;
  const prefix = needle.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const to = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return { from: typeof after === 'string' && after > prefix ? after : prefix, to };
}

/**
 * The expression a sort key is ordered and compared by (NULLs coalesced so that comparisons stay total). A lowercase
 * key (prefix order) is lower(column): its rows all match the prefix, so it is never NULL.
 */
function sortExpression(model: EntityModel, item: OrderByItem): RawBuilder<unknown> {
  const col = column(model, item);
  if (item.lowercase) return sql`lower(${col})`;
  if (!item.nullable) return col;
  return sql`coalesce(${col}, ${nullSortValue(item)})`;
}

/** The column a page's rows carry the value of a lowercase sort key in (for its skip token); fetchPage removes it. */
function orderValueColumn(index: number): string {
  return `odata_order_${index}`;
}

function nullSortValue(item: OrderByItem): SortValue {
  return item.type === 'int' || item.type === 'boolean' ? Number.MIN_SAFE_INTEGER : '';
}

function keysetCondition(model: EntityModel, orderBy: OrderByItem[], position: KeysetPosition): RawBuilder<SqlBool> {
  if (orderBy.some((o) => o.lowercase)) throw new Error('keysetCondition: a prefix order takes prefixKeyset');
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

/**
 * The keyset condition of a page in prefix order (lower(column), key) after `position`, given that the prefix term's
 * range already starts at the position's value (compileFunction's `after`): of the rows from there on, those with a
 * greater value, or the same value and a greater key.
 */
function prefixKeyset(model: EntityModel, item: OrderByItem, position: KeysetPosition): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sortExpression(model, item)} <> cast(${position.values[0]} as text) or ${column(model, model.key)} > ${position.key})`;
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
  scope: ListScope = {},
  access: Access = 'index',
): SelectQueryBuilder<DB, TB, O> {
  return query.filter ? qb.where(compileFilter(query.filter, query.model, engine, scope, access) as Expression<SqlBool>) : qb;
}

/**
 * Applies $filter, the keyset position of $skiptoken (or $skip), the page order (pageOrder: $orderby, or a prefix
 * search's lower(column); + key tiebreaker) and a limit of top + 1 (the extra row only tells whether there is a next
 * page; fetchPage drops it). The caller's builder brings the FROM, the selection and its own conditions (the tenant).
 * `access` is fetchPage's choice for a search in key order (see the header): 'index' keeps the ORDER BY off the key
 * index, so that the planner reads the matches from the search index and sorts them; 'walk' tests the rows in key
 * order. A page in prefix order ignores it: it reads its prefix's range. Rows of a lowercase sort key also carry its
 * value (orderValueColumn), for the skip token.
 */
export function applyListQuery<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  query: ListQuery,
  engine: Engine,
  scope: ListScope = {},
  access?: Access,
): SelectQueryBuilder<DB, TB, O> {
  const { model } = query;
  const order = pageOrder(query);
  const prefixTerm = order.some((o) => o.lowercase) ? prefixOrderTerm(model, query.filter) : undefined;
  if (prefixTerm) access = 'index';
  if (access === 'walk' && engine === 'postgres') return postgresWalk(qb, query, scope, undefined);
  const after = prefixTerm && query.skipToken ? { term: prefixTerm, value: query.skipToken.values[0] } : undefined;
  let q = query.filter ? qb.where(compileNode(query.filter, model, { engine, scope, access: access ?? 'index', after }) as Expression<SqlBool>) : qb;
  if (query.skipToken) q = q.where((prefixTerm ? prefixKeyset(model, order[0], query.skipToken) : keysetCondition(model, order, query.skipToken)) as Expression<SqlBool>);
  // SQLite without ANALYZE statistics (the usual case) prefers walking the (tenant, key) index in ORDER BY order
  // over a selective equality index, scanning the whole tenant to find one serial number. When the filter pins an
  // indexed property, a unary + (SQLite's documented way to disqualify an index for a term; a no-op on values)
  // makes it use the equality index and sort the few matches. The same after a probe found few search matches; on
  // PostgreSQL `|| ''` does it (default order only: the key is text).
  // (SQLite's FTS plan needs no help: it reads the matching keys into a sorted list and probes them in order.)
  const pinned = engine === 'sqlite' && query.filter !== undefined && pinsIndexedProperty(query.filter, model);
  const term = access === 'index' && order.length === 0 ? searchTerm(query) : undefined;
  const sortMatches = term !== undefined && !(engine === 'sqlite' && ftsSearch(term.fn, property(model, term.property), term.value));
  const ordered = (e: RawBuilder<unknown>) => (pinned || (sortMatches && engine === 'sqlite') ? sql`+${e}` : sortMatches ? sql`(${e} || '')` : e);
  for (const [i, item] of order.entries()) {
    const e = ordered(sortExpression(model, item));
    if (!item.lowercase) {
      q = q.orderBy(e, item.direction);
      continue;
    }
    // Binary order: SQLite's own for text; on PostgreSQL text_pattern_ops' (the index's), not the collation's.
    q = engine === 'postgres' ? q.orderBy(sql`${e} using ~<~`) : q.orderBy(e, 'asc');
    q = q.select(sortExpression(model, item).as(orderValueColumn(i))) as unknown as typeof q;
  }
  q = q.orderBy(ordered(column(model, model.key)), 'asc');
  q = q.limit(query.top + 1);
  if (query.skip > 0 && !query.skipToken) q = q.offset(query.skip);
  return access === 'walk' ? q.modifyEnd(sql.raw(KEY_ORDER_WALK)) : q;
}

/**
 * PostgreSQL's walk: the tenant's keys in order from the keyset position with the searched column (an index-only scan
 * of (tenant_id, key) INCLUDE (column), migration 0009), the first `budget` of them or all, as a derived table named
 * like the model's table so that the compiled filter applies to it (its LIMIT or OFFSET 0 keeps the planner from
 * merging it into the outer query and reaching for the trigram index); the first top + 1 keys that match; then those
 * rows. Only for searchTerm's filters.
 */
function postgresWalk<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, query: ListQuery, scope: ListScope, budget: number | undefined): SelectQueryBuilder<DB, TB, O> {
  const { model } = query;
  const term = searchTerm(query)!;
  const key = column(model, model.key);
  const searched = property(model, term.property);
  const columns = searched.column === model.key.column ? [key.as(model.key.column)] : [key.as(model.key.column), column(model, searched).as(searched.column)];
  let window = qb.clearSelect().select(columns);
  if (query.skipToken) window = window.where(keysetCondition(model, query.orderBy, query.skipToken) as Expression<SqlBool>);
  window = window.orderBy(key, 'asc');
  window = (budget === undefined ? window.offset(0) : window.limit(budget)).modifyEnd(sql.raw(KEY_ORDER_WALK));
  const matching = sql`select ${key} from (${window}) as ${sql.table(model.table)} where ${compileFilter(query.filter!, model, 'postgres', scope, 'walk')} order by ${key} limit ${query.top + 1} ${sql.raw(KEY_ORDER_WALK)}`;
  return qb.where(sql<SqlBool>`${key} in (${matching})` as Expression<SqlBool>).orderBy(key, 'asc').limit(query.top + 1);
}

/** The filter's one function on a search-indexed property, when the filter is nothing else: the case fetchPage probes. */
function searchTerm(query: ListQuery): Extract<FilterNode, { kind: 'function' }> | undefined {
  const f = query.filter;
  if (f?.kind !== 'function') return undefined;
  const p = resolveProperty(query.model, f.property);
  if (!p || p.type !== 'string') return undefined;
  const indexedPrefix = f.fn === 'startswith' && p.indexed === true && prefixRange(f.value) !== undefined;
  const substring = p.searchable !== undefined && [...f.value].length >= MIN_INDEXED_NEEDLE;
  return indexedPrefix || substring ? f : undefined;
}

/**
 * SQLite: how many rows the search index holds for the filter's search term in the caller's scope, counted up to `cap`
 * (or all): from the FTS index alone (within the tenant's rowid range), or from the prefix range of the
 * (tenant, lower(column)) index. No device row is read.
 */
async function countSearchMatches<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  query: ListQuery,
  engine: Engine,
  scope: ListScope,
  term: Extract<FilterNode, { kind: 'function' }>,
  cap: number | undefined,
  db: QueryExecutorProvider,
): Promise<number> {
  const p = property(query.model, term.property);
  if (engine === 'sqlite' && ftsSearch(term.fn, p, term.value)) {
    const rowids = ftsRowids(p.searchable!.sqlite, term.value, scope);
    const limited = cap === undefined ? rowids : sql`${rowids} limit ${cap}`;
    const { rows } = await sql<{ n: number }>`select count(*) as n from (${limited})`.execute(db);
    return Number(rows[0]?.n ?? 0);
  }
  const matching = applyFilter(qb, query, engine, scope).clearSelect().clearOrderBy().select(sql`1`.as('one'));
  const limited = cap === undefined ? matching : matching.limit(cap);
  // (SQLite only, as chooseAccess: a derived table without an alias.)
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from (${limited})`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** SQLite: 'walk' when the filter is a search whose index holds at least DENSE_MATCHES rows in scope; else 'index'. */
export async function chooseAccess<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, query: ListQuery, engine: Engine, scope: ListScope = {}): Promise<Access> {
  const term = pageOrder(query).length === 0 ? searchTerm(query) : undefined;
  if (!term || !scope.db || engine !== 'sqlite') return 'index';
  return (await countSearchMatches(qb, query, engine, scope, term, DENSE_MATCHES, scope.db)) >= DENSE_MATCHES ? 'walk' : 'index';
}

/**
 * `select count(*)` over the caller's builder with $filter applied (ignores paging); for `@odata.count`. A search
 * term alone in a tenant-partitioned SQLite FTS index is counted in the index (no row is read); on SQLite a substring
 * match is what the FTS index says, so the two agree by construction. Otherwise the matches are read from the indexes:
 * an exact count costs in proportion to the matches (see docs/performance.md, "Queries at 1M devices", for the floor).
 */
export async function countRows<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  query: ListQuery,
  engine: Engine,
  scope: ListScope = {},
): Promise<number> {
  const term = searchTerm(query);
  if (term && engine === 'sqlite' && term.fn === 'contains' && scope.tenantId !== undefined && scope.db) {
    const p = property(query.model, term.property);
    if (ftsSearch(term.fn, p, term.value) && p.searchable!.sqlite.partition) return countSearchMatches(qb, query, engine, scope, term, undefined, scope.db);
  }
  const row = (await applyFilter(qb, query, engine, scope)
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
  /** How a search page was read: 'walk' when its matches were dense. */
  access?: Access;
}

/** Runs applyListQuery (the way chosen as the header says) and splits off the look-ahead row. Rows must carry the key and $orderby columns. */
export async function fetchPage<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  query: ListQuery,
  engine: Engine,
  scope: ListScope = {},
): Promise<RowPage<O>> {
  if (query.top === 0) return { rows: [], hasMore: false, next: undefined };
  const order = pageOrder(query);
  const search = order.length === 0 && searchTerm(query) !== undefined;
  let rows: O[] | undefined;
  let access: Access | undefined;
  if (search && engine === 'postgres' && query.skip === 0) {
    const sampled = await postgresWalk(qb, query, scope, WALK_SAMPLE).execute();
    access = sampled.length > query.top || sampled.length >= WALK_SAMPLE * WALK_DENSITY ? 'walk' : 'index';
    if (sampled.length > query.top) rows = sampled;
  } else if (search) {
    access = await chooseAccess(qb, query, engine, scope);
  }
  rows ??= await applyListQuery(qb, query, engine, scope, access).execute();
  const hasMore = rows.length > query.top;
  const page = hasMore ? rows.slice(0, query.top) : rows;
  const next = hasMore ? keysetPositionOf(query, page[page.length - 1] as Record<string, unknown>) : undefined;
  // The rows are the caller's selection: without the sort values added for the skip token.
  const added = order.flatMap((o, i) => (o.lowercase ? [orderValueColumn(i)] : []));
  for (const row of page) for (const c of added) delete (row as Record<string, unknown>)[c];
  return { rows: page, hasMore, next, access };
}

/**
 * The keyset position just after `lastRow` (a row as the database returned it, with column names; for a lowercase sort
 * key, with the value applyListQuery selected: the database's lower(), which JavaScript's does not match beyond ASCII).
 */
export function keysetPositionOf(query: ListQuery, lastRow: Record<string, unknown>): KeysetPosition {
  const { model } = query;
  const values = pageOrder(query).map((item, i) => {
    const name = item.lowercase ? orderValueColumn(i) : item.column;
    if (!(name in lastRow)) throw new Error(`keysetPositionOf: the row has no column ${name} (select it to sort by ${item.property})`);
    const v = lastRow[name];
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
  scope: ListScope = {},
): Promise<ListPage<T>> {
  // The count does not depend on the page: on PostgreSQL both run at once, on two of the pool's connections.
  const [page, count] = await Promise.all([fetchPage(base, query, engine, scope), query.count ? countRows(base, query, engine, scope) : undefined]);
  return { items: await toItems(page.rows), next: page.next, count };
}
