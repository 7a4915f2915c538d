// What the online commands share: the connection from flags or TARMAC_* variables, a Graph client that says when it
// waits out throttling, and one place that turns failures into a message and an exit code (2: the command could
// not run — unreachable server, refused credentials, unexpected Graph error).
import { CliUsageError, GraphClient, GraphRequestError, connectionOf, type GraphClientOptions, type OnlineOptions } from './graph-client.js';
import type { ExitCode } from './command-kit.js';
import { createOutput, type Output } from './output.js';

export async function runOnline(
  opts: OnlineOptions,
  body: (client: GraphClient, out: Output) => Promise<ExitCode>,
  clientOptions: Pick<GraphClientOptions, 'scope'> = {},
): Promise<ExitCode> {
  const out = createOutput();
  try {
    const client = new GraphClient(connectionOf(opts), {
      ...clientOptions,
      onRetry: ({ status, seconds }) => out.error(out.color.dim(`Tarmac answered ${status}${status === 429 ? ' (throttled)' : ''}; retrying in ${seconds} s.`)),
    });
    return await body(client, out);
  } catch (err) {
    if (err instanceof CliUsageError || err instanceof GraphRequestError) {
      out.error(`${out.color.red('error')}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

/**
 * Every item of a filtered collection, or exit code 2 after printing Graph's message when the query is refused (a
 * bad --filter is the user's mistake, said as Graph says it, not a stack of request details).
 */
export async function listForCommand<T>(client: GraphClient, out: Output, path: string, limit?: number): Promise<T[] | ExitCode> {
  try {
    return await client.list<T>(path, limit);
  } catch (err) {
    if (err instanceof GraphRequestError && err.status === 400) {
      out.error(`${out.color.red('error')}: ${err.detail}`);
      return 2;
    }
    throw err;
  }
}

/** Known DDS error names, explained in one line. */
export const IMPORT_ERROR_HELP: Record<string, string> = {
  ZtdDeviceAlreadyAssigned: 'already registered in this tenant (806); nothing to do, or delete it first to import it again',
  ZtdDeviceAssignedToOtherTenant: 'registered to another tenant (808); that tenant (or its partner/OEM) must deregister it first',
  ZtdDeviceDuplicated: 'another row of this import is the same device; only the first was processed',
  InvalidZtdHardwareHash: 'the hardware hash is not valid (802); capture it again with Get-WindowsAutopilotInfo',
  MissingZtdSerialNumberAndProductKey: 'the hash holds neither a serial number nor a product key ID (803)',
  StorageError: 'the registry could not store the row (898); run the import again',
  ZtdDeviceAlreadyAadRegistered:
    'Entra registered (814: workplace joined, a personal device): remove it from Intune and Entra ID first, then register it',
  ZtdDeviceIsMdmOnlyEnrolled: 'enrolled in Intune as a personal MDM-only device (897): remove it from Intune and Entra ID first, then register it',
};
