// Token signing keys (SigningKeyRepository, src/tokens/ports.ts) on Kysely: shared by every process on the database.
import type { SigningKeyRecord, SigningKeyRepository } from '../tokens/ports.js';
import { mapDuplicates } from './errors.js';
import type { Executor } from './executor.js';
import { signingKeyFromRow } from './row-mappers.js';

export class KyselySigningKeyRepository implements SigningKeyRepository {
  constructor(private readonly db: Executor) {}

  async insert(key: SigningKeyRecord): Promise<void> {
    await mapDuplicates(
      () =>
        this.db
          .insertInto('signing_keys')
          .values({
            kid: key.kid,
            alg: key.alg,
            public_jwk: JSON.stringify(key.publicJwk),
            private_pkcs8: key.privatePkcs8,
            created_at: key.createdAt,
            retired_at: key.retiredAt,
          })
          .execute(),
      () => 'kid',
    );
  }

  async list(): Promise<SigningKeyRecord[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid').execute();
    return rows.map(signingKeyFromRow);
  }

  async retire(kid: string, at: string): Promise<boolean> {
    const result = await this.db.updateTable('signing_keys').set({ retired_at: at }).where('kid', '=', kid).where('retired_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async replacePrivateKey(kid: string, privatePkcs8: string): Promise<boolean> {
    const result = await this.db.updateTable('signing_keys').set({ private_pkcs8: privatePkcs8 }).where('kid', '=', kid).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
