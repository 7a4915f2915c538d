// Microsoft's Graph SDK against the real `tarmac serve` over HTTPS: a server on SQLite (a temp dir) or PostgreSQL (a
// scratch database, dropped afterwards) with a self-signed certificate, and a client script run with tsx that trusts
// it and prints what it observed as JSON on its last line.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { createPostgresScratch } from './test-databases.js';
import { ROOT, childEnv, killAll, selfSignedCert, serve, tempDir, type Served } from './serve-process.js';

export interface HttpsServe {
  served: Served;
  /** The server's settings (data directory, database URL), for `cli` calls against the same database. */
  env: Record<string, string>;
  /** The certificate the server presents. */
  cert: string;
}

/** Runs `use` with a fresh HTTPS server on `engine`; the server is killed and the scratch database dropped after. */
export async function withHttpsServe(engine: 'sqlite' | 'postgres', use: (s: HttpsServe) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const { cert, key } = await selfSignedCert(dir);
  const scratch = engine === 'postgres' ? await createPostgresScratch() : undefined;
  try {
    const env: Record<string, string> = { TARMAC_DATA_DIR: join(dir, 'data'), ...(scratch ? { TARMAC_DATABASE_URL: scratch.url } : {}) };
    const served = await serve(env, ['--tls-cert', cert, '--tls-key', key]);
    await use({ served, env, cert });
  } finally {
    await killAll();
    await scratch?.drop();
  }
}

/** Runs the client script `script` (relative to the repo) with the server's URL and `argument` (as JSON); what its last line of stdout says. */
export async function runSdkClient(script: string, s: HttpsServe, argument: unknown): Promise<unknown> {
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, script), s.served.url, JSON.stringify(argument)],
      { cwd: ROOT, env: childEnv({ NODE_EXTRA_CA_CERTS: s.cert }), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}\nserver:\n${s.served.stderr()}`)) : resolve(stdout)),
    ),
  );
  return JSON.parse(output.trim().split('\n').pop() ?? '{}');
}
