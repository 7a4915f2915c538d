// The global identity-key table (IdentityKeyRepository, src/registry/ports.ts): who owns which key, across tenants.
// 806/808 are decided from its answer (src/registry/identity-keys.ts).
import type { IdentityKey } from '../model/index.js';
import type { IdentityKeyRepository, KeyOwner } from '../registry/ports.js';
import { keyChunks } from './chunks.js';
import { IN_CHUNK, type Executor } from './executor.js';

export class KyselyIdentityKeyRepository implements IdentityKeyRepository {
  constructor(private readonly db: Executor) {}

  async owners(keys: IdentityKey[]): Promise<KeyOwner[]> {
    // By (kind, value), the primary key: `value IN (…)` alone cannot use it and read the whole table per lookup.
    const out: KeyOwner[] = [];
    for (const part of keyChunks(keys, IN_CHUNK)) {
      const rows = await this.db
        .selectFrom('device_identity_keys')
        .select(['kind', 'value', 'tenant_id', 'device_id'])
        .where((eb) => eb.or([...part].map(([kind, values]) => eb.and([eb('kind', '=', kind), eb('value', 'in', values)]))))
        .execute();
      for (const r of rows) out.push({ kind: r.kind, value: r.value, tenantId: r.tenant_id, deviceId: r.device_id });
    }
    return out;
  }
}
