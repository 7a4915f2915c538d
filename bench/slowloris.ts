// Slowloris against the real `tarmac serve` (one process, SQLite, from source): how many stalled connections it holds
// while normal requests are still answered, and their latency. Prints its figures; writes no results file.
//
//   npx tsx bench/slowloris.ts            (BENCH_SLOWLORIS_STALLED=2000 BENCH_SLOWLORIS_SECONDS=10)
//
// 1. Baseline: autocannon, 16 connections from 127.0.0.1, GET /health (a database round trip) for SECONDS.
// 2. STALLED connections spread over the loopback addresses 127.0.0.2… (100 each, under the per-address limit;
//    Linux routes all of 127/8 to loopback), half sending partial headers, half a Content-Length: 1000 body with 6
//    bytes; each one the server closes is opened again, as an attacker would. Then the same autocannon run.
// 3. One address opening more than TARMAC_MAX_CONNECTIONS_PER_ADDRESS (default 128): how many it got.
// The server runs with its default timeouts (headers 15 s, body 30 s), so within a 10 s run the stalled connections
// are mostly the same ones; with a longer run they are closed and reopened.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { childEnv, startChild } from './child-process.js';
import { fmt } from './lib.js';

const STALLED = Number(process.env.BENCH_SLOWLORIS_STALLED ?? 2000);
const SECONDS = Number(process.env.BENCH_SLOWLORIS_SECONDS ?? 10);
const PER_ADDRESS = 100;
const CONNECTIONS = 16;

const SERVER = `import { main } from './src/cli/main.ts'; process.exitCode = await main(['node', 'tarmac', 'serve', '--port', '0', '--host', '127.0.0.1', '--workers', '1']);`;

interface Stalled {
  open: number;
  opened: number;
  closedByServer: number;
  stop(): void;
}

function stall(port: number, count: number): Stalled {
  const state: Stalled = { open: 0, opened: 0, closedByServer: 0, stop: () => undefined };
  let stopping = false;
  const sockets = new Set<Socket>();
  const open = (i: number): void => {
    const localAddress = `127.0.0.${2 + Math.floor(i / PER_ADDRESS)}`;
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    sockets.add(socket);
    state.opened += 1;
    socket.on('connect', () => {
      state.open += 1;
      socket.write(
        i % 2 === 0
          ? 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '
          : 'POST /contoso.onmicrosoft.com/oauth2/v2.0/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_',
      );
    });
    socket.resume();
    socket.on('error', () => undefined);
    socket.on('close', (hadError) => {
      sockets.delete(socket);
      if (socket.bytesWritten > 0) state.open -= 1;
      if (stopping) return;
      if (!hadError) state.closedByServer += 1;
      setTimeout(() => stopping || open(i), 10);
    });
  };
  for (let i = 0; i < count; i++) open(i);
  state.stop = () => {
    stopping = true;
    for (const s of sockets) s.destroy();
  };
  return state;
}

async function load(url: string): Promise<{ rps: number; p50: number; p99: number; non2xx: number; errors: number }> {
  const r = await autocannon({ url: `${url}/health`, connections: CONNECTIONS, duration: SECONDS });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts };
}

const dir = mkdtempSync(path.join(tmpdir(), 'tarmac-slowloris-'));
const server = await startChild(['--import', 'tsx', '--input-type=module', '-e', SERVER], childEnv({ TARMAC_DATA_DIR: dir, TARMAC_LOG_LEVEL: 'warn' }), /Press Ctrl\+C to stop\./);
try {
  const port = Number(new URL(server.url).port);
  const baseline = await load(server.url);
  console.log(`baseline: ${fmt(baseline.rps)} req/s, p50 ${baseline.p50} ms, p99 ${baseline.p99} ms (non-2xx ${baseline.non2xx}, errors ${baseline.errors})`);

  const stalled = stall(port, STALLED);
  const until = Date.now() + 30_000;
  while (stalled.open < STALLED && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  const heldAtStart = stalled.open;
  const under = await load(server.url);
  const heldAtEnd = stalled.open;
  console.log(
    `with ${fmt(heldAtStart)} stalled connections (${fmt(heldAtEnd)} at the end; ${fmt(stalled.closedByServer)} closed by the server and reopened): ` +
      `${fmt(under.rps)} req/s, p50 ${under.p50} ms, p99 ${under.p99} ms (non-2xx ${under.non2xx}, errors ${under.errors})`,
  );
  stalled.stop();
  // Let the server see those closes before the next step.
  await new Promise((r) => setTimeout(r, 3000));

  // One address asking for more than its share: held = still open once no close has come for 2 s.
  const greedy: Socket[] = [];
  let refused = 0;
  let lastClose = Date.now();
  for (let i = 0; i < 300; i++) {
    const s = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.250' });
    greedy.push(s);
    let text = '';
    s.on('error', () => undefined);
    s.on('connect', () => s.write('GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: '));
    s.on('data', (c: Buffer) => (text += c.toString()));
    s.on('close', () => {
      lastClose = Date.now();
      if (text.startsWith('HTTP/1.1 503')) refused += 1;
    });
  }
  while (Date.now() - lastClose < 2000) await new Promise((r) => setTimeout(r, 100));
  const accepted = greedy.filter((s) => !s.destroyed && !s.closed).length;
  for (const s of greedy) s.destroy();
  console.log(`one address opening 300 stalled connections: ${accepted} held, ${refused} refused with 503`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
