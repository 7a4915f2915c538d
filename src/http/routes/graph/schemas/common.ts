// Building blocks of the documented Graph response schemas: nullable and enum types, the collection wrapper
// (@odata.context, @odata.count, value, @odata.nextLink), an entity with its @odata.context, Graph's error envelope,
// and how routes that document their responses are serialized.
//
// These schemas DOCUMENT responses (they become /openapi.json); they do not shape them. Every plugin that declares
// them calls documentResponses(), so a response is JSON.stringify of what the handler returned, byte for byte
// what it was without a schema. (Fastify's default for a response schema, fast-json-stringify, would drop
// undeclared properties, coerce types and reorder keys — required properties first, then schema order — which would
// break $select's order and the collections' @odata.count-before-value.) Even so, the schemas are written as if that
// serializer were used: every object allows additional properties, every property that can be null says so.
import { Kind, Type, TypeRegistry, type SchemaOptions, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import type { TarmacApp } from '../../../types.js';
import { jsonPayload } from '../../../json-text.js';

/** T or null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** An object that may carry more properties than it declares (Graph adds properties; $expand embeds objects). */
export const Loose = <P extends Parameters<typeof Type.Object>[0]>(properties: P, options: Omit<SchemaOptions, 'additionalProperties'> = {}) =>
  Type.Object(properties, { ...options, additionalProperties: true });

/** A timestamp: ISO 8601 text, UTC. */
export const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });

TypeRegistry.Set<{ enum: string[] }>('StringEnum', (schema, value) => typeof value === 'string' && schema.enum.includes(value));

/** A string with a closed set of values, as OpenAPI's `enum` (checked by TypeBox's Value through its registry). */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, [Kind]: 'StringEnum', type: 'string', enum: [...values] });
}

/** The OData type annotation every Graph entity Tarmac returns carries (kept by $select). */
export const ODataType = (...types: string[]) => Type.String({ description: `The OData type: ${types.map((t) => `#microsoft.graph.${t}`).join(' or ')}` });

/**
 * A reference to a schema registered by $id (documentResponses adds it): `{"$ref": "<$id>"}`, typed as the schema, so
 * the TypeBox type provider checks handlers' results against it.
 */
export function Shared<T extends TSchema>(schema: T, options: SchemaOptions = {}): TUnsafe<Static<T>> {
  if (typeof schema.$id !== 'string') throw new Error('Shared: the schema has no $id');
  return Type.Unsafe<Static<T>>({ ...options, [Kind]: 'Ref', $ref: schema.$id });
}

/** A Graph collection page: `@odata.context`, `@odata.count` ($count=true), `value`, `@odata.nextLink` (more pages). */
export function Collection<T extends TSchema>(item: T, description: string) {
  return Loose(
    {
      '@odata.context': Type.String({ description: 'The $metadata URL of the collection (with the $select list, when given)' }),
      '@odata.count': Type.Optional(Type.Integer({ description: 'The total number of matching items, with $count=true' })),
      value: Type.Array(item),
      '@odata.nextLink': Type.Optional(Type.String({ description: 'The URL of the next page (a $skiptoken bound to the query); absent on the last page' })),
    },
    { description },
  );
}

/** A single entity with its `@odata.context`. */
export function Entity<T extends TSchema>(entity: T, description: string) {
  return Type.Intersect([Loose({ '@odata.context': Type.String({ description: 'The $metadata URL of the entity' }) }), entity], { description });
}

/** Shared(schema) for a route that sends the document as JSON text it wrote itself (e.g. pure-ASCII JSON). */
export function SharedJsonText<T extends TSchema>(schema: T, options: SchemaOptions = {}): TUnsafe<string> {
  return Type.Unsafe<string>(Shared(schema, options));
}

/** Microsoft Graph's error envelope, as every Graph route (and $batch's failed sub-requests) answers errors. */
export const GraphErrorSchema = Loose(
  {
    error: Loose({
      code: Type.String({ description: 'e.g. BadRequest, ResourceNotFound, Request_ResourceNotFound, Forbidden, Conflict, TooManyRequests' }),
      message: Type.String({ description: 'What is wrong and what to do' }),
      innerError: Loose({
        date: Type.String({ description: 'UTC, seconds precision, no zone suffix (2024-05-01T12:00:00)' }),
        'request-id': Type.String(),
        'client-request-id': Type.String({ description: 'The client-request-id header sent, or the request-id' }),
      }),
    }),
  },
  { $id: 'microsoft.graph.ODataErrors.ODataError', title: 'Graph error' },
);

const ERROR_DESCRIPTIONS = {
  400: 'Bad request: an invalid query option ($filter, $select, $top, …) or body, named in the message',
  401: 'No valid access token (InvalidAuthenticationToken)',
  403: 'The token lacks every permission that allows this request (Authorization_RequestDenied)',
  404: 'Not found (or another tenant’s object, which is answered exactly alike)',
  409: 'Conflict, explained in the message',
  429: 'Throttled: retry after the Retry-After header’s seconds',
} as const;

/** An error response in Graph's envelope. */
export const graphError = (status: keyof typeof ERROR_DESCRIPTIONS) => Shared(GraphErrorSchema, { description: ERROR_DESCRIPTIONS[status] });

/** Error responses in Graph's envelope for these statuses, plus 401, 403 and 429, which every throttled Graph route can answer. */
export function graphErrors<S extends 400 | 404 | 409>(...statuses: S[]) {
  return Object.fromEntries([...statuses, 401 as const, 403 as const, 429 as const].map((status) => [status, graphError(status)])) as Record<S | 401 | 403 | 429, ReturnType<typeof graphError>>;
}

/** A response without a body (OpenAPI shows no content for `type: null`; handlers send nothing). */
export const NoContent = (description: string) => Type.Unsafe<undefined>({ type: 'null', description });

/**
 * Serialize this plugin's responses as JSON.stringify does, as Fastify does for routes without a response schema (a
 * large collection straight into a Buffer: jsonPayload), and register the shared schemas its routes reference by $id
 * (they appear in /openapi.json under components.schemas).
 */
export function documentResponses(app: TarmacApp, shared: TSchema[] = []): void {
  // Typed as returning a string; Fastify sends the Buffer of a large collection as it is (its length is the header).
  app.setSerializerCompiler(() => jsonPayload as (data: unknown) => string);
  for (const schema of new Set([GraphErrorSchema, ...shared])) app.addSchema(schema);
}
