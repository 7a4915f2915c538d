// `tarmac profile list|create|assign|unassign|delete|export-json`: Autopilot deployment profiles through the beta
// Graph API. A profile is named by its id or its display name; a group by its object id or display name.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { toAsciiJson, type AutopilotConfigurationFile } from '../../profiles/configuration-file.js';
import { CliUsageError, GraphRequestError, odataString, type GraphClient, type OnlineOptions } from '../graph-client.js';
import type { ExitCode } from '../command-kit.js';
import { runOnline } from '../online.js';
import type { Output } from '../output.js';

const PROFILES = '/beta/deviceManagement/windowsAutopilotDeploymentProfiles';
const AZURE_AD = '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile';
const ACTIVE_DIRECTORY = '#microsoft.graph.activeDirectoryWindowsAutopilotDeploymentProfile';
const ALL_DEVICES_ID = 'adadadad-808e-44e2-905a-0b7873a8a531';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The file name OOBE looks for. */
export const CONFIGURATION_FILE_NAME = 'AutopilotConfigurationFile.json';

interface ProfileJson {
  '@odata.type': string;
  id: string;
  displayName: string;
  description: string;
  locale: string;
  deviceNameTemplate: string;
  createdDateTime: string;
  outOfBoxExperienceSetting: { userType: string; deviceUsageType: string };
  [key: string]: unknown;
}

interface AssignmentJson {
  id: string;
  target: { '@odata.type': string; groupId?: string };
}

/** The profile `target` names: by id, else by display name (exactly one must match). */
async function resolveProfile(client: GraphClient, target: string): Promise<ProfileJson> {
  if (GUID.test(target)) {
    try {
      return await client.get<ProfileJson>(`${PROFILES}/${target}`);
    } catch (err) {
      if (!(err instanceof GraphRequestError) || err.status !== 404) throw err;
    }
  }
  const matches = await client.list<ProfileJson>(`${PROFILES}?$filter=${encodeURIComponent(`displayName eq ${odataString(target)}`)}`);
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length === 0) throw new CliUsageError(`No deployment profile has the id or name '${target}'. \`tarmac profile list\` shows them.`);
  throw new CliUsageError(`${matches.length} deployment profiles are named '${target}'; name one by its id: ${matches.map((p) => p.id).join(', ')}.`);
}

/** The group id `target` names: an object id, else a group with that display name. */
async function resolveGroup(client: GraphClient, target: string): Promise<string> {
  if (GUID.test(target)) return target.toLowerCase();
  const matches = await client.list<{ id: string }>(`/v1.0/groups?$filter=${encodeURIComponent(`displayName eq ${odataString(target)}`)}`);
  if (matches.length === 1 && matches[0]) return matches[0].id;
  if (matches.length === 0) throw new CliUsageError(`No group has the name '${target}'; give its object id or create it first.`);
  throw new CliUsageError(`${matches.length} groups are named '${target}'; give the object id instead: ${matches.map((g) => g.id).join(', ')}.`);
}

function mode(p: ProfileJson): string {
  return p.outOfBoxExperienceSetting?.deviceUsageType === 'shared' ? 'self-deploying' : 'user-driven';
}

function join(p: ProfileJson): string {
  return p['@odata.type'] === ACTIVE_DIRECTORY ? 'hybrid' : 'entra';
}

export interface ProfileListOptions extends OnlineOptions {
  json?: boolean;
}

export async function profileList(opts: ProfileListOptions): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    const profiles = await client.list<ProfileJson>(`${PROFILES}?$orderby=displayName`);
    if (opts.json) {
      out.json(profiles);
      return 0;
    }
    if (profiles.length === 0) {
      out.line('No deployment profiles in this tenant. `tarmac profile create --name <name>` makes one.');
      return 0;
    }
    out.table(
      ['name', 'join', 'mode', 'nameTemplate', 'created', 'id'],
      profiles.map((p) => [p.displayName, join(p), mode(p), p.deviceNameTemplate, p.createdDateTime, p.id]),
    );
    return 0;
  });
}

export interface ProfileCreateOptions extends OnlineOptions {
  name: string;
  description?: string;
  template?: string;
  mode?: string;
  hybrid?: boolean;
  standardUser?: boolean;
  locale?: string;
  json?: boolean;
}

/** A Graph 400 for a command's input: the message on stderr, exit 1. */
async function refusedAs400<T>(out: Output, work: () => Promise<T>): Promise<T | ExitCode> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof GraphRequestError && (err.status === 400 || err.status === 409)) {
      out.error(`${out.color.red('error')}: ${err.detail}`);
      return 1;
    }
    throw err;
  }
}

export async function profileCreate(opts: ProfileCreateOptions): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    const modeName = opts.mode ?? 'user-driven';
    if (modeName !== 'user-driven' && modeName !== 'self-deploying') {
      throw new CliUsageError(`--mode must be user-driven or self-deploying (got '${modeName}').`);
    }
    const body = {
      '@odata.type': opts.hybrid ? ACTIVE_DIRECTORY : AZURE_AD,
      displayName: opts.name,
      ...(opts.description !== undefined ? { description: opts.description } : {}),
      ...(opts.template !== undefined ? { deviceNameTemplate: opts.template } : {}),
      ...(opts.locale !== undefined ? { locale: opts.locale } : {}),
      outOfBoxExperienceSetting: {
        privacySettingsHidden: true,
        eulaHidden: true,
        userType: opts.standardUser ? 'standard' : 'administrator',
        deviceUsageType: modeName === 'self-deploying' ? 'shared' : 'singleUser',
        keyboardSelectionPageSkipped: modeName === 'self-deploying',
        escapeLinkHidden: true,
      },
    };
    const created = await refusedAs400(out, () => client.post<ProfileJson>(PROFILES, body));
    if (typeof created === 'number') return created;
    if (opts.json) out.json(created);
    else out.line(`Created deployment profile '${created.displayName}' (${join(created)} join, ${mode(created)}): ${created.id}`);
    return 0;
  });
}

export interface ProfileAssignOptions extends OnlineOptions {
  group?: string;
  allDevices?: boolean;
  exclude?: boolean;
  json?: boolean;
}

function targetOptions(opts: ProfileAssignOptions): void {
  if ((opts.group === undefined) === !opts.allDevices) throw new CliUsageError('Give either --group <id|name> or --all-devices.');
  if (opts.exclude && opts.allDevices) throw new CliUsageError('--exclude works with --group only (all-devices assignments have no exclusions).');
}

export async function profileAssign(profile: string, opts: ProfileAssignOptions): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    targetOptions(opts);
    const p = await resolveProfile(client, profile);
    const groupId = opts.group !== undefined ? await resolveGroup(client, opts.group) : undefined;
    const target =
      groupId === undefined
        ? { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' }
        : { '@odata.type': opts.exclude ? '#microsoft.graph.exclusionGroupAssignmentTarget' : '#microsoft.graph.groupAssignmentTarget', groupId };
    const created = await refusedAs400(out, () => client.post<AssignmentJson>(`${PROFILES}/${p.id}/assignments`, { target }));
    if (typeof created === 'number') return created;
    const what = groupId === undefined ? 'all devices' : `${opts.exclude ? 'excluding ' : ''}group ${opts.group}`;
    if (opts.json) out.json(created);
    else out.line(`Assigned '${p.displayName}' to ${what} (assignment ${created.id}).`);
    return 0;
  });
}

export async function profileUnassign(profile: string, opts: ProfileAssignOptions): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    targetOptions(opts);
    const p = await resolveProfile(client, profile);
    const groupId = opts.group !== undefined ? await resolveGroup(client, opts.group) : ALL_DEVICES_ID;
    const assignmentId = `${p.id}_${groupId}`;
    try {
      await client.delete(`${PROFILES}/${p.id}/assignments/${assignmentId}`);
    } catch (err) {
      if (err instanceof GraphRequestError && err.status === 404) {
        out.error(`${out.color.red('error')}: '${p.displayName}' is not assigned to ${opts.group ?? 'all devices'}.`);
        return 1;
      }
      throw err;
    }
    if (opts.json) out.json({ profileId: p.id, assignmentId, removed: true });
    else out.line(`Removed assignment ${assignmentId} from '${p.displayName}'.`);
    return 0;
  });
}

export async function profileDelete(profile: string, opts: OnlineOptions & { json?: boolean }): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    const p = await resolveProfile(client, profile);
    const done = await refusedAs400(out, () => client.delete(`${PROFILES}/${p.id}`));
    if (typeof done === 'number') return done;
    if (opts.json) out.json({ id: p.id, displayName: p.displayName, deleted: true });
    else out.line(`Deleted deployment profile '${p.displayName}' (${p.id}).`);
    return 0;
  });
}

export interface ExportJsonOptions extends OnlineOptions {
  out?: string;
}

/** Writes the profile's AutopilotConfigurationFile.json: ASCII only, exactly what the API returns. */
export async function profileExportJson(profile: string, opts: ExportJsonOptions): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    const p = await resolveProfile(client, profile);
    const file = await client.get<AutopilotConfigurationFile>(`${PROFILES}/${p.id}/autopilotConfigurationFile`);
    // Written again from the parsed document with the same serializer the server uses: same bytes, pure ASCII.
    const text = toAsciiJson(file);
    const target = opts.out ?? CONFIGURATION_FILE_NAME;
    if (target === '-') {
      process.stdout.write(text);
      return 0;
    }
    writeFileSync(target, text, { encoding: 'ascii' });
    out.line(`Wrote ${resolve(target)} for profile '${p.displayName}'. Copy it to C:\\Windows\\Provisioning\\Autopilot\\${CONFIGURATION_FILE_NAME} on the device.`);
    return 0;
  });
}
