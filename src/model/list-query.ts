// A list query as the ports take it: the parsed form of a Graph collection's OData options ($filter, $orderby, $top,
// $skip, $count, the keyset position of $skiptoken), over an entity model that names the queryable properties.
// src/http/odata parses and validates the query string into this; src/store compiles it to SQL. Nothing here knows
// either.

export type PropertyType = 'string' | 'enum' | 'boolean' | 'dateTime' | 'int' | 'stringCollection';

/**
 * Where the elements of a `stringCollection` property live: one row per element in `table`, whose `foreignKey`
 * column holds the entity's key and `valueColumn` the string. Filtered only through lambdas:
 * `physicalIds/any(p: startswith(p, '[ZTDID]'))` compiles to EXISTS over that table.
 */
export interface CollectionSource {
  table: string;
  foreignKey: string;
  valueColumn: string;
}

/**
 * A substring index over a string column. PostgreSQL needs nothing here: a pg_trgm GIN index on lower(column) serves
 * `lower(column) LIKE '%…%'` directly. SQLite uses an FTS5 trigram table whose rows map back to the entity key:
 * `key IN (SELECT linkKey FROM linkTable WHERE linkRowid IN (SELECT rowid FROM ftsTable WHERE ftsTable MATCH '"…"'))`.
 */
export interface SubstringIndex {
  sqlite: {
    ftsTable: string;
    linkTable: string;
    linkRowid: string;
    linkKey: string;
    /**
     * The link rows of one tenant hold the rowids [base, base + span) of `table`'s row for that tenant (`key` = the
     * tenant id), so a search within a tenant reads only its part of the index and can count there alone.
     */
    partition?: { table: string; key: string; base: string; span: number };
  };
}

export interface PropertySpec {
  column: string;
  type: PropertyType;
  /** For `enum`: the member names, as Graph spells them (values are stored this way). */
  enumValues?: readonly string[];
  /** The column may hold NULL (null comparisons and sorting then account for it). Default false. */
  nullable?: boolean;
  /**
   * An unset value is stored and returned as "" (Intune's strings: groupTag, userPrincipalName, …), so `eq null` means
   * `eq ''` (and `ne null` means `ne ''`): "devices without a group tag" is `groupTag eq null`, as a client would write it.
   */
  emptyIsNull?: boolean;
  /** Allowed in $orderby. Default false. */
  sortable?: boolean;
  /** Allowed in $filter. Default true. */
  filterable?: boolean;
  /** Allowed in $select. Default true. */
  selectable?: boolean;
  /**
   * Values are stored lowercase (GUIDs): case-insensitive `eq` compares `column = lower(?)` and so keeps using a
   * plain index on the column.
   */
  storedLowercase?: boolean;
  /**
   * An index answers `eq` on this property within a tenant (the key, or an index on (tenant, lower(column))).
   * On SQLite, a filter that pins such a property keeps the ORDER BY off the (tenant, key) index; see the compiler.
   * On a string property other than the key and not `storedLowercase`, the index must be on (tenant, lower(column)) in
   * binary order (PostgreSQL: `text_pattern_ops`): it then reads a `startswith` prefix as a range, in order, which is
   * how pageOrder pages such a search.
   */
  indexed?: boolean;
  /** `contains/startswith/endswith` on this property use a substring index. */
  searchable?: SubstringIndex;
  /** For `stringCollection`: the table holding the elements. */
  collection?: CollectionSource;
}

/** What an entity set exposes to OData queries: Graph property names mapped to the store's columns. */
export interface EntityModel {
  /** Entity type name, for messages (e.g. windowsAutopilotDeviceIdentity). */
  name: string;
  /** The table (or alias) the store selects from; every column is qualified with it. */
  table: string;
  /** The unique key: keyset paging's final tiebreaker, and the default order. Its column must be unique and non-null. */
  key: { property: string; column: string };
  properties: Readonly<Record<string, PropertySpec>>;
}

export interface ResolvedProperty extends PropertySpec {
  /** The property's name as the model spells it. */
  name: string;
}

/** Property names are matched case-insensitively (as Graph does); returns undefined when there is no such property. */
export function resolveProperty(model: EntityModel, name: string): ResolvedProperty | undefined {
  const exact = model.properties[name];
  if (exact) return { ...exact, name };
  const lower = name.toLowerCase();
  for (const [candidate, spec] of Object.entries(model.properties)) {
    if (candidate.toLowerCase() === lower) return { ...spec, name: candidate };
  }
  return undefined;
}

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type StringFunction = 'contains' | 'startswith' | 'endswith';
export type FilterValue = string | number | boolean | null;

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: CompareOp; property: string; value: FilterValue }
  | { kind: 'function'; fn: StringFunction; property: string; value: string }
  /**
   * `physicalIds/any(p: <predicate>)` / `all(…)` over a stringCollection property. Inside the predicate, compare and
   * function nodes name the element as LAMBDA_ELEMENT (whatever the variable was called); `any()` has no predicate.
   */
  | { kind: 'lambda'; quantifier: 'any' | 'all'; property: string; predicate: FilterNode | undefined };

/** The property name lambda predicates use for the collection element. */
export const LAMBDA_ELEMENT = '$element';

export interface OrderByItem {
  property: string;
  column: string;
  type: PropertyType;
  nullable: boolean;
  direction: 'asc' | 'desc';
  /**
   * Sorted by the lower-cased value in binary (code point) order, ascending: the order pageOrder gives a prefix search
   * without $orderby. Never set from a client's $orderby (those sort by the stored value).
   */
  lowercase?: boolean;
}

export type SortValue = string | number | null;

/** Where a keyset page starts: strictly after the row with these sort values and this key. */
export interface KeysetPosition {
  /** Values of the page order's expressions (pageOrder) for the last row returned (nulls coalesced, so comparisons stay total). */
  values: SortValue[];
  /** The last row's key. */
  key: string;
}

export interface ListQuery {
  model: EntityModel;
  filter: FilterNode | undefined;
  /** Page size (Graph semantics: $top sizes the page; @odata.nextLink continues). */
  top: number;
  /** $skip (offset), for compatibility; keyset paging via $skiptoken is what nextLinks use. */
  skip: number;
  /** The client's $orderby (pages are read in pageOrder); the key is always appended as the final tiebreaker when the query runs. */
  orderBy: OrderByItem[];
  /** Property names (model spelling) from $select, or undefined for all. */
  select: string[] | undefined;
  count: boolean;
  /** The position a $skiptoken continues after. */
  skipToken: KeysetPosition | undefined;
  /** Identifies the $filter/$orderby: skip tokens are bound to it. */
  fingerprint: string;
}

/** One page of a list: at most `top` items, the position the next page starts after (when more follow), the count. */
export interface ListPage<T> {
  items: T[];
  next: KeysetPosition | undefined;
  /** Every item the filter matches, ignoring paging: only when the query asked for `count`. */
  count: number | undefined;
}

/**
 * A needle whose prefix range the engines agree on: printable ASCII, so that JavaScript's, SQLite's and PostgreSQL's
 * lower() fold it alike and the range [needle, needle with its last character + 1) stays ASCII.
 */
export function isAsciiNeedle(needle: string): boolean {
  return needle !== '' && /^[\x20-\x7e]+$/.test(needle);
}

type PrefixTerm = Extract<FilterNode, { kind: 'function' }>;

/**
 * The `startswith(p, 'x')` a page without $orderby is ordered by, when the filter is one or is a conjunction (`and`,
 * at any depth) containing one (the leftmost): p an `indexed` string property other than the key and not stored
 * lowercase (so its index is on (tenant, lower(column)) in binary order), x an ASCII needle.
 */
export function prefixOrderTerm(model: EntityModel, filter: FilterNode | undefined): PrefixTerm | undefined {
  if (filter?.kind === 'and') return prefixOrderTerm(model, filter.left) ?? prefixOrderTerm(model, filter.right);
  if (filter?.kind !== 'function' || filter.fn !== 'startswith' || !isAsciiNeedle(filter.value)) return undefined;
  const p = resolveProperty(model, filter.property);
  const ordered = p?.type === 'string' && p.indexed === true && p.storedLowercase !== true && p.column !== model.key.column;
  return ordered ? filter : undefined;
}

/**
 * The order a list's pages are read in, before the key (always the final tiebreaker): the client's $orderby; without
 * one, lower(p) for a prefix search (prefixOrderTerm), so that a page is the first top + 1 entries of the prefix's
 * range in the (tenant, lower(p)) index, whatever the tenant's size; else the key alone. Graph does not specify the
 * order of a collection without $orderby. Skip tokens hold one value per item of this order.
 */
export function pageOrder(query: Pick<ListQuery, 'model' | 'filter' | 'orderBy'>): OrderByItem[] {
  if (query.orderBy.length > 0) return query.orderBy;
  const term = prefixOrderTerm(query.model, query.filter);
  const p = term && resolveProperty(query.model, term.property);
  if (!p) return [];
  return [{ property: p.name, column: p.column, type: p.type, nullable: p.nullable === true, direction: 'asc', lowercase: true }];
}
