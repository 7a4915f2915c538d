// Slow and stalled clients against a real listening server (startServer, what `tarmac serve` runs): stalled headers,
// stalled and trickling bodies and idle keep-alive connections are closed after their (here shortened) timeouts
// while normal requests are answered; a body that keeps arriving at the minimum rate is not cut off; connections
// beyond the per-address limit are refused (or make room by closing an idle keep-alive one). The socket behaviour is
// engine-independent: it runs on SQLite, with a smoke of the stalled body on PostgreSQL (a listening server each).
// Bounds on closing are generous multiples of the configured timeouts; nothing here measures speed.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { selfSignedCert } from '../support/serve-process.js';
import { createTestDatabase, dropPostgresFileDatabase, withTestKeyEncryptionKey, type TestDatabase } from '../support/test-databases.js';

const dirs: string[] = [];
const servers: RunningServer[] = [];
const sockets: Socket[] = [];
const databases: TestDatabase[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await s.close().catch(() => undefined);
  for (const d of databases.splice(0)) await d.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(async () => {
  await dropPostgresFileDatabase();
});

/** Timeouts short enough for a test (seconds); a generous multiple of them bounds how long closing may take. */
const SHORT = { TARMAC_HEADERS_TIMEOUT_SECONDS: '1', TARMAC_BODY_TIMEOUT_SECONDS: '1', TARMAC_KEEP_ALIVE_TIMEOUT_SECONDS: '1' };
const CLOSE_BOUND_MS = 20_000;

async function serve(env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tarmac-slow-'));
  dirs.push(dir);
  const running = await startServer(loadConfig(withTestKeyEncryptionKey({ TARMAC_DATA_DIR: dir, PORT: '0', ...env })), { logger: false, demo: false });
  servers.push(running);
  return running;
}

interface Raw {
  socket: Socket;
  /** Resolves once connected and `data` is written. */
  sent: Promise<void>;
  /** What the server sent so far. */
  received(): string;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
}

/** A raw connection to 127.0.0.1:port that sends `data` and then nothing more (unless the test writes). */
function raw(port: number, data: string, localAddress?: string): Raw {
  const socket = tcpConnect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  const sent = new Promise<void>((resolve) => socket.on('connect', () => socket.write(data, () => resolve())));
  return { socket, sent, closed, received: () => received };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))),
  ]);
}

const PARTIAL_HEADERS = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ';
/** The case: Content-Length 1000, 6 bytes sent. */
const partialBody = (path: string): string =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_`;
const TOKEN_PATH = '/contoso.onmicrosoft.com/oauth2/v2.0/token';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + CLOSE_BOUND_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${CLOSE_BOUND_MS} ms`);
    await sleep(20);
  }
}

/** Waits until the server has `n` connections open (the client's connect comes before the server's accept). */
const accepted = (server: RunningServer, n: number): Promise<void> =>
  until(() => server.connections.stats().open >= n, `${n} connections accepted`);

describe('slow and stalled clients (SQLite)', { timeout: 60_000 }, () => {
  it('closes 100 stalled connections after their timeouts, answering normal requests meanwhile', async () => {
    const server = await serve(SHORT);
    const stalled = [
      ...Array.from({ length: 40 }, () => raw(server.port, PARTIAL_HEADERS)),
      ...Array.from({ length: 30 }, () => raw(server.port, partialBody(TOKEN_PATH))),
      ...Array.from({ length: 30 }, () => raw(server.port, partialBody('/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/import'))),
    ];
    const ended = stalled.map((s) => s.closed);
    // Normal requests while all of them are open (their server is the same event loop).
    await Promise.all(stalled.map((s) => s.sent));
    await accepted(server, 100);
    for (let i = 0; i < 5; i++) {
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
    }
    const responses = await within(Promise.all(ended), CLOSE_BOUND_MS, 'stalled connections closed');
    // Fastify's 408 before the close (headers: Node's timeout; bodies: the body rule), except where the route had
    // answered before reading the body (Graph's 401 without a token): that connection is closed all the same.
    for (const text of responses.slice(0, 70)) expect(text).toMatch(/^HTTP\/1\.1 408 /);
    for (const text of responses.slice(70)) expect(text).toMatch(/^HTTP\/1\.1 401 /);
    expect(server.connections.stats().bodyTimeouts).toBe(60);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('lets a body that keeps arriving above the minimum rate finish, and cuts off one that trickles below it', async () => {
    // 1 s plus one second per 1,000 bytes received.
    const server = await serve({ ...SHORT, TARMAC_MIN_BODY_RATE: '1000' });
    const body = `grant_type=client_credentials&client_id=00000000-0000-0000-0000-000000000001&pad=${'x'.repeat(5_900)}`;
    const head = `POST ${TOKEN_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;
    // ~3,000 bytes a second for ~2 s: longer than the 1 s flat timeout, well above the rate.
    const steady = raw(server.port, head + body.slice(0, 1500));
    for (let at = 1500; at < body.length; at += 1500) {
      await sleep(500);
      steady.socket.write(body.slice(at, at + 1500));
    }
    const answered = await within(steady.closed, CLOSE_BOUND_MS, 'steady upload answered');
    expect(answered).toMatch(/^HTTP\/1\.1 400 /);
    expect(answered).toContain('invalid_request');

    // 10 bytes every 200 ms (50 bytes a second, a twentieth of the rate): closed long before its 6,000 bytes are in.
    const trickle = raw(server.port, head + body.slice(0, 10));
    let sent = 10;
    let open = true;
    void trickle.closed.then(() => (open = false));
    while (open && sent < body.length) {
      await sleep(200);
      if (open) trickle.socket.write(body.slice(sent, (sent += 10)));
    }
    expect(sent).toBeLessThan(body.length);
    expect(await trickle.closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const server = await serve(SHORT);
    const kept = raw(server.port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const text = await within(kept.closed, CLOSE_BOUND_MS, 'idle keep-alive connection closed');
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text.toLowerCase()).toContain('connection: keep-alive');
  });

  it('refuses connections beyond the per-address limit with a 503, and accepts them again once some close', async () => {
    const server = await serve({ TARMAC_MAX_CONNECTIONS_PER_ADDRESS: '20' });
    const stalled = Array.from({ length: 20 }, () => raw(server.port, PARTIAL_HEADERS));
    await accepted(server, 20);
    const beyond = raw(server.port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const refused = await within(beyond.closed, CLOSE_BOUND_MS, 'refused');
    expect(refused).toMatch(/^HTTP\/1\.1 503 /);
    expect(JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'TooManyConnections' } });
    expect(server.connections.stats().refused).toBe(1);
    // The stalled ones are still open (their headers timeout is the default 15 s); closing five makes room.
    for (const s of stalled.slice(0, 5)) s.socket.destroy();
    await until(() => server.connections.stats().open <= 15, 'five closed');
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
  });

  it.skipIf(process.platform !== 'linux')('serves another address while one is at its limit', async () => {
    // All of 127.0.0.0/8 is loopback on Linux: 127.0.0.2 is another client address.
    const server = await serve({ TARMAC_MAX_CONNECTIONS_PER_ADDRESS: '10' });
    for (let i = 0; i < 10; i++) raw(server.port, PARTIAL_HEADERS);
    await accepted(server, 10);
    expect(await within(raw(server.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n').closed, CLOSE_BOUND_MS, 'refused')).toMatch(/^HTTP\/1\.1 503 /);
    const other = raw(server.port, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '127.0.0.2');
    expect(await within(other.closed, CLOSE_BOUND_MS, 'other address answered')).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('at the limit, closes an idle keep-alive connection of that address to make room rather than refusing', async () => {
    const server = await serve({ TARMAC_MAX_CONNECTIONS_PER_ADDRESS: '3' });
    const kept = Array.from({ length: 3 }, () => raw(server.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
    await accepted(server, 3);
    // Each has had its answer: all three are idle keep-alive connections now.
    await until(() => kept.every((k) => k.received().startsWith('HTTP/1.1 200')));
    const fourth = raw(server.port, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(await within(fourth.closed, CLOSE_BOUND_MS, 'fourth answered')).toMatch(/^HTTP\/1\.1 200 /);
    // The oldest idle one was closed for it (its keep-alive timeout is the default 72 s).
    expect(await within(kept[0]!.closed, CLOSE_BOUND_MS, 'oldest idle closed')).toMatch(/^HTTP\/1\.1 200 /);
    expect(server.connections.stats()).toMatchObject({ evicted: 1, refused: 0 });
  });

  it('under TLS too: a stalled body gets 408 and is closed; beyond the limit a connection is closed before its handshake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tarmac-slow-tls-'));
    dirs.push(dir);
    const { cert, key } = await selfSignedCert(dir);
    const server = await serve({ ...SHORT, TARMAC_TLS_CERT: cert, TARMAC_TLS_KEY: key, TARMAC_MAX_CONNECTIONS_PER_ADDRESS: '2' });
    const secure = (data: string): Promise<string> => {
      const socket = tlsConnect({ port: server.port, host: '127.0.0.1', rejectUnauthorized: false });
      sockets.push(socket);
      let received = '';
      socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('secureConnect', () => socket.write(data));
      return new Promise((resolve) => socket.on('close', () => resolve(received)));
    };
    const first = secure(partialBody(TOKEN_PATH));
    const second = secure(PARTIAL_HEADERS);
    await accepted(server, 2);
    expect(await within(secure('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'), CLOSE_BOUND_MS, 'refused')).toBe('');
    expect(await within(first, CLOSE_BOUND_MS, 'stalled TLS body closed')).toMatch(/^HTTP\/1\.1 408 /);
    expect(await within(second, CLOSE_BOUND_MS, 'stalled TLS headers closed')).toMatch(/^HTTP\/1\.1 408 /);
    expect(server.connections.stats()).toMatchObject({ refused: 1, bodyTimeouts: 1 });
  });
});

describe('slow and stalled clients (PostgreSQL smoke)', { timeout: 60_000 }, () => {
  it('closes a stalled body with 408 and keeps serving', async () => {
    const database = await createTestDatabase('postgres');
    databases.push(database);
    const server = await serve({ ...SHORT, TARMAC_DATABASE_URL: database.settings.databaseUrl ?? '' });
    const stalled = Array.from({ length: 10 }, () => raw(server.port, partialBody(TOKEN_PATH)));
    const health = await fetch(`${server.url}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'postgres' });
    for (const text of await within(Promise.all(stalled.map((s) => s.closed)), CLOSE_BOUND_MS, 'stalled bodies closed')) {
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
    }
  });
});
