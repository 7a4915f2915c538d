// The directory domain's storage (src/directory/ports.ts) on Kysely, for SQLite and PostgreSQL.
import type { Insertable, Selectable } from 'kysely';
import type { DirectoryRepository, Group, GroupPatch, Membership, MembershipRuleProcessingState } from '../directory/ports.js';
import type { EntraDevice } from '../registry/ports.js';
import type { Executor } from './registry-store.js';
import { toEntraDevices } from './registry-store.js';
import type { GroupsTable } from './schema.js';
import { chunks } from './chunks.js';

/** Values per IN (…) list, and rows per multi-row INSERT (4 columns: well under PostgreSQL's bind limit). */
const CHUNK = 1000;


type GroupRow = Selectable<GroupsTable>;

/** A groups row as the domain's Group (for list queries built elsewhere). */
export function groupFromRow(row: GroupRow): Group {
  let groupTypes: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.group_types);
    if (Array.isArray(parsed)) groupTypes = parsed.map(String);
  } catch {
    groupTypes = [];
  }
  return {
    id: row.id,
    tenantId: row.tenant_id,
    displayName: row.display_name,
    description: row.description,
    mailNickname: row.mail_nickname,
    mailEnabled: Number(row.mail_enabled) === 1,
    securityEnabled: Number(row.security_enabled) === 1,
    groupTypes,
    membershipRule: row.membership_rule,
    membershipRuleProcessingState: row.membership_rule_processing_state as MembershipRuleProcessingState | null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function groupRowOf(g: Group): Insertable<GroupsTable> {
  return {
    id: g.id,
    tenant_id: g.tenantId,
    display_name: g.displayName,
    description: g.description,
    mail_nickname: g.mailNickname,
    mail_enabled: g.mailEnabled ? 1 : 0,
    security_enabled: g.securityEnabled ? 1 : 0,
    group_types: JSON.stringify(g.groupTypes),
    membership_rule: g.membershipRule,
    membership_rule_processing_state: g.membershipRuleProcessingState,
    created_at: g.createdAt,
    updated_at: g.updatedAt,
  };
}

export class KyselyDirectoryRepository implements DirectoryRepository {
  constructor(
    private readonly db: Executor,
    private readonly postgres: boolean,
  ) {}

  async createGroup(group: Group): Promise<void> {
    await this.db.insertInto('groups').values(groupRowOf(group)).execute();
  }

  async findGroup(tenantId: string, id: string): Promise<Group | undefined> {
    const row = await this.db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? groupFromRow(row) : undefined;
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
      out.push(...(await toEntraDevices(this.db, rows)));
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
