// Graph throttling per (tenant, app), as Graph and Intune do it: each app in each tenant has its own budget of
// requests per window (TARMAC_GRAPH_RATE_LIMIT per TARMAC_GRAPH_RATE_WINDOW_SECONDS); beyond it, 429 TooManyRequests
// with Retry-After in seconds. Only authenticated requests count — the key comes from the verified token, which
// requireRole (a route onRequest hook) has put on request.auth before this preParsing hook runs, and before a large
// body is read. The token endpoint has its own per-IP limit. `$batch` opts out (config.graphThrottle: false): its
// sub-requests go through the app one by one and each counts, as in Graph.
//
// A fixed window per key on the app's clock (tests move it), kept in memory: one process, like the IP limiter.
import { GraphError } from '../graph-errors.js';
import { unencapsulated, type TarmacPlugin } from '../types.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: requests to this route are not counted against the caller's Graph budget. */
    graphThrottle?: boolean;
  }
}

interface Window {
  /** Start of the window, ms since the epoch. */
  start: number;
  count: number;
}

export interface ThrottleDecision {
  allowed: boolean;
  /** Whole seconds until the caller's window resets (at least 1). */
  retryAfterSeconds: number;
  remaining: number;
}

/** Fixed-window counters keyed by string; stale windows are swept as the map grows. */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>();
  private nextSweepAt = 1024;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  take(key: string, nowMs: number): ThrottleDecision {
    let w = this.windows.get(key);
    if (!w || nowMs - w.start >= this.windowMs || nowMs < w.start) {
      w = { start: nowMs, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size >= this.nextSweepAt) this.sweep(nowMs);
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((w.start + this.windowMs - nowMs) / 1000));
    if (w.count >= this.limit) return { allowed: false, retryAfterSeconds, remaining: 0 };
    w.count += 1;
    return { allowed: true, retryAfterSeconds, remaining: this.limit - w.count };
  }

  private sweep(nowMs: number): void {
    for (const [key, w] of this.windows) if (nowMs - w.start >= this.windowMs) this.windows.delete(key);
    this.nextSweepAt = Math.max(1024, this.windows.size * 2);
  }
}

export const throttle: TarmacPlugin = unencapsulated(async (app) => {
  const { graphRateLimit: limit, graphRateWindowSeconds: windowSeconds } = app.tarmacConfig;
  if (limit <= 0) return;
  const limiter = new FixedWindowLimiter(limit, windowSeconds * 1000);

  // A callback hook, not an async one: every request runs it (see request-context.ts).
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const auth = request.auth;
    if (!auth || request.routeOptions.config.graphThrottle === false) return done(null, payload);
    const decision = limiter.take(`${auth.tenantId}\u0000${auth.appId}`, app.now().getTime());
    if (!decision.allowed) {
      return done(new GraphError(
        429,
        'TooManyRequests',
        `Too many requests: app ${auth.appId} has made its ${limit} requests allowed per ${windowSeconds} s in tenant ${auth.tenantId}. ` +
          `Retry after ${decision.retryAfterSeconds} s (the Retry-After header).`,
        { 'retry-after': String(decision.retryAfterSeconds) },
      ));
    }
    done(null, payload);
  });
}, 'tarmac-throttle');
