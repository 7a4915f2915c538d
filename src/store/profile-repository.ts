// Deployment profiles, assignments and each device's resolved profile (ProfileRepository, src/profiles/ports.ts) on
// Kysely. A profile is one row: the columns Graph sorts on, and the rest of the resource as JSON in `settings`.
import { sql } from 'kysely';
import type { AutopilotDevice, ListPage, ListQuery } from '../model/index.js';
import type {
  AssignmentForResolution,
  DeploymentProfile,
  ProfileAssignment,
  ProfileRepository,
  ResolutionDevice,
  ResolvedProfile,
} from '../profiles/ports.js';
import { chunks } from './chunks.js';
import type { Engine } from './engine.js';
import { IN_CHUNK, type Executor } from './executor.js';
import { KEY_ORDER_WALK, listPage } from './list-query/compile.js';
import { assignmentFromRow, assignmentTargetOf, autopilotDeviceFromRow, deploymentProfileFromRow, deploymentProfileRowOf } from './row-mappers.js';

export class KyselyProfileRepository implements ProfileRepository {
  constructor(
    private readonly db: Executor,
    private readonly engine: Engine,
  ) {}

  async find(tenantId: string, id: string): Promise<DeploymentProfile | null> {
    const row = await this.db.selectFrom('deployment_profiles').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? deploymentProfileFromRow(row) : null;
  }

  async findMany(tenantId: string, ids: string[]): Promise<DeploymentProfile[]> {
    const out: DeploymentProfile[] = [];
    for (const part of chunks([...new Set(ids)], IN_CHUNK)) {
      const rows = await this.db.selectFrom('deployment_profiles').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', part).execute();
      out.push(...rows.map(deploymentProfileFromRow));
    }
    return out;
  }

  async findByName(tenantId: string, displayName: string): Promise<DeploymentProfile[]> {
    const rows = await this.db
      .selectFrom('deployment_profiles')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(sql<string>`lower(display_name)`, '=', displayName.toLowerCase())
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(deploymentProfileFromRow);
  }

  async list(tenantId: string, query: ListQuery): Promise<ListPage<DeploymentProfile>> {
    const base = this.db.selectFrom('deployment_profiles').selectAll('deployment_profiles').where('deployment_profiles.tenant_id', '=', tenantId);
    return listPage(base, query, this.engine, (rows) => rows.map(deploymentProfileFromRow));
  }

  async count(tenantId: string): Promise<number> {
    const row = await this.db
      .selectFrom('deployment_profiles')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(profile: DeploymentProfile): Promise<void> {
    await this.db.insertInto('deployment_profiles').values(deploymentProfileRowOf(profile)).execute();
  }

  async replace(profile: DeploymentProfile): Promise<void> {
    const { id, tenant_id, created_at, ...rest } = deploymentProfileRowOf(profile);
    void created_at;
    await this.db.updateTable('deployment_profiles').set(rest).where('tenant_id', '=', tenant_id).where('id', '=', id).execute();
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('deployment_profiles').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async assignments(tenantId: string, profileId: string): Promise<ProfileAssignment[]> {
    const rows = await this.db
      .selectFrom('deployment_profile_assignments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('profile_id', '=', profileId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(assignmentFromRow);
  }

  async findAssignment(tenantId: string, profileId: string, assignmentId: string): Promise<ProfileAssignment | null> {
    const row = await this.db
      .selectFrom('deployment_profile_assignments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('profile_id', '=', profileId)
      .where('id', '=', assignmentId)
      .executeTakeFirst();
    return row ? assignmentFromRow(row) : null;
  }

  async insertAssignment(assignment: ProfileAssignment): Promise<void> {
    const target = assignment.target;
    await this.db
      .insertInto('deployment_profile_assignments')
      .values({
        id: assignment.id,
        tenant_id: assignment.tenantId,
        profile_id: assignment.profileId,
        target_type: target.kind,
        group_id: target.kind === 'allDevices' ? null : target.groupId,
        target: JSON.stringify(target),
        source: assignment.source,
        source_id: assignment.sourceId,
        created_at: assignment.createdAt,
      })
      .execute();
  }

  async deleteAssignmentsOfGroup(tenantId: string, groupId: string): Promise<number> {
    const result = await this.db.deleteFrom('deployment_profile_assignments').where('tenant_id', '=', tenantId).where('group_id', '=', groupId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteAssignment(tenantId: string, profileId: string, assignmentId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('deployment_profile_assignments')
      .where('tenant_id', '=', tenantId)
      .where('profile_id', '=', profileId)
      .where('id', '=', assignmentId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async groupExists(tenantId: string, groupId: string): Promise<boolean> {
    const row = await this.db.selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('id', '=', groupId).executeTakeFirst();
    return row !== undefined;
  }

  async assignmentsForResolution(tenantId: string): Promise<AssignmentForResolution[]> {
    const rows = await this.db
      .selectFrom('deployment_profile_assignments as a')
      .innerJoin('deployment_profiles as p', 'p.id', 'a.profile_id')
      .select(['a.profile_id', 'a.target_type', 'a.group_id', 'p.created_at'])
      .where('a.tenant_id', '=', tenantId)
      .execute();
    return rows.map((row) => ({ profileId: row.profile_id, profileCreatedAt: row.created_at, target: assignmentTargetOf(row) }));
  }

  async autopilotDevicesBehind(tenantId: string, entraObjectIds: string[]): Promise<string[]> {
    const out = new Set<string>();
    for (const part of chunks([...new Set(entraObjectIds)], IN_CHUNK)) {
      const rows = await this.db
        .selectFrom('entra_devices')
        .select('autopilot_device_id')
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', part)
        .where('autopilot_device_id', 'is not', null)
        .execute();
      for (const row of rows) if (row.autopilot_device_id) out.add(row.autopilot_device_id);
    }
    return [...out].sort();
  }

  async resolutionDevices(tenantId: string, autopilotDeviceIds: string[]): Promise<ResolutionDevice[]> {
    const out: ResolutionDevice[] = [];
    for (const part of chunks([...new Set(autopilotDeviceIds)], IN_CHUNK)) {
      const rows = await this.resolutionColumns(tenantId).where('id', 'in', part).orderBy('id').execute();
      out.push(...(await this.withEntraObjects(tenantId, rows)));
    }
    return out;
  }

  async resolutionDevicePage(tenantId: string, afterId: string | null, limit: number): Promise<ResolutionDevice[]> {
    let query = this.resolutionColumns(tenantId);
    if (afterId !== null) query = query.where('id', '>', afterId);
    // Ordered as autopilot_devices_tenant_id is, so that the page is read from it in order up to the LIMIT (ordered by
    // id alone, PostgreSQL may walk the primary key through every tenant's devices instead).
    const rows = await query.orderBy('tenant_id').orderBy('id').limit(limit).modifyEnd(sql.raw(KEY_ORDER_WALK)).execute();
    return this.withEntraObjects(tenantId, rows);
  }

  private resolutionColumns(tenantId: string) {
    return this.db
      .selectFrom('autopilot_devices')
      .select([
        'id',
        'deployment_profile_id',
        'intended_deployment_profile_id',
        'deployment_profile_assignment_status',
        'deployment_profile_assigned_at',
        'delivered_profile_id',
      ])
      .where('tenant_id', '=', tenantId);
  }

  private async withEntraObjects(
    tenantId: string,
    rows: {
      id: string;
      deployment_profile_id: string | null;
      intended_deployment_profile_id: string | null;
      deployment_profile_assignment_status: string;
      deployment_profile_assigned_at: string | null;
      delivered_profile_id: string | null;
    }[],
  ): Promise<ResolutionDevice[]> {
    if (rows.length === 0) return [];
    // The tenant is checked on the rows, not in the WHERE clause: given `tenant_id = ?`, SQLite (no statistics)
    // walks a tenant_id index over every Entra device of the tenant instead of looking the ids up in
    // entra_devices_autopilot, which made each page cost O(tenant) and resolving a whole tenant O(n²).
    const entra = await this.db
      .selectFrom('entra_devices')
      .select(['id', 'tenant_id', 'autopilot_device_id'])
      .where(
        'autopilot_device_id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
    const objectsOf = new Map<string, string[]>();
    for (const object of entra) {
      if (!object.autopilot_device_id || object.tenant_id !== tenantId) continue;
      const list = objectsOf.get(object.autopilot_device_id) ?? [];
      list.push(object.id);
      objectsOf.set(object.autopilot_device_id, list);
    }
    return rows.map((row) => ({
      autopilotDeviceId: row.id,
      entraObjectIds: objectsOf.get(row.id) ?? [],
      deploymentProfileId: row.deployment_profile_id,
      intendedDeploymentProfileId: row.intended_deployment_profile_id,
      deploymentProfileAssignmentStatus: row.deployment_profile_assignment_status,
      deploymentProfileAssignedAt: row.deployment_profile_assigned_at,
      deliveredProfileId: row.delivered_profile_id,
    }));
  }

  async memberships(tenantId: string, entraObjectIds: string[], groupIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (entraObjectIds.length === 0 || groupIds.length === 0) return out;
    const groups = [...new Set(groupIds)];
    for (const part of chunks([...new Set(entraObjectIds)], IN_CHUNK)) {
      for (const groupPart of chunks(groups, IN_CHUNK)) {
        const rows = await this.db
          .selectFrom('group_members')
          .select(['member_id', 'group_id'])
          .where('tenant_id', '=', tenantId)
          .where('member_id', 'in', part)
          .where('group_id', 'in', groupPart)
          .execute();
        for (const row of rows) {
          const list = out.get(row.member_id) ?? [];
          list.push(row.group_id);
          out.set(row.member_id, list);
        }
      }
    }
    return out;
  }

  async writeResolutions(tenantId: string, resolutions: ResolvedProfile[], now: string): Promise<void> {
    // Devices that resolve alike are written with one UPDATE: after a change, most devices of a batch share the
    // same profile, status and assigned time.
    const alike = new Map<string, { resolution: ResolvedProfile; ids: string[] }>();
    for (const resolution of resolutions) {
      const key = JSON.stringify([resolution.profileId, resolution.status, resolution.assignedAt === undefined ? '<keep>' : resolution.assignedAt]);
      const entry = alike.get(key) ?? { resolution, ids: [] };
      entry.ids.push(resolution.autopilotDeviceId);
      alike.set(key, entry);
    }
    for (const { resolution, ids } of alike.values()) {
      for (const part of chunks(ids.sort(), IN_CHUNK)) {
        const range = uuidRange(part);
        let update = this.db
          .updateTable('autopilot_devices')
          .set({
            deployment_profile_id: resolution.profileId,
            intended_deployment_profile_id: resolution.profileId,
            deployment_profile_assignment_status: resolution.status,
            ...(resolution.assignedAt !== undefined ? { deployment_profile_assigned_at: resolution.assignedAt } : {}),
            updated_at: now,
          })
          .where('tenant_id', '=', tenantId)
          .where('id', 'in', part);
        // The key range of the ids bounds the rows the statement may touch: a page of the whole-tenant pass writes
        // inside its own range of autopilot_devices_tenant_id, and PostgreSQL then reads only that range, where given
        // the tenant and a long list of ids it may prefer to read every row of the tenant.
        if (range) update = update.where('id', '>=', range.first).where('id', '<=', range.last);
        await update.execute();
      }
    }
  }

  async assignedDevices(tenantId: string, profileId: string, top: number, skip: number): Promise<{ items: AutopilotDevice[]; more: boolean }> {
    const rows = await this.db
      .selectFrom('autopilot_devices')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('deployment_profile_id', '=', profileId)
      .orderBy('id')
      .limit(top + 1)
      .offset(skip)
      .execute();
    return { items: rows.slice(0, top).map(autopilotDeviceFromRow), more: rows.length > top };
  }
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The first and last of sorted ids, when every one is a canonical (lowercase) UUID: Tarmac's device ids are, and for
 * them JavaScript's order is the database's in any collation (same length, hyphens at the same places). Otherwise
 * undefined: a range computed in another order than the database's could leave rows out.
 */
function uuidRange(sortedIds: string[]): { first: string; last: string } | undefined {
  if (sortedIds.length === 0 || !sortedIds.every((id) => CANONICAL_UUID.test(id))) return undefined;
  return { first: sortedIds[0]!, last: sortedIds[sortedIds.length - 1]! };
}
