// The audit log's HTTP side: every POST/PATCH/PUT/DELETE route says what it records (route config `audit`, see
// ../audit-specs.ts) or why it records nothing — the app refuses to start otherwise, so a new route cannot forget it.
// For each such call it appends one auditEvent: who (the app or signed-in user of the token, a partner or OEM acting on
// a customer, or the PC itself), the tenant whose log holds it, when, what (resource type, ids, operation), the state
// of a single resource before and after (modifiedProperties), the correlation id (client-request-id, else
// request-id) and Success or Failure (status ≥ 400). Calls whose tenant is unknown (no valid token) are not recorded.
//
// When: the event is written in the route's onSend hook, after the handler's transaction committed and before the response leaves,
// so a client that got an answer can find its event. It is not in the same transaction as the change (handlers call
// domain operations that open their own): a crash between the commit and the insert loses that one event, and a
// failed insert is logged (error level) rather than turning a committed change into a 500.
//
// Retention: the server purges events older than TARMAC_AUDIT_RETENTION_DAYS when it starts and hourly after.
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { newAuditEvent, purgeAuditEvents, type AuditActor, type ResourceChange } from '../../audit/index.js';
import { resourceKind, type AuditCall, type AuditConfig, type AuditSpec } from '../audit-specs.js';
import { clientRequestId } from '../graph-errors.js';
import type { PartnerCenterCaller } from '../routes/partner-center/caller.js';
import { unencapsulated, type TarmacPlugin } from '../types.js';

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const PURGE_INTERVAL_MS = 3_600_000;
/** Properties never copied into the log: hardware hashes (4 KB each, and not an admin's edit), what the registry decoded from them, and secrets. */
const OMITTED = new Set(['hardwareHash', 'hardwareIdentifier', 'hash', 'decoded', 'secret', 'secretHash', 'passwordHash']);

export interface AuditedRoute {
  method: string;
  url: string;
  audit: AuditConfig | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every mutating route with what it records (the audit test walks it). */
    auditedRoutes(): AuditedRoute[];
  }
  interface FastifyRequest {
    /** The state of the call's resource before the handler ran, by id (set in preHandler). */
    auditBefore: Map<string, Record<string, unknown> | undefined> | null;
    /** The handler's answer as an object, before it was serialized (undefined when the route sent text). */
    auditResponse: unknown;
  }
}

interface Who {
  /** Undefined for the PC's calls: the route's spec finds the tenant in the answer. */
  tenantId: string | undefined;
  actor: AuditActor;
}

function actor(fields: Partial<AuditActor> & Pick<AuditActor, 'type' | 'auditActorType'>): AuditActor {
  return {
    userPermissions: [],
    applicationId: null,
    applicationDisplayName: null,
    userPrincipalName: null,
    servicePrincipalName: null,
    ipAddress: null,
    userId: null,
    remoteTenantId: null,
    remoteUserId: null,
    ...fields,
  };
}

/** Who made the call and in whose log it goes, from what authentication left on the request. */
function whoOf(request: FastifyRequest): Who {
  const ipAddress = request.ip;
  const auth = request.auth;
  if (auth) {
    if (auth.user) {
      return {
        tenantId: auth.tenantId,
        actor: actor({ type: 'ItPro', auditActorType: 'user', userPermissions: auth.user.scopes, applicationId: auth.appId, userPrincipalName: auth.user.userPrincipalName, userId: auth.user.id, ipAddress }),
      };
    }
    return { tenantId: auth.tenantId, actor: actor({ type: 'Application', auditActorType: 'application', userPermissions: auth.roles, applicationId: auth.appId, servicePrincipalName: auth.objectId, ipAddress }) };
  }
  const caller = (request as { partnerCenter?: PartnerCenterCaller | null }).partnerCenter;
  if (caller) {
    // A partner's write on a customer's objects goes to the customer's log, naming the partner as the remote tenant.
    const customer = caller.relationship?.customerTenantId;
    const remote = customer !== undefined && customer !== caller.partner.id;
    const user = caller.user;
    return {
      tenantId: customer ?? caller.partner.id,
      actor: actor({
        type: 'Partner',
        auditActorType: user ? 'user' : 'application',
        applicationId: caller.appId,
        userPrincipalName: user?.userPrincipalName ?? null,
        userId: remote ? null : (user?.id ?? null),
        remoteTenantId: remote ? caller.partner.id : null,
        remoteUserId: remote ? (user?.id ?? null) : null,
        ipAddress,
      }),
    };
  }
  return { tenantId: undefined, actor: actor({ type: 'Device', auditActorType: 'deviceLocalUser', ipAddress }) };
}

/** A resource's state as plain JSON (dates as ISO text), without the properties the log never holds. */
function plain(state: object | null | undefined): Record<string, unknown> | undefined {
  if (state === null || state === undefined) return undefined;
  const copy = JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
  for (const key of OMITTED) delete copy[key];
  return copy;
}

function specOf(request: FastifyRequest): AuditSpec | undefined {
  if (!MUTATING.has(request.method)) return undefined;
  const audit = request.routeOptions.config.audit;
  return audit && 'resource' in audit ? audit : undefined;
}

/** The resource ids the call writes: the spec's, or the `id` route parameter, or the answer's `id`. */
function idsOf(spec: AuditSpec, call: AuditCall): string[] {
  if (spec.ids) return spec.ids(call);
  const param = call.params['id'];
  if (param !== undefined) return [param];
  const id = (call.response as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? [id] : [];
}

/**
 * The response body as an object: the handler's own, caught before serialization, or else (a route that sent JSON
 * text) the text parsed. Not parsing what was just serialized saves a 500-device import ~3 ms of CPU: its answer
 * echoes every 4 KB hash.
 */
function parsed(request: FastifyRequest, payload: unknown): unknown {
  if (request.auditResponse !== undefined) return request.auditResponse;
  if (typeof payload !== 'string' || payload === '') return undefined;
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

export const auditLog: TarmacPlugin = unencapsulated(async (app) => {
  const routes: RouteOptions[] = [];
  // The hooks go on the mutating routes only: reads (and 404s) never run them. Declared below, called at request time.
  app.addHook('onRoute', (route) => {
    if (![route.method].flat().some((m) => MUTATING.has(m))) return;
    routes.push(route);
    // A route that records nothing (notAudited, e.g. every PC's profile download) runs none of the hooks either.
    const audit = (route.config as { audit?: AuditConfig } | undefined)?.audit;
    if (audit !== undefined && 'skip' in audit) return;
    route.preHandler = [...[route.preHandler ?? []].flat(), async (request) => before(request)];
    // Last of the route's preSerialization hooks, so it sees the object exactly as it is serialized.
    route.preSerialization = [...[route.preSerialization ?? []].flat(), async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
      request.auditResponse = payload;
      return payload;
    }];
    route.onSend = [...[route.onSend ?? []].flat(), async (request, reply, payload) => send(request, reply, payload)];
  });
  const listed = (): AuditedRoute[] =>
    routes.map((r) => ({ method: [r.method].flat().join(','), url: r.url, audit: (r.config as { audit?: AuditConfig } | undefined)?.audit }));
  app.decorate('auditedRoutes', listed);
  // Checked once every route is registered (scopes' onRoute hooks may set the config after this plugin's hook ran).
  app.addHook('onReady', async () => {
    const missing = listed().filter((r) => r.audit === undefined);
    if (missing.length > 0) {
      throw new Error(
        `Routes that change data must say what the audit log records (config: audited(…)) or why nothing (notAudited('…'), src/http/audit-specs.ts): ` +
          missing.map((r) => `${r.method} ${r.url}`).join(', '),
      );
    }
  });

  app.decorateRequest('auditBefore', null);
  app.decorateRequest('auditResponse', undefined);
  const paramsOf = (request: FastifyRequest): Record<string, string> => (request.params ?? {}) as Record<string, string>;

  async function load(spec: AuditSpec, tenantId: string, id: string, params: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const loader = resourceKind(spec.resource).load;
    return loader ? plain(await loader(app.registry.store, tenantId, id, params)) : undefined;
  }

  // Before: the single resource a call names in its path (a creation has none yet; batches are listed, not diffed).
  const before = async (request: FastifyRequest): Promise<void> => {
    const spec = specOf(request);
    if (!spec || !resourceKind(spec.resource).load) return;
    const { tenantId } = whoOf(request);
    if (tenantId === undefined) return;
    const params = paramsOf(request);
    const ids = idsOf(spec, { request, reply: undefined, params, body: request.body, response: undefined });
    if (ids.length !== 1) return;
    try {
      request.auditBefore = new Map([[ids[0]!, await load(spec, tenantId, ids[0]!, params)]]);
    } catch (err) {
      // The log must never fail the call: the event then goes without its before state.
      request.log.error({ err }, 'audit log: the state before this call could not be read');
    }
  };

  async function record(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
    const spec = specOf(request);
    if (!spec) return;
    const who = whoOf(request);
    const params = paramsOf(request);
    const call: AuditCall = { request, reply, params, body: request.body, response: parsed(request, payload) };
    const tenantId = who.tenantId ?? spec.tenant?.(call);
    if (tenantId === undefined) return;
    const result = reply.statusCode < 400 ? 'Success' : 'Failure';
    const ids = idsOf(spec, call);
    const single = ids.length === 1;
    const resources: ResourceChange[] = [];
    for (const id of ids) {
      const before = request.auditBefore?.get(id);
      // A failed call changed nothing: after = before. Only a single resource is read back (a batch is listed).
      const after = result === 'Failure' ? before : single ? await load(spec, tenantId, id, params) : undefined;
      resources.push({ type: spec.resource, id, before, after });
    }
    if (who.actor.applicationId && who.actor.applicationDisplayName === null) {
      const owner = who.actor.remoteTenantId ?? tenantId;
      const registered = await app.tenantsStore.apps.findByClientId(owner, who.actor.applicationId);
      who.actor.applicationDisplayName = registered?.displayName ?? null;
    }
    const kind = resourceKind(spec.resource);
    const event = newAuditEvent({
      tenantId,
      at: app.now(),
      category: kind.category,
      componentName: kind.component,
      operation: spec.operation,
      activity: spec.activity,
      resourceType: spec.resource,
      result,
      correlationId: clientRequestId(request),
      requestId: request.id,
      http: { method: request.method, path: request.url.split('?')[0] ?? request.url, status: reply.statusCode },
      actor: who.actor,
      resources,
    });
    await app.registry.store.audit.append(event);
  }

  const send = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    try {
      await record(request, reply, payload);
    } catch (err) {
      request.log.error({ err }, 'audit log: the event of this call could not be stored');
    }
    return payload;
  };

  // Retention.
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const purge = async (): Promise<void> => {
    try {
      const purged = await purgeAuditEvents(app.registry.store.audit, app.now(), app.tarmacConfig.auditRetentionDays);
      if (purged > 0) app.log.info({ purged }, 'audit log: events past retention purged');
    } catch (err) {
      app.log.error({ err }, 'audit log: purge failed (retried within the hour)');
    }
  };
  // Not awaited: a first purge of a long backlog must not hold the server's start. Closing waits for a running one.
  app.addHook('onReady', async () => {
    running = purge();
    timer = setInterval(() => {
      running = running.then(purge);
    }, PURGE_INTERVAL_MS);
    timer.unref();
  });
  app.addHook('preClose', async () => {
    if (timer) clearInterval(timer);
    await running;
  });
}, 'tarmac-audit');
