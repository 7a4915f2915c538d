// Users of a tenant (UserRepository, src/tenants/ports.ts) on Kysely. Passwords are stored as scrypt hashes.
import type { User, UserRepository, UserWithPassword } from '../tenants/ports.js';
import { mapDuplicates } from './errors.js';
import type { Executor } from './executor.js';
import { userFromRow } from './row-mappers.js';

export class KyselyUserRepository implements UserRepository {
  constructor(private readonly db: Executor) {}

  async insert(user: UserWithPassword): Promise<void> {
    await mapDuplicates(
      () =>
        this.db
          .insertInto('users')
          .values({
            id: user.id,
            tenant_id: user.tenantId,
            user_principal_name: user.userPrincipalName,
            display_name: user.displayName,
            password_hash: user.passwordHash,
            roles: JSON.stringify(user.roles),
            account_enabled: user.accountEnabled ? 1 : 0,
            created_at: user.createdAt,
          })
          .execute(),
      (constraint) => (constraint.includes('user_principal_name') ? 'userPrincipalName' : 'userId'),
    );
  }

  // By the unique key alone, the tenant checked on the row: a planner never picks the tenant's index (which would
  // walk all its users) for these sign-in lookups.
  async findByUpn(tenantId: string, userPrincipalName: string): Promise<UserWithPassword | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('user_principal_name', '=', userPrincipalName).executeTakeFirst();
    return row && row.tenant_id === tenantId ? userFromRow(row) : undefined;
  }

  async findById(tenantId: string, id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || row.tenant_id !== tenantId) return undefined;
    const { passwordHash: _hash, ...user } = userFromRow(row);
    return user;
  }

  async listByTenant(tenantId: string): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
    return rows.map((row) => {
      const { passwordHash: _hash, ...user } = userFromRow(row);
      return user;
    });
  }
}
