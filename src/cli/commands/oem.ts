// The OEM's side, from the command line (online, as the OEM's app, with a Partner Center–audience token):
// `tarmac oem register --customer <tenant> <csv>` and `tarmac oem deregister <csv>` call Tarmac's OEM API
// (/oem/v1/AutopilotDeviceRegistration) 1000 devices a call, follow every tracking id until it is finished, and print
// one result per CSV line (device-calls.ts). A deregistration is the same call with the tenant left blank. Rows are
// sent whatever identifies them: the OEM API answers 803 naming what a row lacks. Exit 1 when any row failed or was
// not sent.
import type { CsvRecord } from '../../csv/index.js';
import type { ExitCode } from '../command-kit.js';
import { blockingUnless, reportDeviceCalls, runDeviceCalls } from '../device-calls.js';
import { CliUsageError, type OnlineOptions } from '../graph-client.js';
import { runOnline } from '../online.js';
import { PARTNER_CENTER_SCOPE } from './partner-center.js';

const REGISTRATION = '/oem/v1/AutopilotDeviceRegistration';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OemOptions extends OnlineOptions {
  json?: boolean;
  timeout?: string;
}

export interface OemRegisterOptions extends OemOptions {
  customer: string;
  groupTag?: string;
}

type Tenant = { TenantID: string; TenantDomain: string };

export function oemRegister(file: string, opts: OemRegisterOptions): Promise<ExitCode> {
  const customer = opts.customer.trim();
  const tenant: Tenant = GUID.test(customer) ? { TenantID: customer.toLowerCase(), TenantDomain: '' } : { TenantID: '', TenantDomain: customer };
  return submit(file, opts, 'registered', (record) => {
    if (customer === '') throw new CliUsageError('--customer must name the customer (its tenant id or domain); `tarmac oem deregister` is the call without one.');
    return { ...tenant, GroupTag: opts.groupTag ?? record.groupTag };
  });
}

export function oemDeregister(file: string, opts: OemOptions): Promise<ExitCode> {
  return submit(file, opts, 'deregistered', () => ({ TenantID: '', TenantDomain: '' }));
}

function submit(file: string, opts: OemOptions, done: string, tenantOf: (record: CsvRecord) => Record<string, string>): Promise<ExitCode> {
  return runOnline(
    opts,
    async (client, out) => {
      const json = Boolean(opts.json);
      const outcome = await runDeviceCalls(client, out, {
        file,
        json,
        timeout: opts.timeout,
        blocking: blockingUnless(() => true),
        body: (record) => ({
          ...tenantOf(record),
          SerialNumber: record.serialNumber,
          Manufacturer: record.manufacturer ?? '',
          Model: record.model ?? '',
          ProductKey: record.productKeyId,
          HardwareHash: record.decoded?.base64 ?? record.hardwareHash,
        }),
        send: async (devices, headers) => {
          const res = await client.request('POST', REGISTRATION, { body: { devices }, headers });
          const location = res.headers.get('location');
          if (location === null) throw new CliUsageError(`The OEM API answered ${res.status} without a Location header; cannot follow the call.`);
          return location;
        },
        statusPath: (location) => location,
        stillProcessing: (location) => `still processing; check GET ${location}`,
      });
      return reportDeviceCalls(out, json, done, outcome, { file });
    },
    { scope: PARTNER_CENTER_SCOPE },
  );
}
