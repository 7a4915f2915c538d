// The authorization endpoint, as Entra's v2.0 one: GET /{tenant}/oauth2/v2.0/authorize shows a sign-in form; its POST
// checks the password and sends the browser back to the app's redirect URI with a single-use code (authorization code
// flow with PKCE, RFC 6749 / 7636), in the query, the fragment or a form post (response_mode).
//
// Checks come in Entra's order: tenant, client and redirect URI first — a failure there is an error PAGE, never a
// redirect (the redirect URI is not trusted yet: no open redirect) — then the rest (response_type, PKCE, scope,
// prompt), whose failures go back to the redirect URI with error, error_description and state.
// The form is plain HTML (no script, no external assets) with a strict CSP; a CSRF token in a hidden field must match a
// SameSite=Strict cookie. Failed sign-ins are counted per address and per user name and lock both for a while
// (AADSTS50053); an unknown user and a wrong password get the same answer (AADSTS50126).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authenticateUser, type Tenant } from '../../../tenants/index.js';
import {
  FailedSignIns,
  checkAuthorizeRequest,
  issueAuthorizationCode,
  type AuthorizeQuery,
  type AuthorizeRequest,
  type ResponseMode,
} from '../../../tokens/index.js';
import { EntraError } from '../../entra-errors.js';
import type { TarmacPlugin } from '../../types.js';
import { resolveTenant } from './resolve-tenant.js';

const TenantParams = Type.Object({ tenant: Type.String({ description: 'Tenant id (GUID) or one of its domains' }) });

const AuthorizeQuerySchema = Type.Object(
  {
    client_id: Type.Optional(Type.String({ description: 'Application (client) id' })),
    response_type: Type.Optional(Type.String({ examples: ['code'] })),
    redirect_uri: Type.Optional(Type.String({ description: 'One of the app’s redirect URIs, exactly' })),
    scope: Type.Optional(Type.String({ examples: ['openid profile offline_access https://graph.microsoft.com/.default'] })),
    state: Type.Optional(Type.String()),
    response_mode: Type.Optional(Type.String({ examples: ['query', 'fragment', 'form_post'] })),
    code_challenge: Type.Optional(Type.String({ description: 'base64url SHA-256 of the code_verifier (required for public clients)' })),
    code_challenge_method: Type.Optional(Type.String({ examples: ['S256'] })),
    nonce: Type.Optional(Type.String()),
    login_hint: Type.Optional(Type.String()),
    prompt: Type.Optional(Type.String({ examples: ['login', 'none', 'select_account'] })),
  },
  { additionalProperties: true },
);

const SignInForm = Type.Object(
  {
    login: Type.Optional(Type.String({ description: 'User principal name' })),
    passwd: Type.Optional(Type.String({ description: 'Password' })),
    csrf: Type.Optional(Type.String({ description: 'The token of the form (matches the sign-in cookie)' })),
  },
  { additionalProperties: true },
);

const CSRF_COOKIE = 'tarmac_signin_csrf';
const CSRF_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Failed sign-ins tolerated in the window: per user name, and per client address. */
export const SIGN_IN_FAILURES_PER_USER = 5;
export const SIGN_IN_FAILURES_PER_ADDRESS = 20;
export const SIGN_IN_FAILURE_WINDOW_MS = 15 * 60_000;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const STYLE = `body{font-family:system-ui,sans-serif;background:#f3f3f3;margin:0;color:#1b1b1b}
main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem 2.5rem;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5rem;margin:0 0 .5rem}label{display:block;margin-top:1rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;font-size:1rem;border:1px solid #666}
input:focus,button:focus{outline:3px solid #0067b8;outline-offset:2px}
button{margin-top:1.5rem;padding:.5rem 2rem;font-size:1rem;background:#0067b8;color:#fff;border:0;cursor:pointer}
.error{color:#a80000;border-left:4px solid #a80000;padding-left:.75rem}.small{font-size:.85rem;color:#555}`;

function page(nonce: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} – Tarmac</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function securityHeaders(reply: FastifyReply, csp: string): FastifyReply {
  return reply
    .header('content-security-policy', csp)
    .header('cache-control', 'no-store, no-cache')
    .header('pragma', 'no-cache')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8');
}

function errorPage(reply: FastifyReply, status: number, error: { error: string; aadsts: number | undefined; message: string }, requestId: string): FastifyReply {
  const nonce = randomBytes(16).toString('base64');
  const code = error.aadsts !== undefined ? `AADSTS${error.aadsts}: ` : '';
  const body = `<h1>Sign in failed</h1>
<p class="error" role="alert">${escapeHtml(code + error.message)}</p>
<p class="small">Error: ${escapeHtml(error.error)}. Request id: ${escapeHtml(requestId)}. Nothing was sent back to the application.</p>`;
  return securityHeaders(reply.code(status), `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`).send(
    page(nonce, 'Sign in failed', body),
  );
}

function originOf(uri: string): string {
  return new URL(uri).origin;
}

/** Sends the browser back to the app with `params`, the way response_mode says. */
function respond(reply: FastifyReply, redirectUri: string, mode: ResponseMode, params: Record<string, string | undefined>): FastifyReply {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  if (mode === 'form_post') {
    const nonce = randomBytes(16).toString('base64');
    const inputs = entries.map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('\n');
    const body = `<h1>Signing in…</h1>
<form method="post" action="${escapeHtml(redirectUri)}" id="response">
${inputs}
<noscript><button type="submit">Continue</button></noscript>
</form>
<script nonce="${nonce}">document.getElementById('response').submit();</script>`;
    return securityHeaders(
      reply.code(200),
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; form-action ${originOf(redirectUri)}; frame-ancestors 'none'; base-uri 'none'`,
    ).send(page(nonce, 'Signing in', body));
  }
  const encoded = new URLSearchParams(entries).toString();
  let location: string;
  if (mode === 'fragment') {
    location = `${redirectUri}#${encoded}`;
  } else {
    const url = new URL(redirectUri);
    for (const [k, v] of entries) url.searchParams.append(k, v);
    location = url.toString();
  }
  return reply.code(302).header('cache-control', 'no-store').header('location', location).send();
}

function cookieValue(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const authorizeRoutes: TarmacPlugin = async (app) => {
  const failures = new FailedSignIns(SIGN_IN_FAILURES_PER_USER, SIGN_IN_FAILURE_WINDOW_MS);
  const addressFailures = new FailedSignIns(SIGN_IN_FAILURES_PER_ADDRESS, SIGN_IN_FAILURE_WINDOW_MS);

  /** The tenant, or the error page already sent (undefined). */
  async function tenantOr(request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply): Promise<Tenant | undefined> {
    try {
      return await resolveTenant(app.tenantsStore, request.params.tenant);
    } catch (err) {
      if (err instanceof EntraError) {
        errorPage(reply, 400, { error: err.error, aadsts: err.aadsts, message: err.message }, request.id);
        return undefined;
      }
      throw err;
    }
  }

  /** The checked request, or the error page / error redirect already sent (undefined). */
  async function checked(
    request: FastifyRequest<{ Params: { tenant: string }; Querystring: AuthorizeQuery }>,
    reply: FastifyReply,
  ): Promise<AuthorizeRequest | undefined> {
    const tenant = await tenantOr(request, reply);
    if (!tenant) return undefined;
    const check = await checkAuthorizeRequest(app.tenantsStore, tenant, request.query);
    if (check.ok) return check.request;
    const { error } = check;
    if (check.show === 'page') {
      errorPage(reply, 400, { error: error.error, aadsts: error.aadsts, message: error.message }, request.id);
    } else {
      respond(reply, check.redirectUri, check.responseMode, {
        error: error.error,
        error_description: `AADSTS${error.aadsts}: ${error.message} Trace ID: ${request.id}`,
        state: check.state,
      });
    }
    return undefined;
  }

  function signInForm(request: FastifyRequest, reply: FastifyReply, authorize: AuthorizeRequest, status: number, options: { login?: string; error?: string }): FastifyReply {
    const existing = cookieValue(request, CSRF_COOKIE);
    const csrf = existing !== undefined && CSRF_TOKEN.test(existing) ? existing : randomBytes(32).toString('base64url');
    const secure = request.protocol === 'https' ? '; Secure' : '';
    const path = `/${encodeURIComponent((request.params as { tenant: string }).tenant)}/oauth2/`;
    reply.header('set-cookie', `${CSRF_COOKIE}=${csrf}; Path=${path}; HttpOnly; SameSite=Strict${secure}`);
    const nonce = randomBytes(16).toString('base64');
    const login = options.login ?? authorize.loginHint ?? '';
    const tenantName = authorize.tenant.domains[0]?.name ?? authorize.tenant.id;
    const error = options.error !== undefined ? `<p class="error" role="alert" id="signin-error">${escapeHtml(options.error)}</p>\n` : '';
    const described = options.error !== undefined ? ' aria-describedby="signin-error" aria-invalid="true"' : '';
    const body = `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(authorize.app.displayName)}</strong></p>
<p class="small">Organisation: ${escapeHtml(authorize.tenant.displayName)} (${escapeHtml(tenantName)})</p>
${error}<form method="post" action="${escapeHtml(request.url)}">
<input type="hidden" name="csrf" value="${csrf}">
<label for="login">User name</label>
<input id="login" name="login" type="text" inputmode="email" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(login)}"${described}>
<label for="passwd">Password</label>
<input id="passwd" name="passwd" type="password" autocomplete="current-password" required${described}>
<button type="submit">Sign in</button>
</form>`;
    return securityHeaders(
      reply.code(status),
      `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self' ${originOf(authorize.redirectUri)}; frame-ancestors 'none'; base-uri 'none'`,
    ).send(page(nonce, 'Sign in', body));
  }

  const schema = (summary: string, description: string) => ({
    tags: ['identity'],
    summary,
    description,
    params: TenantParams,
    querystring: AuthorizeQuerySchema,
    produces: ['text/html'],
    response: {
      200: Type.String({ description: 'The sign-in form (HTML), or the form_post response page' }),
      302: Type.Null({ description: 'Back to the redirect URI with code and state (or error, error_description and state)' }),
      400: Type.String({ description: 'Error page (HTML): unknown tenant or client, unregistered redirect URI, expired form' }),
      429: Type.String({ description: 'The sign-in form (HTML) saying the account or address is locked for a while' }),
    },
  });

  app.get<{ Params: { tenant: string }; Querystring: AuthorizeQuery }>(
    '/:tenant/oauth2/v2.0/authorize',
    {
      schema: schema(
        'Sign-in (authorization endpoint): the sign-in form',
        'Authorization code flow with PKCE (S256), as Entra’s v2.0 endpoint: client_id, response_type=code, redirect_uri (registered exactly), ' +
          'scope, state, code_challenge, code_challenge_method=S256, optional response_mode (query, fragment, form_post), nonce, login_hint, prompt. ' +
          'prompt=none answers login_required (Tarmac keeps no sign-in sessions).',
      ),
    },
    async (request, reply) => {
      const authorize = await checked(request, reply);
      if (!authorize) return reply;
      return signInForm(request, reply, authorize, 200, {});
    },
  );

  app.post<{ Params: { tenant: string }; Querystring: AuthorizeQuery; Body: { login?: string; passwd?: string; csrf?: string } }>(
    '/:tenant/oauth2/v2.0/authorize',
    {
      config: { rateLimit: { max: 60, timeWindow: 60_000 } },
      schema: {
        ...schema('Sign-in (authorization endpoint): the credentials', 'The sign-in form’s POST (same query string as the GET): login, passwd and the form’s csrf token.'),
        consumes: ['application/x-www-form-urlencoded'],
        body: SignInForm,
      },
    },
    async (request, reply) => {
      const authorize = await checked(request, reply);
      if (!authorize) return reply;
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
      const text = (name: string): string => (typeof body[name] === 'string' ? (body[name] as string) : '');
      const cookie = cookieValue(request, CSRF_COOKIE);
      const csrf = text('csrf');
      if (cookie === undefined || csrf === '' || !sameToken(cookie, csrf)) {
        return errorPage(
          reply,
          400,
          { error: 'invalid_request', aadsts: 90014, message: 'The sign-in form was not sent from this server’s sign-in page, or its cookie is missing (cookies must be allowed). Start the sign-in again from the application.' },
          request.id,
        );
      }
      const now = app.now();
      const login = text('login').trim().toLowerCase();
      const userKey = `user:${authorize.tenant.id}:${login}`;
      const addressKey = `ip:${request.ip}`;
      const locked = Math.max(failures.lockedFor(userKey, now), addressFailures.lockedFor(addressKey, now));
      if (locked > 0) {
        reply.header('retry-after', String(locked));
        return signInForm(request, reply, authorize, 429, {
          login,
          error: `AADSTS50053: Your account is locked because you've tried to sign in too many times with an incorrect user ID or password. Try again in ${Math.ceil(locked / 60)} minute(s).`,
        });
      }
      const user = login === '' ? undefined : await authenticateUser(app.tenantsStore, authorize.tenant, login, text('passwd'));
      if (!user) {
        failures.record(userKey, now);
        addressFailures.record(addressKey, now);
        return signInForm(request, reply, authorize, 200, {
          login,
          error: 'AADSTS50126: Error validating credentials due to invalid username or password.',
        });
      }
      failures.clear(userKey);
      const code = await issueAuthorizationCode(app.tenantsStore, authorize, user, now);
      return respond(reply, authorize.redirectUri, authorize.responseMode, { code, state: authorize.state });
    },
  );
};
