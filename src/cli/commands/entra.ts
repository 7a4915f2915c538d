// `tarmac entra list|delete`: the tenant's Entra device objects through the Graph API. A device is named by its
// object id, its deviceId, or its display name (exact, case-insensitive).
import { GraphRequestError, odataString, type GraphClient, type OnlineOptions } from '../graph-client.js';
import type { ExitCode } from '../command-kit.js';
import { listForCommand, runOnline } from '../online.js';

const DEVICES = '/v1.0/devices';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EntraDeviceJson {
  id: string;
  deviceId: string;
  displayName: string;
  trustType: string | null;
  accountEnabled?: boolean;
  deviceOwnership?: string | null;
  isManaged?: boolean | null;
  physicalIds?: string[];
  [key: string]: unknown;
}

export async function entraList(opts: OnlineOptions & { filter?: string; json?: boolean }): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    const query = new URLSearchParams({ $top: '1000' });
    if (opts.filter) query.set('$filter', opts.filter);
    const devices = await listForCommand<EntraDeviceJson>(client, out, `${DEVICES}?${query.toString()}`);
    if (typeof devices === 'number') return devices;
    if (opts.json) {
      out.json(devices);
      return 0;
    }
    if (devices.length === 0) {
      out.line(opts.filter ? `No Entra devices match ${opts.filter}.` : 'No Entra devices in this tenant.');
      return 0;
    }
    out.table(
      ['displayName', 'trustType', 'ownership', 'managed', 'physicalIds', 'id'],
      devices.map((d) => [d.displayName, d.trustType ?? '', d.deviceOwnership ?? '', d.isManaged ? 'yes' : 'no', (d.physicalIds ?? []).join(' '), d.id]),
    );
    return 0;
  });
}

/** The devices `target` names: by object id, by deviceId, or by exact display name. */
export async function resolveEntraDevices(client: GraphClient, target: string): Promise<EntraDeviceJson[]> {
  const t = target.trim();
  if (GUID.test(t)) {
    try {
      return [await client.get<EntraDeviceJson>(`${DEVICES}/${t}`)];
    } catch (err) {
      if (!(err instanceof GraphRequestError) || err.status !== 404) throw err;
    }
    const byDeviceId = await client.list<EntraDeviceJson>(`${DEVICES}?$filter=${encodeURIComponent(`deviceId eq ${odataString(t)}`)}`);
    if (byDeviceId.length > 0) return byDeviceId;
  }
  return client.list<EntraDeviceJson>(`${DEVICES}?$filter=${encodeURIComponent(`displayName eq ${odataString(t)}`)}&$top=1000`);
}

export async function entraDelete(targets: string[], opts: OnlineOptions & { json?: boolean }): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    const results: { target: string; id: string; displayName: string; status: 'deleted' | 'notFound' | 'ambiguous' | 'refused'; message: string }[] = [];
    for (const target of targets) {
      const found = await resolveEntraDevices(client, target);
      if (found.length !== 1) {
        results.push({
          target,
          id: found.map((d) => d.id).join(' '),
          displayName: '',
          status: found.length === 0 ? 'notFound' : 'ambiguous',
          message: found.length === 0 ? 'no Entra device with this id, deviceId or display name' : `${found.length} devices have this name; give the object id`,
        });
        continue;
      }
      const device = found[0] as EntraDeviceJson;
      try {
        await client.delete(`${DEVICES}/${encodeURIComponent(device.id)}`);
        results.push({ target, id: device.id, displayName: device.displayName, status: 'deleted', message: '' });
      } catch (err) {
        if (!(err instanceof GraphRequestError) || err.status === 401 || err.status === 403 || err.status >= 500) throw err;
        results.push({ target, id: device.id, displayName: device.displayName, status: err.status === 404 ? 'notFound' : 'refused', message: err.detail });
      }
    }
    const ok = results.every((r) => r.status === 'deleted');
    if (opts.json) {
      out.json(results);
      return ok ? 0 : 1;
    }
    out.table(
      ['target', 'displayName', 'id', 'result'],
      results.map((r) => [r.target, r.displayName, r.id, r.status === 'deleted' ? out.color.green(r.status) : out.color.red(r.status)]),
    );
    // The server's reasons in full, after the table (they are long: what to do instead).
    for (const r of results) if (r.message) out.error(`${out.color.red(r.status)} ${r.target}: ${r.message}`);
    return ok ? 0 : 1;
  });
}
