// JSON batching, as Graph does it: POST /{v1.0,beta}/$batch with {requests: [{id, method, url, headers?, body?,
// dependsOn?}]} (at most 20) → 200 {responses: [{id, status, headers, body}]}. Each sub-request goes through this
// same app (app.inject) with the caller's Authorization header, so authentication, roles, tenant isolation and
// throttling apply to each one exactly as to a direct call (and each counts against the caller's budget). The
// version comes from the batch URL: url "/organization" in /beta/$batch is /beta/organization.
//
// Requests without dependencies run concurrently; a request runs once everything it dependsOn has finished, and is
// answered 424 Failed Dependency when one of them failed (status ≥ 400). Responses are listed in request order
// (Graph gives no order guarantee, so clients match them by id). A malformed batch — over 20 requests, a missing
// or duplicate id, an unknown method, an absolute or nested-$batch url, a dependsOn naming an unknown request or
// making a cycle — is answered 400 as a whole, naming the request.
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { GraphError, graphErrorBody } from '../../graph-errors.js';
import type { TarmacApp, TarmacPlugin } from '../../types.js';
import { GRAPH_VERSIONS, type GraphVersion } from './graph-support.js';
import { Loose, documentResponses, graphError } from './schemas/common.js';
import { notAudited } from '../../audit-specs.js';

export const MAX_BATCH_REQUESTS = 20;

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);

/** Headers of a sub-response worth handing back (the rest are transport or security headers of the outer one). */
const RESPONSE_HEADERS = ['content-type', 'location', 'retry-after', 'etag', 'odata-version', 'cache-control', 'www-authenticate', 'request-id', 'client-request-id'];

/** Headers a sub-request may not set: the batch's own identity and transport. */
const FORBIDDEN_REQUEST_HEADERS = new Set(['authorization', 'host', 'content-length', 'transfer-encoding', 'connection']);

/** Sub-requests carry import bodies; the batch may be as large as they are together. */
const BATCH_BODY_LIMIT = 64 * 1024 * 1024;

export interface BatchRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

export interface BatchResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

function badBatch(message: string): GraphError {
  return new GraphError(400, 'BadRequest', `Invalid batch request: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The batch's requests, checked; throws a 400 GraphError naming the first request that is wrong. */
export function parseBatch(body: unknown): BatchRequest[] {
  if (!isRecord(body) || !Array.isArray(body.requests)) {
    throw badBatch('the body must be a JSON object {"requests": [{"id", "method", "url"}, …]}.');
  }
  const raw = body.requests as unknown[];
  if (raw.length === 0) throw badBatch('"requests" is empty; send between 1 and 20 requests.');
  if (raw.length > MAX_BATCH_REQUESTS) {
    throw badBatch(`${raw.length} requests; a batch holds at most ${MAX_BATCH_REQUESTS}. Split it into several batches.`);
  }
  const requests: BatchRequest[] = [];
  const seen = new Set<string>();
  raw.forEach((item, index) => {
    if (!isRecord(item)) throw badBatch(`requests[${index}] is not an object.`);
    const rawId = item.id;
    const id = typeof rawId === 'number' ? String(rawId) : rawId;
    if (typeof id !== 'string' || id.trim() === '') throw badBatch(`requests[${index}] has no "id"; give every request a unique id.`);
    if (seen.has(id)) throw badBatch(`request id '${id}' is used more than once; ids must be unique within a batch.`);
    seen.add(id);
    const method = typeof item.method === 'string' ? item.method.toUpperCase() : undefined;
    if (!method || !METHODS.has(method)) {
      throw badBatch(`request '${id}' has method ${JSON.stringify(item.method)}; use GET, POST, PUT, PATCH or DELETE.`);
    }
    if (typeof item.url !== 'string' || item.url.trim() === '') throw badBatch(`request '${id}' has no "url".`);
    const url = item.url.trim();
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) {
      throw badBatch(`request '${id}' has the absolute url '${url}'; write it relative to the version, e.g. "/organization".`);
    }
    const path = url.split('?')[0] ?? url;
    if (path.split('/').some((segment) => segment === '..' || segment === '.')) {
      throw badBatch(`request '${id}' has '.' or '..' in its url '${url}'.`);
    }
    if (/(^|\/)\$batch$/i.test(path)) throw badBatch(`request '${id}' is a $batch; batches cannot be nested.`);
    const headers: Record<string, string> = {};
    if (item.headers !== undefined && item.headers !== null) {
      if (!isRecord(item.headers)) throw badBatch(`request '${id}' has "headers" that are not an object of strings.`);
      for (const [name, value] of Object.entries(item.headers)) {
        if (typeof value !== 'string' && typeof value !== 'number') throw badBatch(`request '${id}' has header '${name}' that is not a string.`);
        if (!FORBIDDEN_REQUEST_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = String(value);
      }
    }
    let dependsOn: string[] = [];
    if (item.dependsOn !== undefined && item.dependsOn !== null) {
      if (!Array.isArray(item.dependsOn) || !item.dependsOn.every((d) => typeof d === 'string' || typeof d === 'number')) {
        throw badBatch(`request '${id}' has "dependsOn" that is not an array of request ids.`);
      }
      dependsOn = [...new Set(item.dependsOn.map(String))];
    }
    requests.push({ id, method, url: url.startsWith('/') ? url : `/${url}`, headers, body: item.body, dependsOn });
  });

  const byId = new Map(requests.map((r) => [r.id, r]));
  for (const r of requests) {
    for (const dep of r.dependsOn) {
      if (dep === r.id) throw badBatch(`request '${r.id}' depends on itself.`);
      if (!byId.has(dep)) throw badBatch(`request '${r.id}' depends on '${dep}', which is not a request in this batch.`);
    }
  }
  // Cycles: depth-first search, white/grey/black.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: BatchRequest, trail: string[]): void => {
    const s = state.get(r.id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(r.id)), r.id];
      throw badBatch(`request '${r.id}' is part of a dependency cycle (${cycle.join(' → ')}).`);
    }
    state.set(r.id, 'visiting');
    for (const dep of r.dependsOn) visit(byId.get(dep) as BatchRequest, [...trail, r.id]);
    state.set(r.id, 'done');
  };
  for (const r of requests) visit(r, []);
  return requests;
}

function pickHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of RESPONSE_HEADERS) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

async function runOne(app: TarmacApp, outer: FastifyRequest, version: GraphVersion, r: BatchRequest): Promise<BatchResponse> {
  const headers: Record<string, string> = { ...r.headers };
  const authorization = outer.headers.authorization;
  if (authorization) headers.authorization = authorization;
  if (outer.headers.host) headers.host = outer.headers.host;
  if (headers['client-request-id'] === undefined) {
    const cri = outer.headers['client-request-id'];
    if (typeof cri === 'string') headers['client-request-id'] = cri;
  }
  let payload: string | undefined;
  if (r.body !== undefined && r.body !== null && r.method !== 'GET' && r.method !== 'HEAD') {
    if (typeof r.body === 'string' && headers['content-type'] !== undefined && !/json/i.test(headers['content-type'])) {
      payload = r.body;
    } else {
      payload = JSON.stringify(r.body);
      headers['content-type'] ??= 'application/json';
    }
  }
  const res = await app.inject({
    method: r.method as 'GET',
    url: `/${version}${r.url}`,
    headers,
    remoteAddress: outer.ip,
    ...(payload !== undefined ? { payload } : {}),
  });
  const response: BatchResponse = { id: r.id, status: res.statusCode, headers: pickHeaders(res.headers) };
  if (res.body !== '') {
    const type = String(res.headers['content-type'] ?? '');
    if (/json/i.test(type)) {
      try {
        response.body = JSON.parse(res.body) as unknown;
      } catch {
        response.body = res.body;
      }
    } else {
      response.body = res.body;
    }
  }
  return response;
}

/** Runs the batch: each request once its dependencies have finished; 424 when one of them failed. */
export async function runBatch(app: TarmacApp, outer: FastifyRequest, version: GraphVersion, requests: BatchRequest[]): Promise<BatchResponse[]> {
  const byId = new Map(requests.map((r) => [r.id, r]));
  const running = new Map<string, Promise<BatchResponse>>();
  const start = (r: BatchRequest): Promise<BatchResponse> => {
    const existing = running.get(r.id);
    if (existing) return existing;
    const promise = (async () => {
      const deps = await Promise.all(r.dependsOn.map((d) => start(byId.get(d) as BatchRequest)));
      const failed = deps.find((d) => d.status >= 400);
      if (failed) {
        return {
          id: r.id,
          status: 424,
          headers: { 'content-type': 'application/json' },
          body: graphErrorBody(
            outer,
            'FailedDependency',
            `Request '${r.id}' was not run: it depends on request '${failed.id}', which failed with ${failed.status}.`,
          ),
        };
      }
      try {
        return await runOne(app, outer, version, r);
      } catch (err) {
        outer.log.error({ err, batchRequestId: r.id }, 'batch sub-request failed');
        return {
          id: r.id,
          status: 500,
          headers: { 'content-type': 'application/json' },
          body: graphErrorBody(outer, 'generalException', `Tarmac could not run request '${r.id}'. Quote request-id ${outer.id} when reporting it.`),
        };
      }
    })();
    running.set(r.id, promise);
    return promise;
  };
  return Promise.all(requests.map(start));
}

const BatchResponseSchema = Loose(
  {
    responses: Type.Array(
      Loose({
        id: Type.String({ description: 'The request’s id' }),
        status: Type.Integer({ description: 'Its HTTP status; 424 when a request it depends on failed' }),
        headers: Type.Record(Type.String(), Type.String(), { description: 'content-type, location, retry-after, request-id, …' }),
        body: Type.Optional(Type.Unknown({ description: 'Its body: JSON when its content-type is JSON, text otherwise; absent when empty' })),
      }),
      { description: 'One response per request, in the order of the requests' },
    ),
  },
  { description: 'The batch’s responses' },
);

export const batchRoutes: TarmacPlugin = async (app) => {
  documentResponses(app);
  for (const version of GRAPH_VERSIONS) {
    app.post(
      `/${version}/$batch`,
      {
        // Any valid token; each sub-request then checks its own permissions and counts against the budget.
        onRequest: app.requireRole(),
        bodyLimit: BATCH_BODY_LIMIT,
        config: { graphThrottle: false, ...notAudited('each sub-request goes through the app (inject) and is audited on its own') },
        schema: {
          tags: ['graph'],
          summary: `JSON batch (${version}): up to ${MAX_BATCH_REQUESTS} requests in one`,
          description:
            'Body {requests: [{id, method, url (relative, e.g. "/deviceManagement/windowsAutopilotDeviceIdentities?$top=5"), headers?, body?, dependsOn?}]}. ' +
            'Answers 200 {responses: [{id, status, headers, body}]}; a request whose dependency failed gets 424. ' +
            'Each request is authorised and throttled on its own.',
          security: [{ bearerAuth: [] }],
          response: { 200: BatchResponseSchema, 400: graphError(400), 401: graphError(401) },
        },
      },
      async (request, reply) => {
        const requests = parseBatch(request.body);
        const responses = await runBatch(app, request, version, requests);
        return reply.header('odata-version', '4.0').send({ responses });
      },
    );
  }
};
