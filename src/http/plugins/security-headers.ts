// The security headers every response carries: helmet's, with Tarmac's options (external.ts), taken from helmet once
// at start-up and set on each reply by an onRequest hook.
//
// Why not @fastify/helmet: version 13 builds helmet's middleware anew for every request (it parses the CSP directives
// and allocates a dozen closures each time), ~4 % of a profile download's CPU under the oobe bench's load. The headers
// depend on nothing in the request (Tarmac uses no CSP nonces), so computing them once gives the same bytes. A route
// that sets one of them itself (the sign-in page's CSP) still wins, as it did: it sets it later.
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/** The headers helmet's middleware sets with `options`, lower-cased: what it would set on any response. */
export function securityHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failed: unknown;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (err?: unknown) => {
    failed = err;
  });
  if (failed !== undefined) throw failed instanceof Error ? failed : new Error(String(failed));
  return Object.freeze(headers);
}
