// The Fastify instance type Tarmac's plugins and routes share, and what the app decorates it with.
import type { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync, onRequestHookHandler, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TarmacConfig } from '../config.js';
import type { Db } from '../store/index.js';
import type { TenantsStore } from '../tenants/index.js';
import type { AppTokenStates, KeyRing } from '../tokens/index.js';

export type TarmacApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export type TarmacPlugin<Options extends Record<string, unknown> = Record<never, never>> = FastifyPluginAsync<
  Options,
  RawServerDefault,
  TypeBoxTypeProvider
>;

/** Who is calling, from a verified access token. */
export interface AuthContext {
  tenantId: string;
  /** The app's client id (`appid`). */
  appId: string;
  /** The app's object id (`oid`); for a user token, the user's. */
  objectId: string;
  /** Application permissions of an app-only token; none for a user token. */
  roles: string[];
  /** For a signed-in user's (delegated) token: who, and the delegated permissions (`scp`). */
  user?: { id: string; userPrincipalName: string; name: string; scopes: string[] };
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    tenantsStore: TenantsStore;
    keyRing: KeyRing;
    /** Whether a token's app is still an app of its tenant and its tokens not revoked (cached a few seconds). */
    appTokenStates: AppTokenStates;
    tarmacConfig: TarmacConfig;
    /** The time, as the app sees it (tests move it). */
    now(): Date;
    /** The base URL clients use for this request: TARMAC_PUBLIC_URL, or scheme://Host of the request. */
    baseUrl(request: FastifyRequest): string;
    /**
     * An onRequest hook for Graph routes: 401 without a valid token, 403 unless the token has one of `roles`
     * (none given: any authenticated app). Sets request.auth.
     */
    requireRole(...roles: string[]): onRequestHookHandler;
  }
  interface FastifyRequest {
    /** Set by requireRole; null on routes that do not authenticate. */
    auth: AuthContext | null;
  }
}

/**
 * Marks a plugin as not encapsulated, so its decorators and hooks apply to the whole app (what the fastify-plugin
 * package does, through Fastify's documented `skip-override` symbol).
 */
export function unencapsulated<Options extends Record<string, unknown>>(plugin: TarmacPlugin<Options>, name: string): TarmacPlugin<Options> {
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
  return plugin;
}
