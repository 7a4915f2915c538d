// `tarmac graph <GET|POST|PATCH|DELETE> <path>`: a raw authenticated Graph call against Tarmac (like `az rest`),
// printing the response body. Exit 1 on an HTTP error, with Graph's message.
import { readFile } from 'node:fs/promises';
import { CliUsageError, GraphRequestError, type OnlineOptions } from '../graph-client.js';
import type { ExitCode } from '../command-kit.js';
import { runOnline } from '../online.js';

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

export interface GraphCallOptions extends OnlineOptions {
  body?: string;
  json?: boolean;
}

/** --body: JSON text, or @file holding it. */
async function bodyOf(raw: string | undefined): Promise<unknown> {
  if (raw === undefined) return undefined;
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = await readFile(raw.slice(1), 'utf8');
    } catch (err) {
      throw new CliUsageError(`--body ${raw}: cannot read ${raw.slice(1)} (${(err as Error).message}).`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliUsageError(`--body is not JSON: ${(err as Error).message}. Give JSON text or @file.json.`);
  }
}

export async function graphCall(method: string, path: string, opts: GraphCallOptions): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    const verb = method.toUpperCase();
    if (!METHODS.includes(verb)) throw new CliUsageError(`Unknown method '${method}': use ${METHODS.join(', ')}.`);
    const url = /^https?:\/\//i.test(path) ? path : path.startsWith('/') ? path : `/${path}`;
    const body = await bodyOf(opts.body);
    try {
      const res = await client.request(verb, url, { ...(body !== undefined ? { body } : {}) });
      if (opts.json) out.json({ status: res.status, body: res.body ?? null });
      else if (res.body === undefined) out.line(`${res.status} (no content)`);
      else out.line(typeof res.body === 'string' ? res.body : JSON.stringify(res.body, null, 2));
      return 0;
    } catch (err) {
      if (!(err instanceof GraphRequestError)) throw err;
      if (opts.json) out.json({ status: err.status, error: { code: err.code, message: err.detail } });
      out.error(`${out.color.red('error')}: ${err.status} ${err.code}: ${err.detail}`);
      return 1;
    }
  });
}
