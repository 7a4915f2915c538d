// The token endpoint's brute-force guard, one per process (in memory: with `serve --workers N` each worker counts
// for itself, so the effective limits are up to N times these). It promises:
// - a request budget per client and one per tenant, per minute, shared by the v1 and v2 endpoints and by every
//   path that names the tenant (id or domain), for every grant;
// - a lockout per client: `lockoutFailures` failed client authentications (unknown client, wrong or expired
//   secret) within `lockoutSeconds` refuse that client, even with its right secret, until the oldest of those
//   failures is `lockoutSeconds` old.
// A client is a client id in a tenant: a registered app's client id lives in one tenant only, so this is per client
// id, while failures sent to other tenants' paths (where the app does not exist) do not lock the real app, and the
// console's client id, which every tenant shares, is budgeted per tenant (the token route does not count its
// failures: it has no secret to guess). Requests refused by the lockout or a budget do not count as failures, and a
//   success does not clear them (an attacker's failures cannot be wiped by the real client's traffic).
import { FailedSignIns } from './sign-in.js';

export interface TokenEndpointLimits {
  /** Requests per client id per minute; 0 turns the limit off. */
  perClient: number;
  /** Requests per tenant per minute; 0 turns the limit off. */
  perTenant: number;
  /** Failed client authentications that lock a client id; 0 turns the lockout off. */
  lockoutFailures: number;
  /** The window those failures are counted in, and how long the lock can last. */
  lockoutSeconds: number;
}

export const DEFAULT_TOKEN_ENDPOINT_LIMITS: TokenEndpointLimits = { perClient: 300, perTenant: 1200, lockoutFailures: 10, lockoutSeconds: 300 };

const WINDOW_MS = 60_000;

export type TokenEndpointAdmission =
  | { ok: true }
  | { ok: false; reason: 'Locked' | 'ClientThrottled' | 'TenantThrottled'; retryAfterSeconds: number };

interface Window {
  start: number;
  count: number;
}

/** Fixed one-minute windows keyed by string; stale ones are swept as the map grows. */
class MinuteCounters {
  readonly #windows = new Map<string, Window>();
  #nextSweepAt = 1024;

  constructor(readonly limit: number) {}

  /** Counts a request; the seconds to wait when the budget is spent (0: allowed). */
  take(key: string, nowMs: number): number {
    let w = this.#windows.get(key);
    if (!w || nowMs - w.start >= WINDOW_MS || nowMs < w.start) {
      w = { start: nowMs, count: 0 };
      this.#windows.set(key, w);
      if (this.#windows.size >= this.#nextSweepAt) this.#sweep(nowMs);
    }
    if (w.count >= this.limit) return Math.max(1, Math.ceil((w.start + WINDOW_MS - nowMs) / 1000));
    w.count += 1;
    return 0;
  }

  #sweep(nowMs: number): void {
    for (const [key, w] of this.#windows) if (nowMs - w.start >= WINDOW_MS) this.#windows.delete(key);
    this.#nextSweepAt = Math.max(1024, this.#windows.size * 2);
  }
}

export class TokenEndpointGuard {
  readonly #clients: MinuteCounters | undefined;
  readonly #tenants: MinuteCounters | undefined;
  readonly #failures: FailedSignIns | undefined;

  constructor(limits: TokenEndpointLimits = DEFAULT_TOKEN_ENDPOINT_LIMITS) {
    this.#clients = limits.perClient > 0 ? new MinuteCounters(limits.perClient) : undefined;
    this.#tenants = limits.perTenant > 0 ? new MinuteCounters(limits.perTenant) : undefined;
    this.#failures = limits.lockoutFailures > 0 ? new FailedSignIns(limits.lockoutFailures, limits.lockoutSeconds * 1000) : undefined;
  }

  /** Whether to handle a token request of `clientId` (lowercase) to `tenantId`; counts it against both budgets. */
  admit(tenantId: string, clientId: string, now: Date): TokenEndpointAdmission {
    const key = `${tenantId}:${clientId}`;
    const locked = this.#failures?.lockedFor(key, now) ?? 0;
    if (locked > 0) return { ok: false, reason: 'Locked', retryAfterSeconds: locked };
    const client = this.#clients?.take(key, now.getTime()) ?? 0;
    if (client > 0) return { ok: false, reason: 'ClientThrottled', retryAfterSeconds: client };
    const tenant = this.#tenants?.take(tenantId, now.getTime()) ?? 0;
    if (tenant > 0) return { ok: false, reason: 'TenantThrottled', retryAfterSeconds: tenant };
    return { ok: true };
  }

  /** A client authentication of `clientId` (lowercase) in `tenantId` failed. */
  failed(tenantId: string, clientId: string, now: Date): void {
    this.#failures?.record(`${tenantId}:${clientId}`, now);
  }
}
