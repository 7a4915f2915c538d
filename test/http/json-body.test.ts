// The app's JSON body parser (src/http/plugins/json-body.ts: Fastify's own, fed text it decodes itself) against
// Fastify's default (secure-json-parse, poisoning refused): the same value for every body it takes, a 400 for every
// body Fastify refuses. Two bare Fastify apps echoing the parsed body; no database.
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBody } from '../../src/http/plugins/json-body.js';

/** An echo app: Tarmac's parser, or Fastify's default with prototype and constructor poisoning refused. */
async function echoApp(tarmac: boolean): Promise<FastifyInstance> {
  const app = Fastify({ onProtoPoisoning: 'error', onConstructorPoisoning: 'error' });
  if (tarmac) await app.register(jsonBody);
  app.post('/echo', async (request) => ({ body: request.body }));
  await app.ready();
  return app;
}

let tarmac: FastifyInstance;
let fastify: FastifyInstance;
beforeAll(async () => {
  [tarmac, fastify] = await Promise.all([echoApp(true), echoApp(false)]);
});
afterAll(async () => {
  await Promise.all([tarmac.close(), fastify.close()]);
});

const post = async (app: FastifyInstance, payload: string) => {
  const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload });
  return { status: res.statusCode, body: res.json() as { body?: unknown; code?: string } };
};

/** JSON text of members whose names include the poisoning ones, spelled plainly or with `\u` escapes. */
const poisonName = fc.constantFrom('__proto__', 'constructor', 'prototype', '\\u005f_proto__', 'construct\\u006fr', 'x', 'constructors');
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
    fc.constantFrom('"__proto__"', '"constructor"'),
    fc.array(fc.tuple(poisonName, tie('value')), { maxLength: 4 }).map((members) => `{${members.map(([k, v]) => `"${k}" : ${v}`).join(',')}}`),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  ),
})).value;

describe('the JSON body parser', () => {
  it('gives what Fastify’s parser gives: the same value, or a 400 where it refuses (poisoning, invalid, empty)', async () => {
    await fc.assert(
      fc.asyncProperty(jsonText, async (text) => {
        const [ours, theirs] = await Promise.all([post(tarmac, text), post(fastify, text)]);
        expect(ours.status).toBe(theirs.status);
        expect(ours.body).toEqual(theirs.body);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses the poisoning members however they are spelled, and takes the words as values', async () => {
    for (const text of ['{"__proto__":{"admin":true}}', '{"\\u005f_proto__":{}}', '{"a":[{"constructor":{"prototype":{"x":1}}}]}', '{"constructor" :{"prototype":1}}']) {
      const res = await post(tarmac, text);
      expect(res.status, text).toBe(400);
      expect(res.body.code, text).toBe('FST_ERR_CTP_INVALID_JSON_BODY');
    }
    expect(await post(tarmac, '{"displayName":"__proto__","tag":"constructor"}')).toEqual({ status: 200, body: { body: { displayName: '__proto__', tag: 'constructor' } } });
    expect(await post(tarmac, '{"constructor":"x"}')).toEqual({ status: 200, body: { body: { constructor: 'x' } } });
  });

  it('says why an empty or invalid body is refused, as Fastify does', async () => {
    expect((await post(tarmac, '')).body.code).toBe('FST_ERR_CTP_EMPTY_JSON_BODY');
    expect((await post(tarmac, '{"a":')).body.code).toBe('FST_ERR_CTP_INVALID_JSON_BODY');
    // A byte-order mark: secure-json-parse drops it, JSON.parse would not.
    expect(await post(tarmac, '\ufeff{"a":1}')).toEqual({ status: 200, body: { body: { a: 1 } } });
  });
});
