// `tarmac devices offboard <serial|id>...`: the documented deregistration sequence for each device through Tarmac's
// offboard action (Intune delete → unassign user → Autopilot deregister → Entra handling), with one line per device
// and system. Exit 1 when a device was not found or a step failed.
import { GraphRequestError, type OnlineOptions } from '../graph-client.js';
import type { ExitCode } from '../command-kit.js';
import { runOnline } from '../online.js';
import { resolveOneDevice } from './devices.js';

const BETA_DEVICES = '/beta/deviceManagement/windowsAutopilotDeviceIdentities';

export interface OffboardStepJson {
  system: 'intune' | 'user' | 'autopilot' | 'entra';
  action: string;
  detail: string;
}

export interface OffboardResult {
  target: string;
  id: string;
  serialNumber: string;
  completed: boolean;
  message: string;
  steps: OffboardStepJson[];
}

export async function devicesOffboard(targets: string[], opts: OnlineOptions & { json?: boolean }): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    const results: OffboardResult[] = [];
    for (const target of targets) {
      const one = await resolveOneDevice(client, target);
      if (!one.device) {
        results.push({ target, id: one.ids, serialNumber: '', completed: false, message: one.message, steps: [] });
        continue;
      }
      const device = one.device;
      try {
        const report = await client.post<{ completed: boolean; steps: OffboardStepJson[] }>(`${BETA_DEVICES}/${encodeURIComponent(device.id)}/offboard`);
        results.push({ target, id: device.id, serialNumber: device.serialNumber, completed: report.completed, message: '', steps: report.steps });
      } catch (err) {
        if (!(err instanceof GraphRequestError) || err.status === 401 || err.status === 403 || err.status >= 500) throw err;
        results.push({ target, id: device.id, serialNumber: device.serialNumber, completed: false, message: err.detail, steps: [] });
      }
    }
    const ok = results.every((r) => r.completed);
    if (opts.json) {
      out.json(results);
      return ok ? 0 : 1;
    }
    const paint = (action: string): string =>
      action === 'failed' ? out.color.red(action) : action === 'skipped' || action === 'none' ? out.color.dim(action) : out.color.green(action);
    out.table(
      ['target', 'serial', 'system', 'action', 'detail'],
      results.flatMap((r) =>
        r.steps.length === 0
          ? [[r.target, r.serialNumber, '-', out.color.red('failed'), r.message]]
          : r.steps.map((s) => [r.target, r.serialNumber, s.system, paint(s.action), s.detail]),
      ),
    );
    return ok ? 0 : 1;
  });
}
