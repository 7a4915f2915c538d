// `tarmac groups create|list|members|delete`: Entra groups of devices through the Graph API. A group is named by
// its object id or its display name (exact, case-insensitive; several with one name must be named by id).
import { GraphRequestError, odataString, type GraphClient, type OnlineOptions } from '../graph-client.js';
import type { ExitCode } from '../command-kit.js';
import { runOnline } from '../online.js';
import type { Output } from '../output.js';

const GROUPS = '/v1.0/groups';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface GroupJson {
  id: string;
  displayName: string;
  description?: string | null;
  mailNickname?: string;
  groupTypes?: string[];
  membershipRule?: string | null;
  membershipRuleProcessingState?: string | null;
  [key: string]: unknown;
}

export interface MemberJson {
  id: string;
  displayName: string;
  deviceId?: string;
  trustType?: string | null;
  physicalIds?: string[];
  [key: string]: unknown;
}

/** A mailNickname Graph accepts, made from the display name (ASCII letters, digits, - _ .), with a random suffix. */
export function nicknameFor(name: string): string {
  const base = name.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'group';
  return `${base}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Answers a 400 from Tarmac with its message and exit 1 (the request was refused, not the command broken). */
async function refusedAs1(out: Output, work: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof GraphRequestError && (err.status === 400 || err.status === 404)) {
      out.error(`${out.color.red('error')}: ${err.detail}`);
      return 1;
    }
    throw err;
  }
}

export async function groupsCreate(opts: OnlineOptions & { name: string; rule?: string; description?: string; paused?: boolean; json?: boolean }): Promise<ExitCode> {
  return runOnline(opts, (client, out) =>
    refusedAs1(out, async () => {
      const body: Record<string, unknown> = {
        displayName: opts.name,
        mailNickname: nicknameFor(opts.name),
        mailEnabled: false,
        securityEnabled: true,
        groupTypes: opts.rule ? ['DynamicMembership'] : [],
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        ...(opts.rule ? { membershipRule: opts.rule, membershipRuleProcessingState: opts.paused ? 'Paused' : 'On' } : {}),
      };
      const group = await client.post<GroupJson>(GROUPS, body);
      if (opts.json) {
        out.json(group);
        return 0;
      }
      out.line(`Created ${opts.rule ? 'dynamic' : 'static'} group '${group.displayName}' (${group.id}).`);
      if (opts.rule) {
        const members = await client.list<MemberJson>(`${GROUPS}/${group.id}/members?$top=1000`);
        out.line(`${members.length} device${members.length === 1 ? '' : 's'} match its rule now.`);
      }
      return 0;
    }),
  );
}

export async function groupsList(opts: OnlineOptions & { filter?: string; json?: boolean }): Promise<ExitCode> {
  return runOnline(opts, (client, out) =>
    refusedAs1(out, async () => {
      const query = new URLSearchParams({ $top: '999' });
      if (opts.filter) query.set('$filter', opts.filter);
      const groups = await client.list<GroupJson>(`${GROUPS}?${query.toString()}`);
      if (opts.json) {
        out.json(groups);
        return 0;
      }
      if (groups.length === 0) {
        out.line(opts.filter ? `No groups match ${opts.filter}.` : 'No groups in this tenant.');
        return 0;
      }
      out.table(
        ['displayName', 'type', 'rule', 'state', 'id'],
        groups.map((g) => [
          g.displayName,
          (g.groupTypes ?? []).includes('DynamicMembership') ? 'dynamic' : 'static',
          g.membershipRule ?? '',
          g.membershipRuleProcessingState ?? '',
          g.id,
        ]),
      );
      return 0;
    }),
  );
}

/** The groups `target` names: the one with that id, or those whose display name is exactly `target` (any case). */
export async function resolveGroups(client: GraphClient, target: string): Promise<GroupJson[]> {
  if (GUID.test(target)) {
    try {
      return [await client.get<GroupJson>(`${GROUPS}/${target}`)];
    } catch (err) {
      if (!(err instanceof GraphRequestError) || err.status !== 404) throw err;
    }
  }
  const filter = encodeURIComponent(`displayName eq ${odataString(target.trim())}`);
  return client.list<GroupJson>(`${GROUPS}?$filter=${filter}&$top=999`);
}

async function oneGroup(client: GraphClient, out: Output, target: string): Promise<GroupJson | undefined> {
  const found = await resolveGroups(client, target);
  if (found.length === 1) return found[0];
  out.error(
    `${out.color.red('error')}: ` +
      (found.length === 0
        ? `No group with id or display name '${target}' in this tenant.`
        : `${found.length} groups are named '${target}'; name one by id: ${found.map((g) => g.id).join(', ')}.`),
  );
  return undefined;
}

export async function groupsMembers(target: string, opts: OnlineOptions & { json?: boolean }): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    const group = await oneGroup(client, out, target);
    if (!group) return 1;
    const members = await client.list<MemberJson>(`${GROUPS}/${group.id}/members?$top=1000`);
    if (opts.json) {
      out.json(members);
      return 0;
    }
    if (members.length === 0) {
      out.line(`Group '${group.displayName}' has no members.`);
      return 0;
    }
    out.table(
      ['displayName', 'trustType', 'physicalIds', 'id'],
      members.map((m) => [m.displayName, m.trustType ?? '', (m.physicalIds ?? []).join(' '), m.id]),
    );
    return 0;
  });
}

export async function groupsDelete(targets: string[], opts: OnlineOptions & { json?: boolean }): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    const results: { target: string; id: string; status: 'deleted' | 'notFound' | 'ambiguous' | 'failed'; message: string }[] = [];
    for (const target of targets) {
      const found = await resolveGroups(client, target);
      if (found.length !== 1) {
        results.push({
          target,
          id: found.map((g) => g.id).join(' '),
          status: found.length === 0 ? 'notFound' : 'ambiguous',
          message: found.length === 0 ? 'no group with this id or display name' : `${found.length} groups have this name; give the id`,
        });
        continue;
      }
      const group = found[0] as GroupJson;
      try {
        await client.delete(`${GROUPS}/${encodeURIComponent(group.id)}`);
        results.push({ target, id: group.id, status: 'deleted', message: '' });
      } catch (err) {
        if (!(err instanceof GraphRequestError) || err.status === 401 || err.status === 403 || err.status >= 500) throw err;
        results.push({ target, id: group.id, status: err.status === 404 ? 'notFound' : 'failed', message: err.detail });
      }
    }
    const ok = results.every((r) => r.status === 'deleted');
    if (opts.json) out.json(results);
    else out.table(['target', 'id', 'result', 'message'], results.map((r) => [r.target, r.id, r.status === 'deleted' ? out.color.green(r.status) : out.color.red(r.status), r.message]));
    return ok ? 0 : 1;
  });
}
