// The global identity-key table (IdentityKeyRepository, src/registry/ports.ts): who owns which key, across tenants.
// 806/808 are decided from its answer (src/registry/identity-keys.ts).
import type { IdentityKey } from '../model/index.js';
import type { IdentityKeyRepository, KeyOwner } from '../registry/ports.js';
import { chunks } from './chunks.js';
import { IN_CHUNK, type Executor } from './executor.js';

export class KyselyIdentityKeyRepository implements IdentityKeyRepository {
  constructor(private readonly db: Executor) {}

  async owners(keys: IdentityKey[]): Promise<KeyOwner[]> {
    const wanted = new Set(keys.map((k) => `${k.kind}:${k.value}`));
    const values = [...new Set(keys.map((k) => k.value))];
    const out: KeyOwner[] = [];
    for (const part of chunks(values, IN_CHUNK)) {
      const rows = await this.db
        .selectFrom('device_identity_keys')
        .select(['kind', 'value', 'tenant_id', 'device_id'])
        .where('value', 'in', part)
        .execute();
      for (const r of rows) {
        if (wanted.has(`${r.kind}:${r.value}`)) out.push({ kind: r.kind, value: r.value, tenantId: r.tenant_id, deviceId: r.device_id });
      }
    }
    return out;
  }
}
