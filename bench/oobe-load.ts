// The PC's profile lookup under load, as the oobe and workers benchmarks apply it: autocannon posting
// `POST /oobe/v1/profile {hardwareHash}` with the body of a device picked at random for every request.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';

export interface OobeLoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
  loadAverage: { before: number[]; after: number[] };
  /**
   * CPU time per request (user + system, µs): of the server (the process `server.pid` and its descendants), of the
   * PostgreSQL server when the server uses it, and of the load generator (autocannon, in this process). With it, the
   * server's busy share of one core: a server below 1 is waiting for the load generator, not the other way round.
   */
  cpu?: { serverUsPerRequest: number; databaseUsPerRequest: number | null; loadGeneratorUsPerRequest: number; serverCores: number };
}

/** Whose CPU time oobeLoad reads from /proc around the load (Linux). */
export interface LoadedServer {
  pid: number;
  /** Also count the loopback PostgreSQL server's processes (the bench's database server, used by nothing else). */
  postgres: boolean;
}

const TICK_MS = 10; // USER_HZ: /proc's CPU times are in hundredths of a second

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, and cutime + cstime (children reaped), in ms. */
  own: number;
  reaped: number;
}

function procStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ');
    out.push({ pid: Number(name), ppid: Number(f[1]), comm, own: (Number(f[11]) + Number(f[12])) * TICK_MS, reaped: (Number(f[13]) + Number(f[14])) * TICK_MS });
  }
  return out;
}

/** CPU ms so far of `pid` and its descendants, and of every postgres process (with what the postmaster reaped). */
function cpuNow(server: LoadedServer): { server: number; database: number } {
  const stats = procStats();
  const tree = new Set([server.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of stats) {
      if (tree.has(s.pid) || !tree.has(s.ppid)) continue;
      tree.add(s.pid);
      grew = true;
    }
  }
  let serverMs = 0;
  let databaseMs = 0;
  for (const s of stats) {
    if (tree.has(s.pid)) serverMs += s.own;
    if (server.postgres && s.comm === 'postgres') databaseMs += s.own + s.reaped;
  }
  return { server: serverMs, database: databaseMs };
}

/** `connections` connections for `seconds` against `url` (a server's base URL), each request one of `bodies`. */
export async function oobeLoad(url: string, bodies: string[], connections: number, seconds: number, server?: LoadedServer): Promise<OobeLoadResult> {
  const before = os.loadavg();
  const cpuBefore = server ? cpuNow(server) : undefined;
  const selfBefore = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon({
    url: `${url}/oobe/v1/profile`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[Math.floor(Math.random() * bodies.length)] }) }],
  });
  const elapsedMs = performance.now() - started;
  const self = process.cpuUsage(selfBefore);
  let cpu: OobeLoadResult['cpu'];
  if (server && cpuBefore && result.requests.total > 0) {
    const after = cpuNow(server);
    const perRequest = (ms: number) => Math.round((ms * 1000 * 10) / result.requests.total) / 10;
    cpu = {
      serverUsPerRequest: perRequest(after.server - cpuBefore.server),
      databaseUsPerRequest: server.postgres ? perRequest(after.database - cpuBefore.database) : null,
      loadGeneratorUsPerRequest: perRequest((self.user + self.system) / 1000),
      serverCores: Math.round(((after.server - cpuBefore.server) / elapsedMs) * 100) / 100,
    };
  }
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
    loadAverage: { before, after: os.loadavg() },
    ...(cpu ? { cpu } : {}),
  };
}
