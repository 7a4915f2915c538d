// Groups and memberships (DirectoryRepository, src/directory/ports.ts) on Kysely, and the Entra-device reads and
// deletes that membership and the directory's rules need.
import type { DirectoryRepository, Group, GroupPatch, Membership } from '../directory/ports.js';
import type { EntraDevice, ListPage, ListQuery } from '../model/index.js';
import { chunks } from './chunks.js';
import type { Engine } from './engine.js';
import { KyselyEntraDeviceRepository } from './entra-device-repository.js';
import type { Executor } from './executor.js';
import { listPage } from './list-query/compile.js';
import { groupFromRow, groupRowOf } from './row-mappers.js';

/** Values per IN (…) list, and rows per multi-row INSERT (4 columns: well under PostgreSQL's bind limit). */
const CHUNK = 1000;

export class KyselyDirectoryRepository implements DirectoryRepository {
  constructor(
    private readonly db: Executor,
    private readonly engine: Engine,
  ) {}

  async createGroup(group: Group): Promise<void> {
    await this.db.insertInto('groups').values(groupRowOf(group)).execute();
  }

  async findGroup(tenantId: string, id: string): Promise<Group | undefined> {
    const row = await this.db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? groupFromRow(row) : undefined;
  }

  async listGroups(tenantId: string, query: ListQuery): Promise<ListPage<Group>> {
    const base = this.db.selectFrom('groups').selectAll('groups').where('groups.tenant_id', '=', tenantId);
    return listPage(base, query, this.engine, (rows) => rows.map(groupFromRow));
  }

  async findGroupsByName(tenantId: string, name: string): Promise<Group[]> {
    const rows = await this.db
      .selectFrom('groups')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb(eb.fn('lower', ['display_name']), '=', name.toLowerCase()))
      .orderBy('id')
      .execute();
    return rows.map(groupFromRow);
  }

  async updateGroup(tenantId: string, id: string, patch: GroupPatch, now: string): Promise<void> {
    await this.db
      .updateTable('groups')
      .set({
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.mailNickname !== undefined ? { mail_nickname: patch.mailNickname } : {}),
        ...(patch.groupTypes !== undefined ? { group_types: JSON.stringify(patch.groupTypes) } : {}),
        ...(patch.membershipRule !== undefined ? { membership_rule: patch.membershipRule } : {}),
        ...(patch.membershipRuleProcessingState !== undefined ? { membership_rule_processing_state: patch.membershipRuleProcessingState } : {}),
        updated_at: now,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async deleteGroup(tenantId: string, id: string): Promise<boolean> {
    await this.db.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('group_id', '=', id).execute();
    const result = await this.db.deleteFrom('groups').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async activeDynamicGroups(tenantId: string): Promise<Group[]> {
    const rows = await this.db
      .selectFrom('groups')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('membership_rule', 'is not', null)
      .where('membership_rule_processing_state', '=', 'On')
      .orderBy('id')
      .execute();
    return rows.map(groupFromRow).filter((g) => g.groupTypes.some((t) => t.toLowerCase() === 'dynamicmembership'));
  }

  async memberIds(groupId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('group_members').select('member_id').where('group_id', '=', groupId).orderBy('member_id').execute();
    return rows.map((r) => r.member_id);
  }

  async membershipsOf(tenantId: string, memberIds: string[]): Promise<Membership[]> {
    const out: Membership[] = [];
    for (const part of chunks(memberIds, CHUNK)) {
      const rows = await this.db
        .selectFrom('group_members')
        .select(['group_id', 'member_id'])
        .where('tenant_id', '=', tenantId)
        .where('member_id', 'in', part)
        .execute();
      for (const r of rows) out.push({ groupId: r.group_id, memberId: r.member_id });
    }
    return out;
  }

  async addMemberships(tenantId: string, memberships: Membership[], now: string): Promise<void> {
    for (const part of chunks(memberships, CHUNK)) {
      await this.db
        .insertInto('group_members')
        .values(part.map((m) => ({ group_id: m.groupId, member_id: m.memberId, tenant_id: tenantId, created_at: now })))
        .onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing())
        .execute();
    }
  }

  async removeMemberships(tenantId: string, memberships: Membership[]): Promise<void> {
    // Grouped by group: one DELETE … IN (…) per group and chunk.
    const byGroup = new Map<string, string[]>();
    // Appended in place: copying the list per member made removing n members of one group O(n²) (14 s for 50,000).
    for (const m of memberships) {
      const members = byGroup.get(m.groupId);
      if (members) members.push(m.memberId);
      else byGroup.set(m.groupId, [m.memberId]);
    }
    for (const [groupId, members] of byGroup) {
      for (const part of chunks(members, CHUNK)) {
        await this.db.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('group_id', '=', groupId).where('member_id', 'in', part).execute();
      }
    }
  }

  async entraDevices(tenantId: string, ids: string[]): Promise<EntraDevice[]> {
    const out: EntraDevice[] = [];
    for (const part of chunks([...new Set(ids)], CHUNK)) {
      const rows = await this.db.selectFrom('entra_devices').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', part).execute();
      out.push(...(await new KyselyEntraDeviceRepository(this.db, this.engine).withPhysicalIds(rows)));
    }
    return out;
  }

  async deleteEntraDevice(tenantId: string, id: string): Promise<boolean> {
    const found = await this.db.selectFrom('entra_devices').select('id').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!found) return false;
    // Explicit rather than trusting ON DELETE CASCADE: neighbour keys have no foreign key at all.
    await this.db.deleteFrom('neighbour_hardware_keys').where('tenant_id', '=', tenantId).where('object_type', '=', 'entraDevice').where('object_id', '=', id).execute();
    await this.db.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('member_id', '=', id).execute();
    await this.db.deleteFrom('entra_device_physical_ids').where('tenant_id', '=', tenantId).where('entra_device_id', '=', id).execute();
    await this.db.deleteFrom('entra_devices').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    return true;
  }

  async deviceIdTaken(deviceId: string): Promise<boolean> {
    const row = await this.db.selectFrom('entra_devices').select('id').where('device_id', '=', deviceId).executeTakeFirst();
    return row !== undefined;
  }
}
