// One validator compiler for every app a test file builds (buildApp's `schemaController`). Fastify makes a new Ajv
// per app and compiles every route's schemas again, about half of buildApp's time; @fastify/ajv-compiler pools its
// Ajv by external schemas and options, and Ajv caches each compiled schema object, so later apps reuse the work.
// Loaded through fastify's own resolution: the same copy and version Fastify itself would use.
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;
type BuildValidator = NonNullable<NonNullable<SchemaController['compilersFactory']>['buildValidator']>;

const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
const AjvCompiler = fromFastify('@fastify/ajv-compiler') as () => BuildValidator;

export const sharedSchemaController: SchemaController = { compilersFactory: { buildValidator: AjvCompiler() } };
