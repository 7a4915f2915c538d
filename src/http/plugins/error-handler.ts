// The app's one error map. Route plugins throw domain errors (or GraphError / EntraError for what HTTP itself
// refuses) and never map them; this handler, the only one in the app, answers every error:
//   - domain errors through the table below: error class (and its code) → HTTP status and Graph error code;
//   - /oobe/v1's OobeError in the device side's own envelope, Entra's EntraError as Entra's OAuth error JSON;
//   - anything else (schema validation, body parsing, a bug) by the family of the route that failed: Graph's
//     envelope everywhere, the device side's under /oobe/v1 (InvalidInput for a 400), Entra's on the identity routes
//     (their routes set `config.errorEnvelope: 'entra'`),
//     Partner Center's ApiFault on /v1 (`config.errorEnvelope: 'partnerCenter'`, where domain errors take Partner
//     Center's codes: 403 20002 for a missing relationship, 404 1000, 400 3000 with the fields in `data`).
// 5xx details stay in the log. Unknown routes answer 404 in Graph's envelope (Entra's under the identity paths, the
// device side's under /oobe/v1).
//
// Errors raised before routing — a path that is not percent-encoded UTF-8, an overlong path segment (Fastify's
// frameworkErrors), or a request Node's HTTP parser refuses (431 for a URL and headers over its limit, 400 for an
// unknown method or a malformed header, 408; the server's clientError) — take the envelope of the family their URL
// belongs to: ApiFault under /v1 and /oem/v1, the device side's under /oobe/v1, Entra's under /{tenant}/oauth2/… and
// the other identity paths, Graph's everywhere else (`edgeErrorOptions`, spread into the app's Fastify options).
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { TENANT_IDENTITY_PATH } from '../api-paths.js';
import { DirectoryError, type DirectoryErrorCode } from '../../directory/errors.js';
import { OobeError, type OobeErrorKind } from '../../oobe/errors.js';
import { WriteConflictError } from '../../ports.js';
import { PartnerError, type PartnerErrorCode } from '../../partners/errors.js';
import { ProfileError, type ProfileErrorCode } from '../../profiles/errors.js';
import { RegistryError, type RegistryErrorCode } from '../../registry/errors.js';
import { EntraError, entraErrorBody, entraErrors, sendEntraError } from '../entra-errors.js';
import { GraphError, defaultGraphCode, graphDate, graphErrorBody, sendGraphError } from '../graph-errors.js';
import { sendOobeError } from '../oobe-errors.js';
import { PartnerCenterError, apiFault, defaultPartnerCenterCode, sendPartnerCenterError } from '../partner-center-errors.js';
import { unencapsulated, type TarmacPlugin } from '../types.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The envelope of errors that are not domain errors: Graph's (default) or Entra's OAuth error JSON. */
    errorEnvelope?: 'graph' | 'entra' | 'partnerCenter';
  }
}

/** An HTTP status and the Graph error code that goes with it. */
type GraphAnswer = readonly [status: number, code: string];

/** Registry operations (imports, Autopilot devices, sync). */
const REGISTRY_ERRORS: Record<RegistryErrorCode, GraphAnswer> = {
  NotFound: [404, 'ResourceNotFound'],
  InvalidInput: [400, 'BadRequest'],
  SyncInProgress: [409, 'Conflict'],
  SyncTooSoon: [429, 'TooManyRequests'],
  DeviceBusy: [409, 'Conflict'],
};

/** Deployment profiles and their assignments. */
const PROFILE_ERRORS: Record<ProfileErrorCode, GraphAnswer> = {
  NotFound: [404, 'ResourceNotFound'],
  InvalidInput: [400, 'BadRequest'],
  LimitReached: [400, 'BadRequest'],
  Conflict: [409, 'Conflict'],
};

/** The directory (Entra devices, groups): Graph's directory codes differ from Intune's. */
const DIRECTORY_ERRORS: Record<DirectoryErrorCode, GraphAnswer> = {
  NotFound: [404, 'Request_ResourceNotFound'],
  BadRequest: [400, 'Request_BadRequest'],
};

/** Partner and OEM operations, in Graph's envelope (the customer's own relationship routes). */
const PARTNER_ERRORS: Record<PartnerErrorCode, GraphAnswer> = {
  NoRelationship: [403, 'Forbidden'],
  WrongOrganization: [403, 'Forbidden'],
  NotFound: [404, 'ResourceNotFound'],
  InvalidInput: [400, 'BadRequest'],
  AlreadyExists: [409, 'Conflict'],
  InvalidInvitation: [400, 'BadRequest'],
};

/** The same, as Partner Center answers them: HTTP status and ApiFault code. */
const PARTNER_CENTER_ERRORS: Record<PartnerErrorCode, readonly [status: number, code: number]> = {
  NoRelationship: [403, 20002],
  WrongOrganization: [403, 2032],
  NotFound: [404, 1000],
  InvalidInput: [400, 3000],
  AlreadyExists: [409, 3001],
  InvalidInvitation: [400, 3000],
};

/** The device side: the code is the kind itself (with DDS's number or Windows' HRESULT beside it). */
const OOBE_STATUS: Record<OobeErrorKind, number> = {
  InvalidZtdHardwareHash: 400,
  InvalidInput: 400,
  ZtdDeviceIsNotRegistered: 404,
  // Like EnrollmentBlocked and TenantMismatch: the device exists, but its registrations' state refuses it.
  ZtdDeviceIsNotUnique: 409,
  UnknownTenantDomain: 404,
  EnrollmentBlocked: 409,
  TenantMismatch: 409,
  TooManyRequests: 429,
};

/** What a domain error (or a GraphError) answers: status, Graph code, message and extra headers. */
interface MappedError {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
}

function mapped([status, code]: GraphAnswer, err: Error, headers: Record<string, string> = {}): MappedError {
  return { status, code, message: err.message, headers };
}

/** The table's answer for `err`, or undefined when it is not a domain error. */
export function mapDomainError(err: unknown): MappedError | undefined {
  if (err instanceof GraphError) return { status: err.statusCode, code: err.code, message: err.message, headers: err.headers };
  if (err instanceof RegistryError) {
    const headers: Record<string, string> = err.code === 'SyncTooSoon' ? { 'retry-after': String(err.retryAfterSeconds ?? 60) } : {};
    return mapped(REGISTRY_ERRORS[err.code], err, headers);
  }
  if (err instanceof ProfileError) return mapped(PROFILE_ERRORS[err.code], err);
  if (err instanceof DirectoryError) return mapped(DIRECTORY_ERRORS[err.code], err);
  if (err instanceof PartnerError) return mapped(PARTNER_ERRORS[err.code], err);
  // A transaction the database gave up on (deadlock victim, serialization failure, SQLite busy) was rolled back whole:
  // the client may simply send it again, as Graph's 503 with Retry-After says.
  if (err instanceof WriteConflictError) {
    return {
      status: 503,
      code: 'ServiceUnavailable',
      message: `A concurrent change to the same data made the database roll this request back (${err.reason}); nothing was changed. Retry after 1 s.`,
      headers: { 'retry-after': '1' },
    };
  }
  return undefined;
}

function answerInGraphEnvelope(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err }, 'request failed');
    return sendGraphError(
      reply,
      status,
      defaultGraphCode(status),
      `Tarmac could not complete the request. Quote request-id ${request.id} when reporting it; details are in the server log.`,
    );
  }
  if (err.validation) return sendGraphError(reply, 400, 'BadRequest', `Invalid request: ${err.message}.`);
  if (status === 429 && typeof err.message === 'string') return sendGraphError(reply, 429, 'TooManyRequests', err.message);
  return sendGraphError(reply, status, defaultGraphCode(status), err.message);
}

/** Entra's answer to what is not an EntraError: invalid_request with the error's status, or server_error. */
function answerInEntraEnvelope(err: Pick<FastifyError, 'statusCode' | 'validation' | 'message'>, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err }, 'identity request failed');
    return sendEntraError(reply, entraErrors.serverError(request.id));
  }
  const message = err.validation ? `The request is not valid: ${err.message}.` : err.message;
  return sendEntraError(reply, new EntraError(status, 'invalid_request', undefined, message));
}

/** The device side's envelope for what is not an OobeError (a body it cannot read, a schema it fails, a write conflict, a bug). */
function answerInOobeEnvelope(err: FastifyError, domain: MappedError | undefined, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const answer = (status: number, message: string) => reply.code(status).type('application/json').send(edgeErrorBody('oobe', request, status, message));
  if (domain) return answer(domain.status, domain.message).headers(domain.headers);
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err }, 'device request failed');
    return answer(status, `Tarmac could not complete the request. Quote request-id ${request.id} when reporting it; details are in the server log.`);
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return answer(status, `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted here: send the body as application/json.`);
  }
  return answer(status, err.validation ? `The request is not valid: ${err.message}.` : err.message);
}

/** Partner Center's ApiFault for any error on its routes: its own codes for partner errors, by status otherwise. */
function answerInPartnerCenterEnvelope(err: FastifyError, domain: MappedError | undefined, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof PartnerCenterError) return sendPartnerCenterError(reply.headers(err.headers), err.statusCode, err.code, err.message, err.data);
  if (err instanceof PartnerError) {
    const [status, code] = PARTNER_CENTER_ERRORS[err.code];
    return sendPartnerCenterError(reply, status, code, err.message, err.data);
  }
  if (domain) return sendPartnerCenterError(reply.headers(domain.headers), domain.status, defaultPartnerCenterCode(domain.status), domain.message);
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err }, 'Partner Center request failed');
    return sendPartnerCenterError(reply, status, defaultPartnerCenterCode(status), `Tarmac could not complete the request. Quote MS-RequestId ${request.id} when reporting it.`);
  }
  const data = err.validation ? err.validation.map((v) => v.instancePath.replace(/^\//, '').replace(/\//g, '.') || String(v.params['missingProperty'] ?? '')).filter((f) => f !== '') : [];
  return sendPartnerCenterError(reply, status, defaultPartnerCenterCode(status), err.validation ? `The request is not valid: ${err.message}.` : err.message, data);
}

export const errorHandler: TarmacPlugin = unencapsulated(async (app) => {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof OobeError) return sendOobeError(reply, OOBE_STATUS[err.kind], err);
    if (err instanceof EntraError) return sendEntraError(reply, err);
    const domain = mapDomainError(err);
    // By the route's envelope, or (the not-found handler, which has none) by the URL's family.
    const family = errorFamilyOf(request);
    if (family === 'partnerCenter') return answerInPartnerCenterEnvelope(err, domain, request, reply);
    if (family === 'entra') {
      return answerInEntraEnvelope(domain ? { statusCode: domain.status, message: domain.message } : err, request, reply);
    }
    if (family === 'oobe') return answerInOobeEnvelope(err, domain, request, reply);
    if (domain) {
      reply.headers(domain.headers);
      return sendGraphError(reply, domain.status, domain.code, domain.message);
    }
    return answerInGraphEnvelope(err, request, reply);
  });

  app.setNotFoundHandler((request, reply) => {
    // A browser's navigation to one of the console's pages (/devices, /profiles/…): the console routes it itself.
    const page = app.consolePageFor(request);
    if (page !== null) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
    const path = request.url.split('?')[0] ?? request.url;
    const family = errorFamilyOfUrl(request.url);
    if (family === 'entra') {
      return sendEntraError(reply, new EntraError(404, 'invalid_request', undefined, `Tarmac has no endpoint for ${request.method} ${path}. The API reference is at /docs.`));
    }
    if (family === 'oobe') {
      return reply.code(404).type('application/json').send(edgeErrorBody('oobe', request, 404, `Tarmac has no device endpoint for ${request.method} ${path}. The API reference is at /docs.`));
    }
    return sendGraphError(
      reply,
      404,
      'ResourceNotFound',
      `Tarmac has no endpoint for ${request.method} ${path}. The API reference is at /docs.`,
    );
  });
}, 'tarmac-error-handler');

/** The API families, each with its own error envelope. */
export type ErrorFamily = 'graph' | 'entra' | 'partnerCenter' | 'oobe';

/** Identity paths beside TENANT_IDENTITY_PATH's: Entra's multi-tenant aliases, and /{tenant}/kerberos. */
const IDENTITY_PATH = /^\/+((common|organizations|consumers)(\/|$)|[^/]+\/+kerberos(\/|$))/i;

/** The family a URL belongs to, by its path alone (for errors raised before a route is known). */
export function errorFamilyOfUrl(url: string): ErrorFamily {
  const path = url.split('?')[0] ?? url;
  if (/^\/+(oem\/+)?v1(\/|$)/i.test(path)) return 'partnerCenter';
  if (/^\/+oobe\/+v1(\/|$)/i.test(path)) return 'oobe';
  if (TENANT_IDENTITY_PATH.test(path) || IDENTITY_PATH.test(path)) return 'entra';
  return 'graph';
}

/** The family of a routed request: its route's envelope, else its URL's. */
export function errorFamilyOf(request: FastifyRequest): ErrorFamily {
  return request.routeOptions.config.errorEnvelope ?? errorFamilyOfUrl(request.url);
}

/** The error body of `family` for a status and message, with no route (and, from the raw server, no request). */
function edgeErrorBody(family: ErrorFamily, request: Pick<FastifyRequest, 'id' | 'headers'>, status: number, message: string): unknown {
  switch (family) {
    case 'entra':
      return entraErrorBody(request, status >= 500 ? entraErrors.serverError(request.id) : new EntraError(status, 'invalid_request', undefined, message));
    case 'partnerCenter':
      return apiFault(status >= 500 ? defaultPartnerCenterCode(status) : 3000, message);
    case 'oobe':
      return { error: { code: status === 400 ? 'InvalidInput' : defaultGraphCode(status), message, innerError: { 'request-id': request.id, date: graphDate() } } };
    default:
      return graphErrorBody(request, defaultGraphCode(status), message);
  }
}

/** A URL cut to a length fit for a message. */
function shown(url: string): string {
  const path = url.split('?')[0] ?? url;
  return path.length > 120 ? `${path.slice(0, 120)}…` : path;
}

/** The longest path segment (raw, percent-encoded) a route matches; longer ones answer 414 before routing. */
export const MAX_PATH_SEGMENT_LENGTH = 1024;

/** What a request Node's HTTP parser refused answers: status and message. */
function clientErrorAnswer(err: NodeJS.ErrnoException): [status: number, message: string] {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return [431, `The request line and headers are larger than the ${Math.round(maxHeaderSize / 1024)} KB Tarmac reads; shorten the URL (a long $filter, many ids) or the headers.`];
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'The request did not arrive in time.'];
  if (err.code === 'HPE_INVALID_METHOD') return [400, 'The request method is not one Tarmac knows (GET, POST, PATCH, PUT, DELETE, HEAD, OPTIONS).'];
  const reason = (err as { reason?: unknown }).reason;
  return [400, `The request is not valid HTTP: ${typeof reason === 'string' ? reason : err.message} (${err.code ?? 'parse error'}).`];
}

/** The URL of the request line at the start of `raw` (what the parser was reading when it failed), or '/'. */
function requestLineUrl(raw: unknown): string {
  if (!Buffer.isBuffer(raw)) return '/';
  const match = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ +(?:[a-z][a-z0-9+.-]*:\/\/[^/\s]*)?(\/\S*)/i.exec(raw.subarray(0, 2048).toString('latin1'));
  return match?.[1] ?? '/';
}

/**
 * Fastify options that answer the errors raised before routing in their family's envelope (see the header): a
 * path segment up to MAX_PATH_SEGMENT_LENGTH (Fastify's 100 would refuse a long user principal name), the
 * router's errors, and the raw server's clientError.
 */
export const edgeErrorOptions = {
  routerOptions: { maxParamLength: MAX_PATH_SEGMENT_LENGTH },
  frameworkErrors: (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const [status, message] =
      err.code === 'FST_ERR_BAD_URL'
        ? [400, `The URL path ${shown(request.url)} is not valid: a percent-encoded sequence in it does not decode to UTF-8 text.`]
        : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? [414, `A segment of the URL path ${shown(request.url)} is longer than ${MAX_PATH_SEGMENT_LENGTH} characters; no Tarmac resource has such an id.`]
          : [500, `Tarmac could not route the request. Quote request-id ${request.id} when reporting it; details are in the server log.`];
    if (status >= 500) request.log.error({ err }, 'routing failed');
    const body = edgeErrorBody(errorFamilyOfUrl(request.url), request, status, message);
    void reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
  },
  clientErrorHandler(this: { log: FastifyRequest['log'] }, err: NodeJS.ErrnoException, socket: Socket): void {
    // A connection reset: nothing to answer, nobody to answer to.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    this.log.debug({ err }, 'client error');
    const [status, message] = clientErrorAnswer(err);
    const family = errorFamilyOfUrl(requestLineUrl((err as { rawPacket?: unknown }).rawPacket));
    const body = JSON.stringify(edgeErrorBody(family, { id: randomUUID(), headers: {} }, status, message));
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(err);
  },
} satisfies Partial<FastifyServerOptions>;
