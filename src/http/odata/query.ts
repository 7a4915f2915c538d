// parseListQuery: the OData system query options of a collection GET, validated against the entity model.
import { pageOrder, resolveProperty, type EntityModel, type ListQuery, type OrderByItem } from '../../model/index.js';
import { queryOptionError } from './errors.js';
import { canonicalFilter, parseFilter } from './filter.js';
import { unknownPropertyMessage } from './model.js';
import { decodeSkipToken } from './skip-token.js';

export interface ListQueryOptions {
  /** Largest page a client may ask for with $top. */
  maxTop: number;
  /** Page size when $top is absent. */
  defaultTop: number;
}

/** A list query as parsed here: the port's ListQuery (src/model/list-query.ts). */
export type ParsedListQuery = ListQuery;

export type QueryInput = Record<string, unknown> | URLSearchParams;

const SUPPORTED = ['$filter', '$top', '$skip', '$orderby', '$select', '$count', '$skiptoken'] as const;
const NOT_SUPPORTED = ['$expand', '$search', '$format', '$apply', '$compute', '$levels', '$index', '$deltatoken', '$schemaversion', '$search'];
const MAX_ORDER_BY = 5;
const MAX_SKIP = 1_000_000_000;

/**
 * Validates $filter, $top, $skip, $orderby, $select, $count and $skiptoken (option names are case-insensitive;
 * parameters without `$` are left to the caller). Throws a GraphError 400 `BadRequest` naming the clause.
 */
export function parseListQuery(query: QueryInput, model: EntityModel, options: ListQueryOptions): ParsedListQuery {
  const raw = systemOptions(query);

  const filter = raw.$filter === undefined ? undefined : parseFilter(raw.$filter, model);
  const top = raw.$top === undefined ? options.defaultTop : wholeNumber('$top', raw.$top, options.maxTop);
  const skip = raw.$skip === undefined ? 0 : wholeNumber('$skip', raw.$skip, MAX_SKIP);
  const orderBy = raw.$orderby === undefined ? [] : parseOrderBy(raw.$orderby, model);
  const select = raw.$select === undefined ? undefined : parseSelect(raw.$select, model);
  let count = false;
  if (raw.$count !== undefined) {
    const v = raw.$count.trim().toLowerCase();
    if (v !== 'true' && v !== 'false') throw queryOptionError('$count', `must be true or false (got '${raw.$count}')`);
    count = v === 'true';
  }
  // A token holds the values of the order the pages are read in: the $orderby, or the implicit lower(p) of a prefix
  // search (pageOrder), which the fingerprint names so that a token of one order never continues the other.
  const order = pageOrder({ model, filter, orderBy });
  const orderText = order.map((o) => (o.lowercase ? `tolower(${o.property}) ${o.direction}` : `${o.property} ${o.direction}`)).join(',');
  const fingerprint = [model.name, canonicalFilter(filter), orderText].join('|');
  const skipToken = raw.$skiptoken === undefined ? undefined : decodeSkipToken(raw.$skiptoken, fingerprint, order.length);
  return { model, filter, top, skip, orderBy, select, count, skipToken, fingerprint };
}

function systemOptions(query: QueryInput): Partial<Record<(typeof SUPPORTED)[number], string>> {
  const entries: [string, unknown][] = [];
  if (query instanceof URLSearchParams) for (const [k, v] of query) entries.push([k, v]);
  else entries.push(...Object.entries(query));
  const out: Partial<Record<(typeof SUPPORTED)[number], string>> = {};
  for (const [key, value] of entries) {
    if (!key.startsWith('$')) continue;
    const name = key.toLowerCase();
    if (!(SUPPORTED as readonly string[]).includes(name)) {
      throw queryOptionError(
        key,
        NOT_SUPPORTED.includes(name)
          ? `${key} is not supported on this collection (supported: ${SUPPORTED.join(', ')})`
          : `unknown query option ${key} (supported: ${SUPPORTED.join(', ')})`,
      );
    }
    const option = name as (typeof SUPPORTED)[number];
    if (Array.isArray(value) || out[option] !== undefined) throw queryOptionError(option, `${option} is given more than once`);
    if (typeof value !== 'string') throw queryOptionError(option, `${option} must have a value`);
    out[option] = value;
  }
  return out;
}

function wholeNumber(option: string, text: string, max: number): number {
  const t = text.trim();
  const n = /^\d{1,10}$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n > max) throw queryOptionError(option, `must be a whole number from 0 to ${max} (got '${text}')`);
  return n;
}

function parseOrderBy(text: string, model: EntityModel): OrderByItem[] {
  const items: OrderByItem[] = [];
  const parts = text.split(',');
  if (parts.length > MAX_ORDER_BY) throw queryOptionError('$orderby', `at most ${MAX_ORDER_BY} properties`);
  for (const part of parts) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m) throw queryOptionError('$orderby', `'${part.trim()}' is not 'property', 'property asc' or 'property desc'`);
    const property = resolveProperty(model, m[1]);
    if (!property) throw queryOptionError('$orderby', unknownPropertyMessage(model, m[1], (s) => s.sortable === true));
    if (property.sortable !== true) {
      const sortable = Object.entries(model.properties).filter(([, s]) => s.sortable).map(([n]) => n);
      throw queryOptionError('$orderby', `property '${property.name}' cannot be sorted (sortable: ${sortable.join(', ')})`);
    }
    if (items.some((i) => i.property === property.name)) throw queryOptionError('$orderby', `property '${property.name}' is listed twice`);
    items.push({
      property: property.name,
      column: property.column,
      type: property.type,
      nullable: property.nullable === true,
      direction: (m[2]?.toLowerCase() ?? 'asc') as 'asc' | 'desc',
    });
  }
  return items;
}

function parseSelect(text: string, model: EntityModel): string[] | undefined {
  const names = text.split(',').map((s) => s.trim());
  if (names.length === 1 && names[0] === '*') return undefined;
  const out: string[] = [];
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw queryOptionError('$select', `'${name}' is not a property name`);
    const property = resolveProperty(model, name);
    if (!property || property.selectable === false) {
      throw queryOptionError('$select', unknownPropertyMessage(model, name, (s) => s.selectable !== false));
    }
    if (!out.includes(property.name)) out.push(property.name);
  }
  return out;
}
