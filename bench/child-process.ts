// A server in a child process for the benchmarks that measure the real `tarmac serve` (oobe, console): started with
// a clean environment, ready when its output says so, stopped with SIGTERM (SIGKILL after 10 s).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { repoRoot } from './lib.js';

export interface Child {
  process: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Spawns a server and resolves with its URL once `ready` matches its stdout. */
export async function startChild(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Child & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${out}`)), 60_000);
    const check = (): void => {
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before it was ready:\n${out}`));
    });
  });
  const url = /https?:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0];
  if (!url) throw new Error(`no URL in the server's output:\n${out}`);
  return {
    process: child,
    url,
    match,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** This process's environment without Tarmac settings, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TARMAC_') && k !== 'PORT') base[k] = v;
  return { ...base, NO_COLOR: '1', TARMAC_LOG_LEVEL: 'warn', ...env };
}

