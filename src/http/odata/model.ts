// What an entity set exposes to OData queries: Graph property names mapped to columns, with what each supports.

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
  sqlite: { ftsTable: string; linkTable: string; linkRowid: string; linkKey: string };
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
   * On SQLite, a filter that pins such a property keeps the ORDER BY off the (tenant, key) index; see compile.ts.
   */
  indexed?: boolean;
  /** `contains/startswith/endswith` on this property use a substring index. */
  searchable?: SubstringIndex;
  /** For `stringCollection`: the table holding the elements. */
  collection?: CollectionSource;
}

export interface EntityModel {
  /** Entity type name, for messages (e.g. windowsAutopilotDeviceIdentity). */
  name: string;
  /** The table (or alias) the query builder selects from; every column is qualified with it. */
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

/** "unknown property 'x' (known: a, b, …)", with a did-you-mean for near misses. */
export function unknownPropertyMessage(model: EntityModel, name: string, allowed?: (spec: PropertySpec) => boolean): string {
  const known = Object.entries(model.properties)
    .filter(([, spec]) => !allowed || allowed(spec))
    .map(([n]) => n);
  const near = known
    .map((n) => ({ n, d: editDistance(n.toLowerCase(), name.toLowerCase()) }))
    .filter((c) => c.d <= Math.max(2, Math.floor(name.length / 4)))
    .sort((a, b) => a.d - b.d)[0];
  const list = known.length > 12 ? `${known.slice(0, 12).join(', ')}, …` : known.join(', ');
  return `unknown property '${name}'${near ? `; did you mean '${near.n}'?` : ''} (known: ${list})`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
