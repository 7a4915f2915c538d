// `tarmac devices list|get|delete`: Autopilot devices (windowsAutopilotDeviceIdentities) through the Graph API.
// A device is named by its id or by its serial number (found with contains(serialNumber,…) and matched exactly,
// as WindowsAutopilotIntune's Get-AutopilotDevice -serial does).
import { CliUsageError, GraphRequestError, odataString, type GraphClient, type OnlineOptions } from '../graph-client.js';
import type { ExitCode } from '../command-kit.js';
import { listForCommand, runOnline } from '../online.js';

const DEVICES = '/v1.0/deviceManagement/windowsAutopilotDeviceIdentities';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AutopilotDeviceJson {
  id: string;
  serialNumber: string;
  manufacturer?: string;
  model?: string;
  groupTag?: string;
  enrollmentState?: string;
  displayName?: string;
  userPrincipalName?: string;
  [key: string]: unknown;
}

export interface ListOptions extends OnlineOptions {
  filter?: string;
  top?: string;
  json?: boolean;
}

export async function devicesList(opts: ListOptions): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    let limit = Number.POSITIVE_INFINITY;
    if (opts.top !== undefined) {
      limit = Number(opts.top);
      if (!Number.isInteger(limit) || limit < 1) throw new CliUsageError(`--top must be a whole number of devices, 1 or more (got '${opts.top}').`);
    }
    const query = new URLSearchParams();
    if (opts.filter) query.set('$filter', opts.filter);
    query.set('$top', String(Math.min(limit, 1000)));
    const devices = await listForCommand<AutopilotDeviceJson>(client, out, `${DEVICES}?${query.toString()}`, limit);
    if (typeof devices === 'number') return devices;
    if (opts.json) {
      out.json(devices);
      return 0;
    }
    if (devices.length === 0) {
      out.line(opts.filter ? `No Autopilot devices match ${opts.filter}.` : 'No Autopilot devices in this tenant.');
      return 0;
    }
    out.table(
      ['serial', 'manufacturer', 'model', 'groupTag', 'enrollmentState', 'id'],
      devices.map((d) => [d.serialNumber, d.manufacturer, d.model, d.groupTag, d.enrollmentState, d.id]),
    );
    return 0;
  });
}

/** The devices `target` names: the device with that id, or those whose serial number is exactly `target`. */
export async function resolveDevices(client: GraphClient, target: string): Promise<AutopilotDeviceJson[]> {
  if (GUID.test(target)) {
    try {
      return [await client.get<AutopilotDeviceJson>(`${DEVICES}/${target}`)];
    } catch (err) {
      if (!(err instanceof GraphRequestError) || err.status !== 404) throw err;
    }
  }
  // Serials with spaces: search on the first word, then match the whole serial here (as the module does).
  const word = target.trim().split(/\s+/)[0] ?? target;
  const filter = encodeURIComponent(`contains(serialNumber,${odataString(word)})`);
  const candidates = await client.list<AutopilotDeviceJson>(`${DEVICES}?$filter=${filter}&$top=1000`);
  return candidates.filter((d) => d.serialNumber.toLowerCase() === target.trim().toLowerCase());
}

/**
 * The one device `target` names, or why there is none: no match, or several devices with that serial number (their
 * ids, for the caller to report). `noun` names the device in the message.
 */
export async function resolveOneDevice(
  client: GraphClient,
  target: string,
  noun = 'Autopilot device',
): Promise<{ device: AutopilotDeviceJson } | { device?: undefined; ids: string; notFound: boolean; message: string }> {
  const found = await resolveDevices(client, target);
  if (found.length === 1) return { device: found[0] as AutopilotDeviceJson };
  return {
    ids: found.map((d) => d.id).join(' '),
    notFound: found.length === 0,
    message: found.length === 0 ? `no ${noun} with this id or serial number` : `${found.length} devices have this serial number; give the id`,
  };
}

export async function devicesGet(target: string, opts: OnlineOptions & { json?: boolean }): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    const found = await resolveDevices(client, target);
    if (found.length === 0) {
      out.error(`${out.color.red('error')}: No Autopilot device with id or serial number '${target}' in this tenant.`);
      return 1;
    }
    if (found.length > 1) {
      out.error(
        `${out.color.red('error')}: ${found.length} devices have serial number '${target}' (different makers or models); ` +
          `name one by id: ${found.map((d) => `${d.id} (${d.manufacturer ?? '?'} ${d.model ?? '?'})`).join(', ')}.`,
      );
      return 1;
    }
    const device = found[0] as AutopilotDeviceJson;
    if (opts.json) {
      out.json(device);
      return 0;
    }
    out.table(
      ['property', 'value'],
      Object.entries(device)
        .filter(([k]) => !k.startsWith('@odata.'))
        .map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : (v as string | number | null)]),
    );
    return 0;
  });
}

export interface DeleteResult {
  target: string;
  id: string;
  serialNumber: string;
  status: 'deleted' | 'notFound' | 'ambiguous' | 'failed';
  message: string;
}

export async function devicesDelete(targets: string[], opts: OnlineOptions & { json?: boolean }): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    const results: DeleteResult[] = [];
    for (const target of targets) {
      const one = await resolveOneDevice(client, target, 'device');
      if (!one.device) {
        results.push({ target, id: one.ids, serialNumber: '', status: one.notFound ? 'notFound' : 'ambiguous', message: one.message });
        continue;
      }
      const device = one.device;
      try {
        await client.delete(`${DEVICES}/${encodeURIComponent(device.id)}`);
        results.push({ target, id: device.id, serialNumber: device.serialNumber, status: 'deleted', message: '' });
      } catch (err) {
        if (!(err instanceof GraphRequestError) || err.status === 401 || err.status === 403 || err.status >= 500) throw err;
        results.push({ target, id: device.id, serialNumber: device.serialNumber, status: err.status === 404 ? 'notFound' : 'failed', message: err.detail });
      }
    }
    const ok = results.every((r) => r.status === 'deleted');
    if (opts.json) {
      out.json(results);
      return ok ? 0 : 1;
    }
    out.table(
      ['target', 'serial', 'id', 'result', 'message'],
      results.map((r) => [r.target, r.serialNumber, r.id, r.status === 'deleted' ? out.color.green(r.status) : out.color.red(r.status), r.message]),
    );
    return ok ? 0 : 1;
  });
}
