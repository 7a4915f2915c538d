// The real `tarmac serve` (bin/tarmac.js, running dist/ that test/support/build-dist.ts built) as a child process.
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { withTestKeyEncryptionKey } from './test-databases.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/tarmac.js');

export interface Served {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

export interface Demo {
  tenant: string;
  clientId: string;
  clientSecret: string;
}

const running = new Set<Served>();
const temps: string[] = [];

/** Kill every server still running and remove temp directories (call in afterEach/afterAll). */
export async function killAll(): Promise<void> {
  for (const s of running) {
    s.child.kill('SIGKILL');
    await s.exited;
  }
  running.clear();
}

export function removeTemps(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tarmac-e2e-'));
  temps.push(dir);
  return dir;
}

/**
 * This process's environment minus Tarmac settings, plus `env`. One server process unless a test asks for more
 * (`--workers` or TARMAC_WORKERS): serve's default, one per core, would make the suite's load depend on the machine.
 */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TARMAC_') && k !== 'PORT') base[k] = v;
  return { ...base, TARMAC_LOG_LEVEL: 'warn', TARMAC_WORKERS: '1', NO_COLOR: '1', ...withTestKeyEncryptionKey(env) };
}

/** Starts `tarmac serve --port 0` and resolves once its banner is printed. */
export async function serve(env: Record<string, string>, args: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const served: Served = { child, url: '', stdout: () => out, stderr: () => err, exited };
  running.add(served);
  void exited.then(() => running.delete(served));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in time.\nstdout:\n${out}\nstderr:\n${err}`)), 60_000);
    child.stdout.on('data', () => {
      if (out.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before it was ready.\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
  const m = /is listening on (\S+)/.exec(out);
  if (!m?.[1]) throw new Error(`no URL in:\n${out}`);
  served.url = m[1];
  return served;
}

export async function stop(s: Served, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  s.child.kill(signal);
  return s.exited;
}

export function demoOf(stdout: string): Demo {
  const field = (label: string): string => {
    const m = new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(stdout);
    if (!m?.[1]) throw new Error(`no ${label} in:\n${stdout}`);
    return m[1];
  };
  return { tenant: field('tenant'), clientId: field('client id'), clientSecret: field('client secret') };
}

/** Runs a `tarmac` command to completion. */
export function cli(env: Record<string, string>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(env), timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 2) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function getToken(url: string, tenant: string, clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(`${url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'https://graph.microsoft.com/.default' }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A self-signed certificate for 127.0.0.1 (Microsoft's Graph SDK sends tokens only over https). */
export async function selfSignedCert(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await new Promise<void>((resolve, reject) =>
    execFile(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      (err) => (err ? reject(err) : resolve()),
    ),
  );
  return { cert, key };
}
