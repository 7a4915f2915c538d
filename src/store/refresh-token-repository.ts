// Refresh tokens (RefreshTokenRepository, src/tenants/ports.ts) on Kysely, by the SHA-256 of the token.
import type { RefreshToken, RefreshTokenRepository } from '../tenants/ports.js';
import type { Executor } from './executor.js';
import { refreshTokenFromRow } from './row-mappers.js';

export class KyselyRefreshTokenRepository implements RefreshTokenRepository {
  constructor(private readonly db: Executor) {}

  async insert(token: RefreshToken): Promise<void> {
    await this.db
      .insertInto('refresh_tokens')
      .values({
        token_hash: token.tokenHash,
        tenant_id: token.tenantId,
        client_id: token.clientId,
        user_id: token.userId,
        scope: token.scope,
        family_id: token.familyId,
        expires_at: token.expiresAt,
        revoked: token.revoked ? 1 : 0,
        created_at: token.createdAt,
      })
      .execute();
  }

  async find(tokenHash: string): Promise<RefreshToken | undefined> {
    const row = await this.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? refreshTokenFromRow(row) : undefined;
  }

  async revoke(tokenHash: string): Promise<boolean> {
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ revoked: 1 })
      .where('token_hash', '=', tokenHash)
      .where('revoked', '=', 0)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async revokeFamily(familyId: string): Promise<number> {
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ revoked: 1 })
      .where('family_id', '=', familyId)
      .where('revoked', '=', 0)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
