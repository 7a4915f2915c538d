// Microsoft Graph's error envelope, and an error class handlers throw to produce it.
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: {
      date: string;
      'request-id': string;
      'client-request-id': string;
    };
  };
}

/** An error to answer with as-is: HTTP status, Graph `code`, and a message that says what to do. */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Graph's `date`: UTC, seconds precision, no zone suffix (2024-05-01T12:00:00). */
export function graphDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 19);
}

/** The caller's client-request-id (at most 200 characters), or the request id. `request` may be a bare {id, headers}. */
export function clientRequestId(request: Pick<FastifyRequest, 'id' | 'headers'>): string {
  const header = request.headers['client-request-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && value.length <= 200 ? value : request.id;
}

export function graphErrorBody(request: Pick<FastifyRequest, 'id' | 'headers'>, code: string, message: string): GraphErrorBody {
  return {
    error: {
      code,
      message,
      innerError: { date: graphDate(), 'request-id': request.id, 'client-request-id': clientRequestId(request) },
    },
  };
}

export function sendGraphError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json').send(graphErrorBody(reply.request, code, message));
}

/** The Graph code Tarmac uses for a status when nothing more specific applies. */
export function defaultGraphCode(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'InvalidAuthenticationToken';
    case 403:
      return 'Forbidden';
    case 404:
      return 'ResourceNotFound';
    case 405:
      return 'MethodNotAllowed';
    case 406:
      return 'NotAcceptable';
    case 408:
      return 'RequestTimeout';
    case 409:
      return 'Conflict';
    case 411:
      return 'LengthRequired';
    case 413:
      return 'RequestEntityTooLarge';
    case 414:
      return 'RequestUriTooLong';
    case 415:
      return 'UnsupportedMediaType';
    case 429:
      return 'TooManyRequests';
    case 431:
      return 'RequestHeaderFieldsTooLarge';
    case 503:
      return 'ServiceUnavailable';
    default:
      return status >= 500 ? 'generalException' : 'BadRequest';
  }
}
