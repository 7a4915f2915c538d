// Authorization codes (AuthCodeRepository, src/tenants/ports.ts) on Kysely, by the SHA-256 of the code.
import type { AuthCode, AuthCodeRepository } from '../tenants/ports.js';
import type { Executor } from './executor.js';
import { authCodeFromRow } from './row-mappers.js';

export class KyselyAuthCodeRepository implements AuthCodeRepository {
  constructor(private readonly db: Executor) {}

  async insert(code: AuthCode): Promise<void> {
    await this.db
      .insertInto('auth_codes')
      .values({
        code_hash: code.codeHash,
        tenant_id: code.tenantId,
        client_id: code.clientId,
        user_id: code.userId,
        redirect_uri: code.redirectUri,
        scope: code.scope,
        code_challenge: code.codeChallenge,
        nonce: code.nonce,
        family_id: code.familyId,
        expires_at: code.expiresAt,
        used: code.used ? 1 : 0,
        created_at: code.createdAt,
      })
      .execute();
  }

  async redeem(codeHash: string): Promise<{ code: AuthCode; firstUse: boolean } | undefined> {
    // One conditional update decides who redeems it first, on both engines, without a read-then-write race.
    const result = await this.db.updateTable('auth_codes').set({ used: 1 }).where('code_hash', '=', codeHash).where('used', '=', 0).executeTakeFirst();
    const row = await this.db.selectFrom('auth_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
    if (!row) return undefined;
    const firstUse = Number(result.numUpdatedRows) === 1;
    return { code: { ...authCodeFromRow(row), used: !firstUse }, firstUse };
  }
}
