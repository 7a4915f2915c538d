// Is the app a token names (`appid`) still an app of the token's tenant (`tid`), and was the token issued (`iat`)
// after the app's tokens were last revoked? Checked on every Graph and Partner Center request, so the answer is
// cached in memory per (tenant, app), in each process, for APP_STATE_CACHE_SECONDS: a deletion or revocation
// (`tarmac app delete`, `tarmac app secret delete`, `tarmac app revoke-tokens`) bites on every server process within
// that many seconds. First-party apps (the console) exist in every tenant and are never revoked this way.
import type { AppRepository } from '../tenants/ports.js';

export const APP_STATE_CACHE_SECONDS = 5;
/** Most (tenant, app) pairs cached at once; the oldest entries go first beyond it. */
const MAX_ENTRIES = 10_000;

export type TokenSubjectCheck = 'ok' | 'UnknownApp' | 'Revoked';

interface Entry {
  /** undefined: no such app in the tenant. Unix seconds otherwise (0: never revoked). */
  notBefore: number | undefined;
  /** When it was read, ms by the caller's clock. */
  at: number;
}

/** Unix seconds a `tokensNotBefore` time stands for: tokens with an earlier `iat` are revoked. */
export function notBeforeSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

export class AppTokenStates {
  readonly #apps: Pick<AppRepository, 'tokenState'>;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, Entry>();

  constructor(apps: Pick<AppRepository, 'tokenState'>, ttlSeconds: number = APP_STATE_CACHE_SECONDS) {
    this.#apps = apps;
    this.#ttlMs = ttlSeconds * 1000;
  }

  /** Whether a token of `clientId` in `tenantId` issued at `iat` (Unix seconds) may be used at `now`. */
  async check(tenantId: string, clientId: string, iat: number, now: Date): Promise<TokenSubjectCheck> {
    const key = `${tenantId}\n${clientId.toLowerCase()}`;
    let entry = this.#cache.get(key);
    if (!entry || now.getTime() - entry.at >= this.#ttlMs || now.getTime() < entry.at) {
      const state = await this.#apps.tokenState(tenantId, clientId.toLowerCase());
      entry = { notBefore: state === undefined ? undefined : state.tokensNotBefore === null ? 0 : notBeforeSeconds(state.tokensNotBefore), at: now.getTime() };
      this.#cache.delete(key);
      this.#cache.set(key, entry);
      if (this.#cache.size > MAX_ENTRIES) {
        const oldest = this.#cache.keys().next().value;
        if (oldest !== undefined) this.#cache.delete(oldest);
      }
    }
    if (entry.notBefore === undefined) return 'UnknownApp';
    return iat < entry.notBefore ? 'Revoked' : 'ok';
  }

}
