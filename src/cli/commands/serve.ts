// `tarmac serve`: run the registry server until SIGINT/SIGTERM. On an empty database it creates a demo tenant and
// prints, that one time, how to get a token with it. `--workers N` (default: one per core) serves from N processes
// on the one port (src/server/cluster.ts): this command then runs as their primary, and again, unchanged, in each
// worker process it forks, where it only serves. `--workers 1` serves from this process alone.
import { ConfigError, describeDatabase, loadConfig, type TarmacConfig } from '../../config.js';
import { loggerOptions } from '../../http/log-redaction.js';
import { clusterLog, isClusterWorker, runClusterWorker, startCluster } from '../../server/cluster.js';
import { ListenError, startServer } from '../../server/start-server.js';
import { fail, tokenExample } from '../../server/cli-support.js';
import { DEMO_DOMAIN, type CreatedDemoTenant } from '../../tenants/index.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput, type Output } from '../output.js';

export interface ServeOptions {
  port?: string;
  host?: string;
  tlsCert?: string;
  tlsKey?: string;
  workers?: string;
}

/** What the banner shows of a running server, one process or many. */
interface Started {
  url: string;
  demo: CreatedDemoTenant | undefined;
  workers: number;
  close(): Promise<void>;
  /** A second signal: stop now. */
  kill?(): void;
}

export async function serve(options: ServeOptions = {}): Promise<ExitCode> {
  const out = createOutput();
  let config: TarmacConfig;
  let server: Started;
  try {
    config = loadConfig(process.env, options);
    if (isClusterWorker()) {
      // A worker's output is its log; the primary prints the banner and reports failures.
      process.exit(await runClusterWorker(config, { logger: loggerOptions(config) }));
    }
    if (config.workers === 1) {
      const single = await startServer(config, { logger: loggerOptions(config) });
      server = { url: single.url, demo: single.demo, workers: 1, close: () => single.close() };
    } else {
      server = await startCluster(config, clusterLog(config.logLevel));
    }
  } catch (err) {
    if (err instanceof ListenError || err instanceof ConfigError) {
      out.error(`error: ${err.message}`);
      return 2;
    }
    return fail(out, false, err);
  }

  printBanner(out, config, server);
  const signal = await shutdownSignal(server.kill);
  out.error(`${signal}: stopping (again to force)…`);
  await server.close();
  return 0;
}

/** The first SIGINT/SIGTERM; a second one kills the workers (`onSecond`) and ends this process at once. */
function shutdownSignal(onSecond: (() => void) | undefined): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (onSecond) {
        const force = (again: NodeJS.Signals): void => {
          onSecond();
          process.kill(process.pid, again);
        };
        process.once('SIGINT', force);
        process.once('SIGTERM', force);
      }
      // Without workers, a second signal finds no handler and ends the process at once.
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function printBanner(out: Output, config: TarmacConfig, server: Started): void {
  const { bold, cyan, dim, yellow } = out.color;
  const processes = server.workers === 1 ? 'one process' : `${server.workers} processes`;
  out.line(`${bold('Tarmac')} is listening on ${cyan(server.url)}  ${dim(`(${describeDatabase(config)}; ${processes})`)}`);
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
