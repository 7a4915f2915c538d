// `tarmac serve`: run the registry server until SIGINT/SIGTERM. On an empty database it creates a demo tenant and
// prints, that one time, how to get a token with it.
import { ConfigError, describeDatabase, loadConfig, type TarmacConfig } from '../../config.js';
import { ListenError, startServer, type RunningServer } from '../../server/start-server.js';
import { fail, tokenExample } from '../../server/cli-support.js';
import { DEMO_DOMAIN, type CreatedDemoTenant } from '../../tenants/index.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput, type Output } from '../output.js';

export interface ServeOptions {
  port?: string;
  host?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export async function serve(options: ServeOptions = {}): Promise<ExitCode> {
  const out = createOutput();
  let config: TarmacConfig;
  let server: RunningServer;
  try {
    config = loadConfig(process.env, options);
    server = await startServer(config, { logger: { level: config.logLevel } });
  } catch (err) {
    if (err instanceof ListenError || err instanceof ConfigError) {
      out.error(`error: ${err.message}`);
      return 2;
    }
    return fail(out, false, err);
  }

  printBanner(out, config, server);
  const signal = await shutdownSignal();
  out.error(`${signal}: stopping (again to force)…`);
  await server.close();
  return 0;
}

function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // A second signal finds no handler and ends the process at once.
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function printBanner(out: Output, config: TarmacConfig, server: RunningServer): void {
  const { bold, cyan, dim, yellow } = out.color;
  out.line(`${bold('Tarmac')} is listening on ${cyan(server.url)}  ${dim(`(${describeDatabase(config)})`)}`);
  out.line(`Console: ${server.url}/   API docs: ${server.url}/docs   OpenAPI: ${server.url}/openapi.json`);
  if (server.demo) printDemo(out, server.url, server.demo, yellow);
  out.line();
  out.line(dim('Press Ctrl+C to stop.'));
}

function printDemo(out: Output, url: string, demo: CreatedDemoTenant, yellow: (s: string) => string): void {
  out.line();
  out.line(`Created a demo tenant. ${yellow('The password and the secret are shown only this once')} (Tarmac keeps hashes of them):`);
  out.line(`  console        ${url}/  sign in as ${demo.admin.userPrincipalName}`);
  out.line(`  password       ${demo.admin.password}`);
  out.line(`  tenant         ${DEMO_DOMAIN} (${demo.tenant.id})`);
  out.line(`  client id      ${demo.app.clientId}`);
  out.line(`  client secret  ${demo.clientSecret}`);
  out.line(`  roles          ${demo.app.roles.join(', ')}`);
  out.line();
  out.line('Get a token and call Graph (paste into a shell):');
  for (const line of tokenExample(url, DEMO_DOMAIN, demo.app.clientId, demo.clientSecret)) out.line(`  ${line}`);
  out.line();
  out.line(`Lost the secret? Create another app: tarmac app create --tenant ${DEMO_DOMAIN}`);
  out.line(`Lost the password? Create another user: tarmac user create --tenant ${DEMO_DOMAIN} --upn someone@${DEMO_DOMAIN} --role "Global Administrator"`);
}
