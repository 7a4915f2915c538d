// For the online CLI tests: the real `tarmac serve` on a throwaway data directory, its demo credentials, the CLI
// run against it, and CSVs of synthetic devices (never real hashes).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import { REPO_ROOT, runTarmac, type RunResult } from './run-tarmac.js';
import { withTestKeyEncryptionKey } from './test-databases.js';

export interface OnlineServer {
  url: string;
  dir: string;
  /** TARMAC_SERVER, TARMAC_TENANT, TARMAC_CLIENT_ID, TARMAC_CLIENT_SECRET of the demo tenant. */
  env: Record<string, string>;
  cli(args: string[], env?: Record<string, string>): Promise<RunResult>;
  stop(): Promise<void>;
}

/** The environment of a child: this process's minus Tarmac settings, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TARMAC_') && k !== 'PORT') base[k] = v;
  return { ...base, NO_COLOR: '1', ...withTestKeyEncryptionKey(env) };
}

export async function startServer(env: Record<string, string> = {}): Promise<OnlineServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tarmac-online-'));
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.execPath,
    [join(REPO_ROOT, 'bin/tarmac.js'), 'serve', '--port', '0', '--host', '127.0.0.1'],
    // One server process (serve's default is one per core), unless `env` says otherwise.
    { cwd: REPO_ROOT, env: childEnv({ TARMAC_DATA_DIR: dir, TARMAC_LOG_LEVEL: 'warn', TARMAC_WORKERS: '1', ...env }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start.\n${out}\n${err}`)), 60_000);
    child.stdout.on('data', () => {
      if (out.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`serve exited early.\n${out}\n${err}`));
    });
  });
  const field = (label: string): string => {
    const m = new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(out);
    if (!m?.[1]) throw new Error(`no ${label} in:\n${out}`);
    return m[1];
  };
  const url = /is listening on (\S+)/.exec(out)?.[1] ?? '';
  const onlineEnv = { TARMAC_SERVER: url, TARMAC_TENANT: field('tenant'), TARMAC_CLIENT_ID: field('client id'), TARMAC_CLIENT_SECRET: field('client secret') };
  return {
    url,
    dir,
    env: onlineEnv,
    cli: (args, extra = {}) => runTarmac(args, { env: childEnv({ ...onlineEnv, ...extra }) }),
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CsvDevice {
  serialNumber: string;
  hash: string;
}

/** Synthetic device `seed`: its serial number and base64 hash. */
export function syntheticDevice(seed: number): CsvDevice {
  const inv = syntheticInventory(seed);
  return { serialNumber: inv.system.serialNumber ?? `SYN${seed}`, hash: encodeHardwareHash(inv).base64 };
}

/** The hash with one byte flipped in the middle: its records and checksum no longer agree. */
export function damaged(hash: string): string {
  const bytes = Buffer.from(hash, 'base64');
  const at = Math.floor(bytes.length / 3);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  return bytes.toString('base64');
}

/** Writes an Intune 4-column CSV (CRLF) and returns its path. */
export function writeCsv(dir: string, name: string, rows: { serialNumber: string; hash: string; groupTag?: string }[]): string {
  const lines = ['Device Serial Number,Windows Product ID,Hardware Hash,Group Tag', ...rows.map((r) => `${r.serialNumber},,${r.hash},${r.groupTag ?? ''}`)];
  const path = join(dir, name);
  writeFileSync(path, lines.join('\r\n') + '\r\n');
  return path;
}
