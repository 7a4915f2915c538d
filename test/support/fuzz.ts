// fast-check generators for fuzzing the app through inject(): requests derived from the app's own OpenAPI document
// (every route, its path parameters, query parameters and body schema), OData query options, hardware hashes and
// CSV text; and the check every answer must pass (no 5xx, errors in the envelope of the route's family).
//
// Values are mostly valid for their schema, so requests get past validation into the domain and the store, with a
// hostile value now and then: U+0000, lone surrogates, other control characters, huge numbers, deep nesting, wrong
// types, long ids, raw percent-encodings in paths and queries.
import fc from 'fast-check';
import { syntheticHash } from './registry-fixture.js';

/** A JSON text fragment written as is (numbers JSON.stringify cannot write, nesting too deep to build as objects). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** `value` as JSON text, RawJson fragments written as they are. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A component of a URL: percent-encoded, or (a RawUrl) written as is to send malformed encodings. */
export class RawUrl {
  constructor(readonly text: string) {}
}

/** `value` percent-encoded for a path segment or query value; a lone surrogate (encodeURIComponent throws) as its CESU-8 bytes. */
export function encodeUrlPart(value: string | RawUrl): string {
  if (value instanceof RawUrl) return value.text;
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[\s\S]/g, (c) => {
      const code = c.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdfff) return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`;
      return encodeURIComponent(c);
    });
  }
}

/** Strings that have broken services before. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udc00',
    '\udbff\udfff',
    '\u0001\u0002\u001f\u007f',
    '\t\r\n',
    '\u202e\u200b\ufeff',
    '\uffff\ufffe',
    '',
    ' ',
    "'",
    "''",
    '"',
    '\\',
    '%',
    '%00',
    '%ff',
    '../..',
    '__proto__',
    'constructor',
    "' or 1 eq 1 or '",
    "'; drop table devices; --",
    '${jndi:x}',
    '<script>',
    'null',
    'true',
    '-0',
    '1e999',
    '00000000-0000-0000-0000-000000000000',
    'ZTDID',
    '[ZTDID]:',
    'é',
    '\u{1F600}',
    'x'.repeat(300),
    'y'.repeat(5000),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udc00', 'a', "'", '%', '\u0007', ' '), maxLength: 12 }),
);

/** Numbers at the edges, some of them only writable as raw JSON (1e999 parses to Infinity). */
export const nastyNumber: fc.Arbitrary<number | RawJson> = fc.oneof(
  fc.constantFrom<number | RawJson>(
    0,
    -1,
    -0,
    2 ** 31,
    2 ** 53 + 2,
    -(2 ** 63),
    1e308,
    Number.MIN_VALUE,
    0.5,
    new RawJson('1e999'),
    new RawJson('-1e999'),
    new RawJson('123456789012345678901234567890'),
    new RawJson('1E+2'),
    new RawJson('-0.0e-0'),
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Nesting too deep for a schema to expect: arrays or objects, hundreds to thousands deep. */
export const deepNesting: fc.Arbitrary<RawJson> = fc
  .tuple(fc.integer({ min: 50, max: 5000 }), fc.boolean())
  .map(([depth, arrays]) => new RawJson(arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

/** Any hostile value, to put where the schema expects something else. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 2, arbitrary: nastyNumber },
  { weight: 1, arbitrary: deepNesting },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { '': '' }, { __proto__: 1 }) },
);

/** Hardware hashes: valid synthetic ones, and the same mutated (bytes flipped, cut, padded, not base64). */
export const hashArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 40 }).map((seed) => syntheticHash(seed)) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 40 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }))
      .map(([seed, flips]) => {
        const bytes = Buffer.from(syntheticHash(seed), 'base64');
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        return bytes.toString('base64');
      }),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 40 }), fc.nat()).map(([seed, cut]) => {
      const bytes = Buffer.from(syntheticHash(seed), 'base64');
      return bytes.subarray(0, cut % bytes.length).toString('base64');
    }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('base64')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: nastyString },
);

// ---------------------------------------------------------------------------------------------------------------
// Requests from the OpenAPI document.

type JsonSchema = Record<string, unknown>;

export interface FuzzRoute {
  method: string;
  /** The OpenAPI path, `{name}` for parameters. */
  path: string;
  pathParams: string[];
  queryParams: { name: string; schema: JsonSchema }[];
  body?: { type: 'json' | 'form'; schema: JsonSchema };
  /** Property names of the listed items, for $filter, $select and $orderby (list routes only). */
  listProperties?: string[];
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** Every operation of the OpenAPI document (the app's registered routes). */
export function routesOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>>; components?: { schemas?: Record<string, JsonSchema> } }): FuzzRoute[] {
  const routes: FuzzRoute[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const parameters = (op.parameters ?? []) as { in: string; name: string; schema?: JsonSchema }[];
      const content = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content ?? {};
      const json = content['application/json'];
      const form = content['application/x-www-form-urlencoded'];
      const ok = ((op.responses as Record<string, { content?: Record<string, { schema: JsonSchema }> }> | undefined)?.['200']?.content?.['application/json']?.schema ?? {}) as JsonSchema;
      const itemProps = listItemProperties(ok, doc.components?.schemas ?? {});
      routes.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        ...(json ? { body: { type: 'json' as const, schema: json.schema } } : form ? { body: { type: 'form' as const, schema: form.schema } } : {}),
        ...(itemProps ? { listProperties: itemProps } : {}),
      });
    }
  }
  return routes;
}

function resolve(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref === 'string') return components[ref.replace(/^#\/components\/schemas\//, '')] ?? {};
  return schema;
}

function listItemProperties(ok: JsonSchema, components: Record<string, JsonSchema>): string[] | undefined {
  const value = (resolve(ok, components).properties as Record<string, JsonSchema> | undefined)?.value;
  if (!value) return undefined;
  const items = resolve((resolve(value, components).items ?? {}) as JsonSchema, components);
  const props = Object.keys((items.properties ?? {}) as object).filter((p) => !p.startsWith('@'));
  return props.length > 0 ? props : undefined;
}

const HASH_FIELDS = /^(hardwareIdentifier|hardwareHash|HardwareHash)$/;

/** A value for `schema`: mostly valid, sometimes hostile (`nasty` of 10 at every level). */
export function valueFor(schema: JsonSchema, components: Record<string, JsonSchema>, name = '', depth = 0): fc.Arbitrary<unknown> {
  const valid = validValueFor(resolve(schema, components), components, name, depth);
  return fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: nastyValue });
}

function validValueFor(schema: JsonSchema, components: Record<string, JsonSchema>, name: string, depth: number): fc.Arbitrary<unknown> {
  if (HASH_FIELDS.test(name)) return hashArb;
  if (depth > 6) return fc.constant(null);
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (variants) return fc.oneof(...variants.map((v) => validValueFor(resolve(v, components), components, name, depth)));
  if (Array.isArray(schema.allOf)) {
    const merged = (schema.allOf as JsonSchema[]).map((s) => resolve(s, components)).reduce<JsonSchema>(
      (acc, s) => ({ ...acc, ...s, properties: { ...(acc.properties as object), ...(s.properties as object) }, required: [...((acc.required as string[]) ?? []), ...((s.required as string[]) ?? [])] }),
      { type: 'object' },
    );
    return validValueFor(merged, components, name, depth);
  }
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const type = schema.type;
  if (Array.isArray(type)) return fc.oneof(...type.map((t) => validValueFor({ ...schema, type: t }, components, name, depth)));
  switch (type) {
    case 'string':
      return stringFor(schema, name);
    case 'integer':
      return fc.integer({ min: Math.max(Number(schema.minimum ?? -1000), -(2 ** 31)), max: Math.min(Number(schema.maximum ?? 100_000), 2 ** 31) });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = (schema.items ?? {}) as JsonSchema;
      const min = Number(schema.minItems ?? 0);
      return fc.array(valueFor(items, components, name, depth + 1), { minLength: Math.min(min, 3), maxLength: Math.max(Math.min(Number(schema.maxItems ?? 4), 4), Math.min(min, 3)) });
    }
    case 'object':
    case undefined: {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      if (type === undefined && Object.keys(props).length === 0) return fc.jsonValue({ maxDepth: 2 });
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const record = fc.record(Object.fromEntries(Object.entries(props).map(([k, s]) => [k, valueFor(s, components, k, depth + 1)])), {
        // The others are present or absent at random.
        requiredKeys: Object.keys(props).filter((k) => required.has(k)),
      });
      // Now and then a key the schema does not know, or one that is itself hostile.
      return fc.tuple(record, fc.option(fc.tuple(fc.oneof(nastyString, fc.constantFrom('extra', '@odata.type', 'id')), nastyValue), { freq: 6 })).map(([r, extra]) =>
        extra ? { ...(r as object), [extra[0]]: extra[1] } : r,
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFor(schema: JsonSchema, name: string): fc.Arbitrary<string> {
  if (schema.format === 'date-time' || /DateTime$/.test(name)) {
    return fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  }
  if (schema.format === 'uuid' || /(^id$|Id$)/.test(name)) return fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }));
  if (/PrincipalName$|^upn$/i.test(name)) return fc.oneof(fc.emailAddress(), fc.constant('ada@contoso.onmicrosoft.com'), fc.string({ maxLength: 30 }));
  const max = Math.min(Number(schema.maxLength ?? 64), 300);
  return fc.oneof(fc.string({ minLength: Math.min(Number(schema.minLength ?? 0), max), maxLength: max }), fc.string({ unit: 'grapheme', maxLength: Math.min(max, 20) }));
}

// ---------------------------------------------------------------------------------------------------------------
// OData query options.

const ODATA_OPTIONS = ['$filter', '$select', '$top', '$skip', '$skiptoken', '$orderby', '$count', '$search', '$expand'] as const;

/** An OData literal: strings (with '' escapes, sometimes hostile), numbers, GUIDs, dates, booleans, null. */
const literal: fc.Arbitrary<string> = fc.oneof(
  fc.oneof(fc.string({ maxLength: 12 }), nastyString).map((s) => `'${s.replace(/'/g, "''")}'`),
  fc.integer().map(String),
  fc.constantFrom('1e999', '-0', '99999999999999999999', '0.5', 'true', 'false', 'null', "''", "'", "'''"),
  fc.uuid(),
  fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
);

function filterArb(props: string[]): fc.Arbitrary<string> {
  const prop = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...props) }, { weight: 1, arbitrary: fc.constantFrom('nope', 'state/deviceImportStatus', 'physicalIds', 'a/b/c', '$it', 'id') });
  const { expr } = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(prop, fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in', 'has', 'EQ'), literal).map(([p, op, v]) => (op === 'in' ? `${p} in (${v},${v})` : `${p} ${op} ${v}`)),
      fc.tuple(fc.constantFrom('contains', 'startswith', 'endswith', 'tolower', 'length', 'substringof', 'startsWith'), prop, literal).map(([fn, p, v]) => `${fn}(${p},${v})`),
      fc.tuple(prop, fc.constantFrom('any', 'all'), literal).map(([p, q, v]) => `${p}/${q}(x: startswith(x, ${v}))`),
      fc.tuple(tie('expr'), fc.constantFrom('and', 'or'), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
      tie('expr').map((e) => `not (${e})`),
      tie('expr').map((e) => `(${e})`),
    ),
  }));
  return fc.oneof({ weight: 6, arbitrary: expr }, { weight: 1, arbitrary: nastyString }, { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('(', ')', "'", ' ', 'eq', ',', '/', 'a', ':', 'x', '0'), maxLength: 30 }) });
}

/** OData query options for a list whose items have `props`: each option absent, valid or hostile. */
export function odataArb(props: string[]): fc.Arbitrary<[string, string | RawUrl][]> {
  const list = (ofWhat: fc.Arbitrary<string>) => fc.array(ofWhat, { minLength: 1, maxLength: 4 }).map((xs) => xs.join(','));
  const propOrJunk = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...props) }, { weight: 1, arbitrary: nastyString });
  const number = fc.oneof(fc.integer({ min: -5, max: 1200 }).map(String), fc.constantFrom('99999999999999999999', '1e3', '-0', '0x10', ' 5', '', 'abc', '1.5'));
  const values: Record<(typeof ODATA_OPTIONS)[number], fc.Arbitrary<string>> = {
    $filter: filterArb(props),
    $select: list(propOrJunk),
    $top: number,
    $skip: number,
    $skiptoken: fc.oneof(fc.base64String({ maxLength: 80 }), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')), nastyString),
    $orderby: list(fc.tuple(propOrJunk, fc.constantFrom('', ' asc', ' desc', ' DESC', ' sideways')).map(([p, d]) => `${p}${d}`)),
    $count: fc.constantFrom('true', 'false', 'TRUE', '1', '', 'maybe'),
    $search: fc.oneof(fc.tuple(propOrJunk, fc.string({ maxLength: 10 })).map(([p, s]) => `"${p}:${s}"`), nastyString),
    $expand: fc.oneof(fc.constantFrom('deploymentProfile', 'intendedDeploymentProfile', 'members', '*', 'deploymentProfile($select=id)'), nastyString),
  };
  const option = fc.constantFrom(...ODATA_OPTIONS).chain((name) =>
    fc.oneof(
      { weight: 8, arbitrary: values[name] },
      { weight: 1, arbitrary: fc.constantFrom(new RawUrl('%'), new RawUrl('%zz'), new RawUrl('%00'), new RawUrl('%ff%fe'), new RawUrl('a%ED%A0%80')) },
    ).map((v): [string, string | RawUrl] => [name, v]),
  );
  return fc.array(option, { maxLength: 4 });
}

// ---------------------------------------------------------------------------------------------------------------
// Whole requests.

export interface FuzzContext {
  /** Known values for path parameters by name (ids of seeded resources), tried beside random ones. */
  knownParams: Record<string, string[]>;
  /** The authorization header for a path (undefined: none). */
  authorization(path: string): string | undefined;
  components: Record<string, JsonSchema>;
}

const pathParamArb = (known: string[]): fc.Arbitrary<string | RawUrl> =>
  fc.oneof(
    { weight: known.length > 0 ? 6 : 0, arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.constant('x') },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: nastyString.filter((s) => s !== '') },
    { weight: 1, arbitrary: fc.integer({ min: 90, max: 1100 }).map((n) => 'i'.repeat(n)) },
    { weight: 1, arbitrary: fc.constantFrom(new RawUrl('%00'), new RawUrl('%ff%fe'), new RawUrl('%2F'), new RawUrl('a%'), new RawUrl('%c0%af'), new RawUrl('%ED%A0%80')) },
  );

// No dot segments (`..`, `%2e%2e`): inject() resolves them as a WHATWG URL would, so the app would see another path
// than the one generated (a server over HTTP sees them as they are).

/** Whole-body hostility: not JSON, not an object, too deep. */
const hostileBody: fc.Arbitrary<RawJson> = fc.oneof(
  fc.constantFrom(new RawJson(''), new RawJson('{'), new RawJson('null'), new RawJson('[]'), new RawJson('"x"'), new RawJson('1e999'), new RawJson('{"a":1,"a":2}'), new RawJson('{"__proto__":{"x":1}}'), new RawJson('{"constructor":{"prototype":{}}}')),
  deepNesting,
);

/** A request for `route`: path parameters, query, body and token. */
export function requestArb(route: FuzzRoute, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const params = fc.tuple(...route.pathParams.map((p) => pathParamArb(ctx.knownParams[p] ?? [])));
  const declared = fc.tuple(
    ...route.queryParams.map((q) =>
      fc.option(fc.oneof({ weight: 4, arbitrary: valueFor(q.schema, ctx.components, q.name).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')) }, { weight: 1, arbitrary: nastyString }), { freq: 2 }),
    ),
  );
  const odata = route.method === 'GET' ? odataArb(route.listProperties ?? ['id', 'displayName', 'serialNumber', 'createdDateTime']) : fc.constant([]);
  const body = route.body
    ? fc.oneof({ weight: 12, arbitrary: valueFor(route.body.schema, ctx.components) }, { weight: 1, arbitrary: hostileBody })
    : route.method === 'POST' && route.path.endsWith('/$batch')
      ? batchBodyArb(ctx)
      : fc.constant(undefined);
  return fc.tuple(params, declared, odata, body, fc.nat(19)).map(([ps, qs, os, b, dice]) => {
    let i = 0;
    const path = route.path.replace(/\{[^}]+\}/g, () => encodeUrlPart(ps[i++] ?? 'x'));
    const query = [
      ...route.queryParams.flatMap((q, j) => (qs[j] === null || qs[j] === undefined ? [] : [`${encodeURIComponent(q.name)}=${encodeUrlPart(qs[j] as string)}`])),
      ...os.map(([k, v]) => `${k}=${encodeUrlPart(v)}`),
    ];
    const headers: Record<string, string> = {};
    // One request in twenty without its token, one in twenty with a garbled one.
    const auth = ctx.authorization(route.path);
    if (auth && dice > 1) headers.authorization = auth;
    else if (auth && dice === 1) headers.authorization = `Bearer ${auth.slice(7, 40)}.x.y`;
    let payload: string | undefined;
    if (b !== undefined) {
      if (route.body?.type === 'form' && !(b instanceof RawJson)) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        payload = Object.entries((b ?? {}) as Record<string, unknown>)
          .map(([k, v]) => `${encodeUrlPart(k)}=${encodeUrlPart(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`)
          .join('&');
      } else {
        headers['content-type'] = dice === 19 ? 'text/plain' : 'application/json';
        payload = toJsonText(b);
      }
    }
    return { method: route.method, url: `${path}${query.length > 0 ? `?${query.join('&')}` : ''}`, headers, ...(payload !== undefined ? { payload } : {}) };
  });
}

/** A $batch body: requests to known Graph paths with fuzzed methods, urls, headers, bodies and dependencies. */
function batchBodyArb(ctx: FuzzContext): fc.Arbitrary<unknown> {
  const ids = Object.values(ctx.knownParams).flat();
  const url = fc.oneof(
    fc.constantFrom('/devices', '/groups', '/deviceManagement/windowsAutopilotDeviceIdentities', '/deviceManagement/importedWindowsAutopilotDeviceIdentities', '/organization', '/$batch', 'devices?$top=1'),
    fc.tuple(fc.constantFrom('/devices/', '/groups/', '/deviceManagement/windowsAutopilotDeviceIdentities/'), ids.length > 0 ? fc.constantFrom(...ids) : fc.uuid()).map(([a, b]) => `${a}${b}`),
    nastyString,
  );
  const one = fc.record(
    {
      id: fc.oneof(fc.constantFrom('1', '2', '3'), nastyString),
      method: fc.oneof(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'get'), nastyString),
      url,
      headers: fc.oneof(fc.constant({ 'content-type': 'application/json' }), fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.string({ maxLength: 10 }), nastyString), { maxKeys: 2 }), nastyValue),
      body: fc.oneof(fc.jsonValue({ maxDepth: 2 }), nastyValue),
      dependsOn: fc.oneof(fc.constant(['1']), fc.array(fc.oneof(fc.constantFrom('1', '2', '3'), nastyString), { maxLength: 2 }), nastyValue),
    },
    { requiredKeys: ['id', 'method', 'url'] },
  );
  return fc.oneof({ weight: 6, arbitrary: fc.record({ requests: fc.array(one, { maxLength: 4 }) }) }, { weight: 1, arbitrary: nastyValue });
}

// ---------------------------------------------------------------------------------------------------------------
// The check.

export type Family = 'graph' | 'entra' | 'partnerCenter' | 'oobe';

/** The family of an OpenAPI path (tests' own reading, not the app's). */
export function familyOfPath(path: string): Family {
  if (path.startsWith('/v1/') || path.startsWith('/oem/v1/')) return 'partnerCenter';
  if (path.startsWith('/oobe/v1/')) return 'oobe';
  if (path.startsWith('/{tenant}/')) return 'entra';
  return 'graph';
}

export interface FuzzAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** What is wrong with an answer for a request of `family` (undefined: nothing). */
export function problemWith(answer: FuzzAnswer, family: Family, path: string): string | undefined {
  if (answer.status >= 500) return `status ${answer.status}`;
  if (answer.status < 400) {
    if (path.endsWith('/$batch') && answer.status === 200) {
      const inner = (JSON.parse(answer.body) as { responses: { status: number; body?: unknown }[] }).responses.find((r) => r.status >= 500);
      if (inner) return `a batch response with status ${inner.status}: ${JSON.stringify(inner.body).slice(0, 300)}`;
    }
    return undefined;
  }
  // The sign-in page's errors are a page, as Entra's are (an unregistered redirect URI is never redirected to).
  if (/\/oauth2\/(v2\.0\/)?(authorize|logout)$/.test(path) && answer.contentType.startsWith('text/html')) return undefined;
  if (!answer.contentType.startsWith('application/json')) return `a ${answer.status} with content-type ${answer.contentType}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    return `a ${answer.status} whose body is not JSON`;
  }
  const error = body.error as Record<string, unknown> | undefined;
  const graphShaped = typeof error === 'object' && error !== null && typeof error.code === 'string' && typeof error.message === 'string' && typeof error.innerError === 'object';
  const ok =
    family === 'graph' || family === 'oobe'
      ? graphShaped
      : family === 'entra'
        ? typeof body.error === 'string' && typeof body.error_description === 'string' && Array.isArray(body.error_codes)
        : typeof body.code === 'number' && typeof body.description === 'string' && Array.isArray(body.data) && typeof body.source === 'string';
  return ok ? undefined : `a ${answer.status} not in the ${family} envelope`;
}
