import { describe, expect, it } from 'vitest';
import { GraphError } from '../../src/http/graph-errors.js';
import { buildNextLink, canonicalFilter, encodeSkipToken, nextSkipToken, parseListQuery, projectSelect, selectContextSuffix } from '../../src/http/odata/index.js';
import type { FilterNode } from '../../src/model/index.js';
import { autopilotDeviceModel as model } from '../../src/store/index.js';
import { compileFilter, keysetPositionOf } from '../../src/store/list-query/compile.js';
import { Kysely, SqliteDialect, PostgresDialect } from 'kysely';
import type { DatabaseSchema } from '../../src/store/index.js';

const OPTIONS = { maxTop: 1000, defaultTop: 100 };
const parse = (query: Record<string, unknown> | URLSearchParams) => parseListQuery(query, model, OPTIONS);
const filter = (f: string): FilterNode | undefined => parse({ $filter: f }).filter;

function errorOf(fn: () => unknown): GraphError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GraphError);
    const e = err as GraphError;
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('BadRequest');
    return e;
  }
  throw new Error('expected a GraphError');
}
const filterErr = (f: string) => errorOf(() => filter(f)).message;

describe('$filter: operators', () => {
  it('parses eq, ne, gt, ge, lt, le on strings', () => {
    for (const op of ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const) {
      expect(filter(`groupTag ${op} 'Sales'`)).toEqual({ kind: 'compare', op, property: 'groupTag', value: 'Sales' });
    }
  });

  it('parses contains, startswith and endswith, unescaping doubled quotes', () => {
    expect(filter("contains(serialNumber,'5CG''1')")).toEqual({ kind: 'function', fn: 'contains', property: 'serialNumber', value: "5CG'1" });
    expect(filter("startswith(serialNumber, 'PF')")).toMatchObject({ fn: 'startswith', value: 'PF' });
    expect(filter("endswith(model,'G8')")).toMatchObject({ fn: 'endswith', property: 'model', value: 'G8' });
  });

  it('gives and precedence over or, honours parentheses and not', () => {
    const a = { kind: 'compare', op: 'eq', property: 'groupTag', value: 'a' };
    const b = { kind: 'compare', op: 'eq', property: 'model', value: 'b' };
    const c = { kind: 'compare', op: 'eq', property: 'manufacturer', value: 'c' };
    expect(filter("groupTag eq 'a' or model eq 'b' and manufacturer eq 'c'")).toEqual({ kind: 'or', left: a, right: { kind: 'and', left: b, right: c } });
    expect(filter("(groupTag eq 'a' or model eq 'b') and manufacturer eq 'c'")).toEqual({ kind: 'and', left: { kind: 'or', left: a, right: b }, right: c });
    expect(filter("not (groupTag eq 'a' or model eq 'b')")).toEqual({ kind: 'not', operand: { kind: 'or', left: a, right: b } });
    expect(filter("not contains(serialNumber,'x')")).toEqual({ kind: 'not', operand: { kind: 'function', fn: 'contains', property: 'serialNumber', value: 'x' } });
  });

  it('binds not tighter than and/or (the parser does not; Tarmac regroups)', () => {
    const a = { kind: 'compare', op: 'eq', property: 'groupTag', value: 'a' };
    const b = { kind: 'compare', op: 'eq', property: 'model', value: 'b' };
    const c = { kind: 'compare', op: 'eq', property: 'manufacturer', value: 'c' };
    expect(filter("not (groupTag eq 'a') and model eq 'b'")).toEqual({ kind: 'and', left: { kind: 'not', operand: a }, right: b });
    expect(filter("not groupTag eq 'a' and model eq 'b'")).toEqual({ kind: 'and', left: { kind: 'not', operand: a }, right: b });
    expect(filter("model eq 'b' and not (groupTag eq 'a') or manufacturer eq 'c'")).toEqual({
      kind: 'or', left: { kind: 'and', left: b, right: { kind: 'not', operand: a } }, right: c,
    });
    expect(filter("groupTag eq 'a' and model eq 'b' or manufacturer eq 'c'")).toEqual({ kind: 'or', left: { kind: 'and', left: a, right: b }, right: c });
    expect(filter("not not (groupTag eq 'a')")).toEqual({ kind: 'not', operand: { kind: 'not', operand: a } });
  });

  it('accepts a value on the left, mirroring the operator', () => {
    expect(filter("'2024-01-01T00:00:00Z' lt lastContactedDateTime")).toEqual({
      kind: 'compare', op: 'gt', property: 'lastContactedDateTime', value: '2024-01-01T00:00:00.000Z',
    });
  });

  it('resolves property names case-insensitively to the model spelling', () => {
    expect(filter("SERIALNUMBER eq 'x'")).toMatchObject({ property: 'serialNumber' });
  });

  it('compares with null', () => {
    expect(filter('lastContactedDateTime eq null')).toMatchObject({ op: 'eq', value: null });
    expect(filter('managedDeviceId ne null')).toMatchObject({ op: 'ne', value: null });
  });

  it('accepts enum members by name, in any case, quoted or as a qualified enum literal', () => {
    expect(filter("enrollmentState eq 'enrolled'")).toMatchObject({ value: 'enrolled' });
    expect(filter("enrollmentState eq 'PENDINGRESET'")).toMatchObject({ value: 'pendingReset' });
    expect(filter("enrollmentState ne microsoft.graph.windowsAutopilotEnrollmentState'notContacted'")).toMatchObject({ op: 'ne', value: 'notContacted' });
  });

  it('normalises date-times to the stored ISO form', () => {
    expect(filter('lastContactedDateTime ge 2024-05-01T12:00:00+02:00')).toMatchObject({ value: '2024-05-01T10:00:00.000Z' });
    expect(filter('lastContactedDateTime lt 2024-05-01')).toMatchObject({ value: '2024-05-01T00:00:00.000Z' });
  });

  it('canonical text ignores spacing and property-name case', () => {
    expect(canonicalFilter(filter("serialNumber eq 'A'  and  groupTag eq 'b'"))).toBe(canonicalFilter(filter("serialnumber eq 'A' and GroupTag eq 'b'")));
  });
});

describe('$filter: errors name the clause and position', () => {
  it('unknown property, with a suggestion and the known list', () => {
    const m = filterErr("contains(serialnumbr,'5CG')");
    expect(m).toMatch(/^Invalid \$filter at position 9: unknown property 'serialnumbr'; did you mean 'serialNumber'\? \(known: id, serialNumber, groupTag/);
  });

  it('syntax errors: unterminated string, unbalanced parentheses, trailing junk, missing operand', () => {
    expect(filterErr("serialNumber eq 'abc")).toBe("Invalid $filter at position 16: unterminated string literal (close it with ', and write a quote inside a string as '')");
    expect(filterErr("(serialNumber eq 'a'")).toBe("Invalid $filter at position 0: '(' is never closed");
    expect(filterErr("serialNumber eq 'a')")).toBe("Invalid $filter at position 19: unexpected ')' without a matching '('");
    expect(filterErr("serialNumber eq 'a' foo")).toBe("Invalid $filter at position 20: syntax error near 'foo'");
    expect(filterErr("serialNumber eq 'a' and")).toMatch(/^Invalid \$filter at position 2[03]: /);
    expect(filterErr('')).toMatch(/at position 0: the expression is empty/);
  });

  it('unsupported functions and operators', () => {
    expect(filterErr("tolower(serialNumber) eq 'a'")).toBe('Invalid $filter at position 0: function \'tolower\' is not supported here (supported: contains, startswith, endswith)');
    expect(filterErr("groupTag eq 'a' and substringof('x', serialNumber)")).toMatch(/^Invalid \$filter at position 20: .*substringof/);
    expect(filterErr("enrollmentState has 'x'")).toMatch(/at position 0: operator 'has' is not supported/);
  });

  it('type mismatches', () => {
    expect(filterErr('serialNumber eq 5')).toMatch(/^Invalid \$filter at position 16: 'serialNumber' is a string/);
    expect(filterErr("enrollmentState eq 'done'")).toBe(
      "Invalid $filter at position 19: 'done' is not a value of 'enrollmentState' (one of 'unknown', 'enrolled', 'pendingReset', 'failed', 'notContacted', 'blocked')",
    );
    expect(filterErr("enrollmentState gt 'enrolled'")).toMatch(/position 19: 'enrollmentState' is an enumeration: compare it with eq or ne/);
    expect(filterErr("contains(lastContactedDateTime,'2024')")).toMatch(/position 9: contains\(\) needs a string property/);
    expect(filterErr('contains(serialNumber,5)')).toMatch(/position 22: contains\(\) needs a string in quotes/);
    expect(filterErr("lastContactedDateTime gt 'yesterday'")).toMatch(/position 25: 'lastContactedDateTime' is a date and time/);
    expect(filterErr('groupTag gt null')).toMatch(/position 12: null can only be compared with eq or ne/);
    expect(filterErr("serialNumber eq groupTag")).toMatch(/position 0: .* must compare a property with a value/);
  });
});

describe('$top, $skip, $orderby, $select, $count', () => {
  it('defaults', () => {
    const p = parse({});
    expect(p).toMatchObject({ filter: undefined, top: 100, skip: 0, orderBy: [], select: undefined, count: false, skipToken: undefined });
  });

  it('reads each option; names are case-insensitive; non-$ parameters are ignored', () => {
    const p = parse({ $TOP: '7', $skip: '3', $orderby: 'groupTag desc, serialNumber', $select: 'serialNumber,groupTag', $count: 'true', other: 'x' });
    expect(p.top).toBe(7);
    expect(p.skip).toBe(3);
    expect(p.orderBy.map((o) => [o.property, o.direction])).toEqual([['groupTag', 'desc'], ['serialNumber', 'asc']]);
    expect(p.select).toEqual(['serialNumber', 'groupTag']);
    expect(p.count).toBe(true);
    expect(parse({ $select: '*' }).select).toBeUndefined();
    expect(parse(new URLSearchParams('$top=5&$count=false'))).toMatchObject({ top: 5, count: false });
  });

  it('rejects bad values, naming the option', () => {
    expect(errorOf(() => parse({ $top: '1001' })).message).toBe("Invalid $top: must be a whole number from 0 to 1000 (got '1001')");
    expect(errorOf(() => parse({ $top: '-1' })).message).toMatch(/^Invalid \$top:/);
    expect(errorOf(() => parse({ $skip: 'x' })).message).toMatch(/^Invalid \$skip:/);
    expect(errorOf(() => parse({ $count: 'yes' })).message).toBe("Invalid $count: must be true or false (got 'yes')");
    expect(errorOf(() => parse({ $orderby: 'azureAdDeviceId' })).message).toMatch(/^Invalid \$orderby: property 'azureAdDeviceId' cannot be sorted \(sortable: id, serialNumber/);
    expect(errorOf(() => parse({ $orderby: 'x' })).message).toMatch(/^Invalid \$orderby: unknown property 'x'/);
    expect(errorOf(() => parse({ $orderby: 'groupTag sideways' })).message).toMatch(/^Invalid \$orderby: 'groupTag sideways' is not/);
    expect(errorOf(() => parse({ $orderby: 'groupTag,grouptag desc' })).message).toMatch(/listed twice/);
    expect(errorOf(() => parse({ $select: 'serialNumber,nope' })).message).toMatch(/^Invalid \$select: unknown property 'nope'/);
    expect(errorOf(() => parse({ $expand: 'x' })).message).toMatch(/^Invalid \$expand: \$expand is not supported/);
    expect(errorOf(() => parse({ $foo: 'x' })).message).toMatch(/^Invalid \$foo: unknown query option/);
    expect(errorOf(() => parse({ $top: ['1', '2'] })).message).toMatch(/given more than once/);
  });

  it('projects $select, keeping the key and annotations', () => {
    const p = parse({ $select: 'groupTag,serialNumber' });
    const entity = { '@odata.type': '#microsoft.graph.windowsAutopilotDeviceIdentity', id: '1', serialNumber: 'S', groupTag: 'G', model: 'M' };
    expect(projectSelect(entity, p)).toEqual({ '@odata.type': '#microsoft.graph.windowsAutopilotDeviceIdentity', id: '1', groupTag: 'G', serialNumber: 'S' });
    expect(projectSelect(entity, parse({}))).toBe(entity);
    expect(selectContextSuffix(p)).toBe('(groupTag,serialNumber)');
  });
});

describe('$skiptoken', () => {
  const q = { $filter: "groupTag eq 'a'", $orderby: 'serialNumber desc' };
  const row = { id: 'b1c2', serial_number: 'PF1ABC', group_tag: 'a' };

  it('round-trips the last row position', () => {
    const token = nextSkipToken(parse(q), keysetPositionOf(parse(q), row));
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parse({ ...q, $skiptoken: token }).skipToken).toEqual({ values: ['PF1ABC'], key: 'b1c2' });
    // the same query spelled differently is the same query
    expect(parse({ $filter: "grouptag eq 'a'", $orderby: 'serialNumber  desc', $skiptoken: token }).skipToken).toBeDefined();
  });

  it('is rejected against another $filter or $orderby (replay)', () => {
    const token = nextSkipToken(parse(q), keysetPositionOf(parse(q), row));
    for (const other of [{ ...q, $filter: "groupTag eq 'b'" }, { ...q, $orderby: 'serialNumber' }, { $filter: q.$filter }]) {
      expect(errorOf(() => parse({ ...other, $skiptoken: token })).message).toMatch(/^Invalid \$skiptoken: the token is damaged or was issued for a different/);
    }
  });

  it('is rejected when tampered with', () => {
    const p = parse(q);
    const token = nextSkipToken(p, keysetPositionOf(p, row));
    const body = JSON.parse(Buffer.from(token, 'base64url').toString());
    body.k = 'a0000';
    const forged = Buffer.from(JSON.stringify(body)).toString('base64url');
    for (const bad of [forged, token.slice(0, -2), `${token}x`, 'not a token', '', encodeSkipToken(p.fingerprint, { values: [], key: 'x' })]) {
      expect(errorOf(() => parse({ ...q, $skiptoken: bad })).message).toMatch(/^Invalid \$skiptoken/);
    }
  });

  it('nextLink keeps the client parameters verbatim and replaces $skip/$skiptoken', () => {
    const p = parse({ $filter: "contains(serialNumber,'a b')", $top: '2', $skip: '4' });
    const link = buildNextLink(
      "https://tarmac.example/beta/deviceManagement/windowsAutopilotDeviceIdentities?$filter=contains(serialNumber,'a%20b')&$top=2&$skip=4&$skiptoken=old",
      p,
      keysetPositionOf(p, { id: 'abc', serial_number: 'x' }),
    );
    const token = nextSkipToken(p, keysetPositionOf(p, { id: 'abc' }));
    expect(link).toBe(`https://tarmac.example/beta/deviceManagement/windowsAutopilotDeviceIdentities?$filter=contains(serialNumber,'a%20b')&$top=2&$skiptoken=${token}`);
    expect(buildNextLink('http://h/x', p, token)).toBe(`http://h/x?$skiptoken=${token}`);
  });
});

describe('SQL', () => {
  const sqlite = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: async () => { throw new Error('no'); } }) });
  const pg = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: async () => { throw new Error('no'); } }) });
  const compile = (db: Kysely<DatabaseSchema>, f: string, engine: 'sqlite' | 'postgres') =>
    db.selectFrom('autopilot_devices').selectAll().where(compileFilter(filter(f)!, model, engine)).compile();

  it('compiles case-insensitive string comparisons and LIKE with escaping', () => {
    const q = compile(pg, "serialNumber eq 'Ab' and contains(groupTag,'5%_\\')", 'postgres');
    expect(q.sql).toContain('lower("autopilot_devices"."serial_number") = lower(cast($1 as text))');
    expect(q.sql).toContain(`lower("autopilot_devices"."group_tag") like lower(cast($2 as text)) escape '\\'`);
    expect(q.parameters).toEqual(['Ab', '%5\\%\\_\\\\%']);
  });

  it('uses the FTS index on SQLite for needles of 3+ characters only', () => {
    expect(compile(sqlite, "contains(serialNumber,'5CG')", 'sqlite').sql).toContain('"autopilot_device_search_fts" match ?');
    expect(compile(sqlite, "contains(serialNumber,'5CG')", 'sqlite').parameters).toEqual(['"5CG"']);
    expect(compile(sqlite, "contains(serialNumber,'5C')", 'sqlite').sql).not.toContain('match');
    expect(compile(pg, "contains(serialNumber,'5CG')", 'postgres').sql).not.toContain('match');
  });

  it('keeps stored-lowercase GUID comparisons on the bare column; enums compare exactly; null-safe on nullable columns', () => {
    expect(compile(pg, "id eq 'ABC'", 'postgres').sql).toContain('"autopilot_devices"."id" = lower(cast($1 as text))');
    expect(compile(pg, "enrollmentState eq 'Enrolled'", 'postgres').parameters).toEqual(['enrolled']);
    expect(compile(pg, "managedDeviceId ne 'x'", 'postgres').sql).toContain('("autopilot_devices"."managed_device_id" is null or ');
  });
});
