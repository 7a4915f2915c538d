// The real `tarmac serve` online CLI tests run against: started before the tests of a file (or describe block),
// stopped after them; and a Graph token of the demo app, for the calls a test makes beside the CLI.
import { afterAll, beforeAll } from 'vitest';
import { startServer, type OnlineServer } from './online-server.js';

/** How long an online CLI test (and starting its server) may take. */
export const ONLINE_TIMEOUT = 120_000;

/**
 * Registers beforeAll/afterAll that start and stop a server (with `env` added to its settings) around the tests of the
 * enclosing file or describe block. What it returns reads the started server, so use it inside tests only.
 */
export function useOnlineServer(env: Record<string, string> = {}): OnlineServer {
  let server: OnlineServer | undefined;
  beforeAll(async () => {
    server = await startServer(env);
  }, ONLINE_TIMEOUT);
  afterAll(async () => {
    await server?.stop();
  });
  const started = (): OnlineServer => {
    if (server === undefined) throw new Error('the online server is read before beforeAll started it');
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    get dir() {
      return started().dir;
    },
    get env() {
      return started().env;
    },
    cli: (args, env) => started().cli(args, env),
    stop: () => started().stop(),
  };
}

/** An access token of the demo app (client credentials from the server's environment) for Graph. */
export async function demoGraphToken(s: OnlineServer): Promise<string> {
  const res = await fetch(`${s.url}/${s.env.TARMAC_TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: s.env.TARMAC_CLIENT_ID ?? '',
      client_secret: s.env.TARMAC_CLIENT_SECRET ?? '',
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
