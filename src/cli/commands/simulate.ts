// `tarmac simulate oobe|enroll|workplace-join`: plays the PC against a running Tarmac's device-side API (/oobe/v1,
// no credentials), printing each step — what the PC sends and what Tarmac answers. The hash file is anything
// `tarmac hash decode` reads; every hash in it is played in turn.
import { readFileSync } from 'node:fs';
import { CliUsageError, DEFAULT_SERVER } from '../graph-client.js';
import { readHashInputs } from '../hash-inputs.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput, type Output } from '../output.js';

export type Scenario = 'oobe' | 'enroll' | 'workplace-join';

export interface SimulateOptions {
  server?: string;
  upn?: string;
  mdm?: boolean;
  profileId?: string;
  deviceName?: string;
  skipProfile?: boolean;
  /** enroll: an AutopilotConfigurationFile.json the PC carries (Autopilot for existing devices). */
  config?: string;
  json?: boolean;
}

interface Step {
  step: 'profile' | 'enroll' | 'workplace-join';
  request: Record<string, unknown>;
  status: number;
  response: unknown;
}

interface PlayedDevice {
  source: string;
  serialNumber: string | null;
  manufacturer: string | null;
  model: string | null;
  steps: Step[];
  /** Every step answered 2xx. */
  ok: boolean;
}

/** CloudAssignedOobeConfig bits as Microsoft's tooling writes them (reference §6.3). */
const OOBE_BITS: [number, string][] = [
  [1, 'SkipCortanaOptIn'],
  [2, 'OobeUserNotLocalAdmin'],
  [4, 'SkipExpressSettings'],
  [8, 'SkipOemRegistration'],
  [16, 'SkipEula'],
  [32, 'TpmAttestation (self-deploying)'],
  [64, 'SelfDeploying'],
  [1024, 'SkipKeyboardSelection'],
];

export function decodeOobeConfig(value: number): string[] {
  const names = OOBE_BITS.filter(([bit]) => (value & bit) !== 0).map(([, name]) => name);
  const known = OOBE_BITS.reduce((sum, [bit]) => sum | bit, 0);
  for (let bit = 1; bit <= 1 << 20; bit <<= 1) if ((value & bit) !== 0 && (known & bit) === 0) names.push(`bit ${bit}`);
  return names;
}

function serverOf(opts: SimulateOptions): string {
  const server = (opts.server ?? process.env.TARMAC_SERVER ?? DEFAULT_SERVER).trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/i.test(server)) throw new CliUsageError(`--server must be an http:// or https:// URL, e.g. ${DEFAULT_SERVER} (got '${server}').`);
  return server;
}

async function post(server: string, path: string, body: Record<string, unknown>): Promise<{ status: number; response: unknown; headers: Headers }> {
  let res: Response;
  try {
    res = await fetch(`${server}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new CliUsageError(`Cannot reach Tarmac at ${server}: ${cause}. Is \`tarmac serve\` running there? Set --server or TARMAC_SERVER.`);
  }
  const text = await res.text();
  let response: unknown = text;
  try {
    response = text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, response, headers: res.headers };
}

export async function simulate(scenario: string, hashFile: string, opts: SimulateOptions): Promise<ExitCode> {
  const out = createOutput();
  try {
    if (!['oobe', 'enroll', 'workplace-join'].includes(scenario)) {
      throw new CliUsageError(`Unknown scenario '${scenario}': use oobe, enroll or workplace-join.`);
    }
    if (scenario === 'workplace-join' && !opts.upn) throw new CliUsageError('workplace-join needs --upn <user@domain>: the user’s domain says which tenant the PC joins.');
    const server = serverOf(opts);
    const configurationFile = opts.config !== undefined ? readConfigurationFile(opts.config) : undefined;
    const played: PlayedDevice[] = [];
    let inputs = 0;
    for await (const entry of readHashInputs([hashFile])) {
      inputs += 1;
      if (!('decoded' in entry)) {
        out.error(`${out.color.red('error')}: ${entry.source}: ${entry.message}`);
        return 2;
      }
      const base64 = entry.decoded.base64;
      if (base64 === null) {
        out.error(`${out.color.red('error')}: ${entry.source}: not a base64 hash.`);
        return 2;
      }
      const identity = entry.decoded.identity;
      const device: PlayedDevice = {
        source: entry.source,
        serialNumber: identity?.serialNumber ?? null,
        manufacturer: identity?.manufacturer ?? null,
        model: identity?.model ?? null,
        steps: [],
        ok: true,
      };
      if (!opts.json) out.line(out.color.bold(`PC ${device.serialNumber ?? '(no serial)'} — ${device.manufacturer ?? '?'} ${device.model ?? '?'} (${entry.source})`));
      /** `expected`: a status that is part of the scenario (an unregistered PC with a file gets 404 at profile download). */
      const run = async (step: Step['step'], path: string, request: Record<string, unknown>, expected?: number): Promise<Step> => {
        const shown = { ...request, hardwareHash: `<${base64.length} base64 characters>` };
        if (!opts.json) out.line(`  → POST ${path} ${JSON.stringify(shown)}`);
        const answer = await post(server, path, { ...request, hardwareHash: base64 });
        const done: Step = { step, request: shown, status: answer.status, response: answer.response };
        device.steps.push(done);
        if (answer.status >= 300 && answer.status !== expected) device.ok = false;
        if (!opts.json) describe(out, done);
        return done;
      };

      if (scenario === 'workplace-join') {
        await run('workplace-join', '/oobe/v1/workplace-join', { userPrincipalName: opts.upn, mdm: opts.mdm === true });
      } else {
        const withFile = scenario === 'enroll' && configurationFile !== undefined;
        const profile = scenario === 'oobe' || !opts.skipProfile ? await run('profile', '/oobe/v1/profile', {}, withFile ? 404 : undefined) : undefined;
        // An unregistered PC gets 404 at profile download; with the file it runs Autopilot from the file instead.
        if (scenario === 'enroll' && (profile === undefined || profile.status === 200 || (withFile && profile.status === 404))) {
          await run('enroll', '/oobe/v1/enroll', {
            ...(opts.upn ? { userPrincipalName: opts.upn } : {}),
            ...(opts.profileId ? { profileId: opts.profileId } : {}),
            ...(opts.deviceName ? { deviceName: opts.deviceName } : {}),
            ...(configurationFile !== undefined ? { configurationFile } : {}),
          });
        }
      }
      played.push(device);
      if (!opts.json) out.line();
    }
    if (inputs === 0) {
      out.error(`${out.color.red('error')}: ${hashFile} holds no hardware hash.`);
      return 2;
    }
    if (opts.json) out.json(played);
    return played.every((d) => d.ok) ? 0 : 1;
  } catch (err) {
    if (err instanceof CliUsageError) {
      out.error(`${out.color.red('error')}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

/** One step's answer, for people. */
function describe(out: Output, step: Step): void {
  const r = (typeof step.response === 'object' && step.response !== null ? step.response : {}) as Record<string, unknown>;
  const status = step.status < 300 ? out.color.green(String(step.status)) : out.color.red(String(step.status));
  const error = r.error as { code?: string; errorCode?: unknown; message?: string } | undefined;
  if (error) {
    out.line(`  ← ${status} ${error.code ?? ''}${error.errorCode !== undefined ? ` (${String(error.errorCode)})` : ''}: ${error.message ?? ''}`);
    if (step.step === 'profile' && step.status === 404) out.line('    The PC is not registered: it runs the normal Windows OOBE.');
    return;
  }
  const rows: [string, string][] = [];
  if (step.step === 'profile') {
    const config = Number(r.CloudAssignedOobeConfig ?? 0);
    rows.push(
      ['tenant', `${String(r.CloudAssignedTenantDomain)} (${String(r.CloudAssignedTenantId)})`],
      ['profile', `${String(r.Comment_File)} (ZtdCorrelationId ${String(r.ZtdCorrelationId)})`],
      ['OOBE config', `${config}: ${decodeOobeConfig(config).join(', ') || 'nothing skipped'}`],
      ['join', Number(r.CloudAssignedDomainJoinMethod) === 1 ? 'hybrid (Active Directory)' : 'Microsoft Entra join'],
      ['forced enrollment', Number(r.CloudAssignedForcedEnrollment) === 1 ? 'yes' : 'no'],
      ['device name', r.CloudAssignedDeviceName === undefined ? '(keeps its name)' : String(r.CloudAssignedDeviceName)],
    );
    if (r.CloudAssignedLanguage !== undefined) rows.push(['language', String(r.CloudAssignedLanguage)]);
  } else if (step.step === 'enroll') {
    const entra = (r.entraDevice ?? {}) as Record<string, unknown>;
    const managed = (r.managedDevice ?? {}) as Record<string, unknown>;
    rows.push(
      ['enrollment', String(r.enrollmentState)],
      ['device name', String(r.deviceName)],
      ['profile', String(r.enrollmentProfileName || '(none)')],
      ['Entra', `joined (${String(entra.trustType)}), object ${String(entra.id)}, deviceId ${String(entra.deviceId)}`],
      ['Intune', `${String(managed.managedDeviceOwnerType)} managed device ${String(managed.id)} (${String(managed.deviceEnrollmentType)})`],
    );
    if (r.replacedManagedDeviceId) rows.push(['replaced', `managed device ${String(r.replacedManagedDeviceId)}`]);
    if (r.convertedToAutopilot === true) rows.push(['Autopilot', `registered by "Convert all targeted devices": ${String(r.autopilotDeviceId)}`]);
    else if (r.convertedToAutopilot === false) rows.push(['Autopilot', 'not registered (enrolled from AutopilotConfigurationFile.json)']);
  } else {
    const entra = (r.entraDevice ?? {}) as Record<string, unknown>;
    const managed = r.managedDevice as Record<string, unknown> | null;
    rows.push(
      ['tenant', String(r.tenantId)],
      ['Entra', `registered (${String(entra.trustType)}, ${String(entra.deviceOwnership)}), object ${String(entra.id)}, name ${String(entra.displayName)}`],
      ['Intune', managed ? `${String(managed.managedDeviceOwnerType)} managed device ${String(managed.id)} (${String(managed.deviceEnrollmentType)})` : 'not enrolled (no MDM)'],
    );
  }
  const change = r.TarmacHardwareChange as { description?: string; remediationState?: string; captured?: boolean } | undefined;
  if (change) rows.push(['hardware change', `${change.description ?? ''}: ${change.remediationState ?? ''}${change.captured ? ' (new hash captured)' : ''}`]);
  out.line(`  ← ${status}`);
  for (const [k, v] of rows) out.line(`    ${k.padEnd(18)}${v}`);
}

/** The JSON object of an AutopilotConfigurationFile.json (the server checks its fields). */
function readConfigurationFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (err) {
    throw new CliUsageError(`Cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (err) {
    throw new CliUsageError(`${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}
