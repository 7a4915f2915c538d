// What Tarmac's logs promise: no secret or token a client sent is written to them. loggerOptions(config) is the one
// set of logger options every serving process uses (`serve`, and each `serve --workers` process), and it
// - logs each request's URL with the values of sensitive query parameters replaced by [REDACTED] (client_secret,
//   client_assertion, code, refresh_token, access_token, password, sig, …: see sensitiveName);
// - censors sensitive headers (Authorization, Cookie, X-Api-Key, …) and body fields (client_secret, password, …)
//   wherever a logged object carries them under the usual names (req.headers, headers, err.headers, body, …);
// - as a last line, censors any `name=value` with a sensitive name left in a written line: a URL quoted in a message
//   or an error (Fastify's "Route GET:/x?code=… not found", a failed outbound call's URL).
// Tarmac's request log does not include headers at all; the header rules are for whatever logs an object with them.
import type { FastifyServerOptions } from 'fastify';
import type { TarmacConfig } from '../config.js';

export const REDACTED = '[REDACTED]';

/** Names whose value is a secret wherever they appear (lower case). */
const SECRET_NAMES = new Set(['code', 'sig', 'signature', 'key', 'pwd', 'passwd', 'otp', 'session', 'sessionid']);
/** A name containing one of these is a secret's (client_secret, refresh_token, id_token_hint, $skiptoken, …). */
const SECRET_PARTS = ['secret', 'token', 'password', 'assertion', 'code_verifier', 'credential', 'apikey', 'api_key', 'api-key'];

/** Whether a query parameter, form field or header of this name carries a secret. */
export function sensitiveName(name: string): boolean {
  let n = name;
  if (n.includes('%') || n.includes('+')) {
    try {
      n = decodeURIComponent(n.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: judge the name as written.
    }
  }
  n = n.trim().toLowerCase();
  return SECRET_NAMES.has(n) || SECRET_PARTS.some((part) => n.includes(part));
}

/** The URL with the values of sensitive query parameters replaced by [REDACTED]; everything else as it was. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const hash = url.indexOf('#', q);
  const query = hash === -1 ? url.slice(q + 1) : url.slice(q + 1, hash);
  let changed = false;
  const params = query.split('&').map((param) => {
    const eq = param.indexOf('=');
    if (eq === -1 || !sensitiveName(param.slice(0, eq))) return param;
    changed = true;
    return `${param.slice(0, eq)}=${REDACTED}`;
  });
  if (!changed) return url;
  return `${url.slice(0, q + 1)}${params.join('&')}${hash === -1 ? '' : url.slice(hash)}`;
}

// `name=value` in free text (a JSON log line included): the value runs to the next separator, quote or escape.
const PAIR = /([\w.$%+-]+)=([^&\s"'<>#\\,;]*)/g;

/** Free text with the value of every `name=value` whose name is sensitive replaced by [REDACTED]. */
export function redactText(text: string): string {
  if (!text.includes('=')) return text;
  return text.replace(PAIR, (pair, name: string, value: string) => (value === '' || value === REDACTED || !sensitiveName(name) ? pair : `${name}=${REDACTED}`));
}

const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-functions-key', 'ocp-apim-subscription-key', 'x-ms-token'];
const HEADER_HOLDERS = ['headers', 'req.headers', 'res.headers', 'request.headers', 'response.headers', 'err.headers', 'err.request.headers', 'err.response.headers', 'err.config.headers'];
const SECRET_FIELDS = ['client_secret', 'client_assertion', 'password', 'refresh_token', 'access_token', 'id_token', 'code_verifier', 'clientSecret', 'secret'];
const FIELD_HOLDERS = ['', 'body.', 'req.body.', 'request.body.', 'query.', 'req.query.'];

/** pino redact paths: the secret headers under each usual holder, the secret fields at the top, in bodies and queries. */
export const REDACT_PATHS: readonly string[] = [
  ...HEADER_HOLDERS.flatMap((holder) => SECRET_HEADERS.map((h) => `${holder}["${h}"]`)),
  ...FIELD_HOLDERS.flatMap((holder) => SECRET_FIELDS.map((f) => `${holder}${f}`)),
];

interface LoggedRequest {
  method?: string;
  url?: string;
  headers?: Record<string, string | string[] | undefined>;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer (method, url, version, host, remoteAddress, remotePort), its URL redacted. */
function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** The logger options of every serving process. Tests add `stream` to read what is written. */
export function loggerOptions(config: Pick<TarmacConfig, 'logLevel'>): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level: config.logLevel,
    serializers: { req: serializeRequest },
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    hooks: { streamWrite: redactText },
  };
}
