// Slow and stalled clients: what a listening Tarmac server promises about its connections, so that a client that
// connects and then sends slowly or not at all (a "slowloris") cannot tie it up. Applied to the node:http(s) server
// before it listens (startServer); engine-independent.
// - Headers: a request's headers must have arrived within headersTimeoutMs of the connection (or of the start of the
//   request, on a kept-alive connection); else 408 and the connection is closed. This is Node's own headersTimeout,
//   checked every second instead of Node's default 30 s.
// - Body: once the headers are in, the body must follow within bodyTimeoutMs, extended by one second for every
//   minBodyBytesPerSecond bytes received (Apache's mod_reqtimeout rule): a 64 MB import at 1 Mbit/s goes through, a
//   body that stalls or trickles does not. Else 408 (through the server's clientError handler, as for headers) and
//   the connection is closed. Node's flat requestTimeout (300 s by default) is turned off: the rule replaces it.
// - Keep-alive: a connection idle after its response is closed after keepAliveTimeoutMs.
// - Connections per client address: at most maxPerAddress open at once, counted in this process (with
//   `serve --workers N` each process counts its own, so an address may hold up to N times as many). A connection
//   beyond the limit first closes the oldest of that address's idle keep-alive connections (last response sent, no
//   newer request); when there is none it is refused: plain HTTP gets a 503 in Graph's envelope, then the
//   connection is closed. 0 turns the limit off. Addresses are the socket's (an IPv4-mapped IPv6 address counts as
//   its IPv4 one); behind a reverse proxy every client is the proxy's address.
// What a request does once its body is in (however long its handler takes) is not limited here.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';

export interface ConnectionGuardOptions {
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** 0: the body timeout is flat. */
  minBodyBytesPerSecond: number;
  keepAliveTimeoutMs: number;
  /** 0: no limit. */
  maxPerAddress: number;
  /** How often stalled bodies are looked for (and Node's headers timeout checked). Default 1000. */
  checkIntervalMs?: number;
  /** Where refused connections and stalled bodies are reported (a pino logger; a refusal is logged once a minute per address). */
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void } | undefined;
}

/** Counters since the guard was applied, and what is open now. */
export interface ConnectionGuardStats {
  open: number;
  addresses: number;
  /** Connections refused at the per-address limit. */
  refused: number;
  /** Idle keep-alive connections closed to make room for a new one at the per-address limit. */
  evicted: number;
  /** Requests whose body did not arrive in time. */
  bodyTimeouts: number;
}

export interface ConnectionGuard {
  stats(): ConnectionGuardStats;
}

interface Connection {
  /** The TCP socket (under TLS, the one below the TLS socket). */
  socket: Socket;
  address: string;
  /** The socket requests arrive on: `socket`, or its TLS socket. */
  httpSocket: Socket;
  req: IncomingMessage | undefined;
  res: ServerResponse | undefined;
  /** When the current request's headers were in, and the bytes read by then. */
  startedAt: number;
  startBytes: number;
}

const REFUSAL_LOG_INTERVAL_MS = 60_000;

/** The address connections are counted under: `::ffff:10.0.0.1` is 10.0.0.1. */
export function clientAddress(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return '';
  return remoteAddress.startsWith('::ffff:') && remoteAddress.includes('.') ? remoteAddress.slice(7) : remoteAddress;
}

function tooManyConnections(limit: number): string {
  const body = JSON.stringify({
    error: {
      code: 'TooManyConnections',
      message: `This client address already has ${limit} open connections (TARMAC_MAX_CONNECTIONS_PER_ADDRESS); reuse them, or retry once some have closed.`,
      innerError: { date: new Date().toISOString().slice(0, 19) },
    },
  });
  return (
    'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

export function guardConnections(server: Server, options: ConnectionGuardOptions): ConnectionGuard {
  const checkIntervalMs = options.checkIntervalMs ?? 1000;
  server.headersTimeout = options.headersTimeoutMs;
  server.requestTimeout = 0;
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  // Read by Node when the server starts listening (not in @types/node as a property).
  (server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval = checkIntervalMs;

  const tls = server instanceof TlsServer;
  const byAddress = new Map<string, Map<Socket, Connection>>();
  const bySocket = new WeakMap<Socket, Connection>();
  /** Connections whose current request's body is still on its way. */
  const receiving = new Set<Connection>();
  const lastRefusalLog = new Map<string, number>();
  let open = 0;
  let refused = 0;
  let evicted = 0;
  let bodyTimeouts = 0;

  const idle = (c: Connection): boolean => c.res !== undefined && c.res.writableFinished && c.req?.complete === true;

  const forget = (c: Connection): void => {
    const bucket = byAddress.get(c.address);
    if (!bucket?.delete(c.socket)) return;
    open -= 1;
    if (bucket.size === 0) byAddress.delete(c.address);
    receiving.delete(c);
  };

  const refuse = (socket: Socket, address: string): void => {
    refused += 1;
    const now = Date.now();
    if (options.log && now - (lastRefusalLog.get(address) ?? 0) >= REFUSAL_LOG_INTERVAL_MS) {
      lastRefusalLog.set(address, now);
      if (lastRefusalLog.size > 10_000) lastRefusalLog.clear();
      options.log.warn({ address, limit: options.maxPerAddress }, 'connection limit reached for a client address: refusing new connections (logged once a minute)');
    }
    // Under TLS no handshake has happened: there is no way to answer in HTTP.
    if (!tls && socket.writable) socket.write(tooManyConnections(options.maxPerAddress));
    socket.destroy();
  };

  server.on('connection', (socket: Socket) => {
    const address = clientAddress(socket.remoteAddress);
    let bucket = byAddress.get(address);
    if (options.maxPerAddress > 0 && bucket !== undefined && bucket.size >= options.maxPerAddress) {
      let oldestIdle: Connection | undefined;
      for (const c of bucket.values()) {
        if (idle(c)) {
          oldestIdle = c;
          break;
        }
      }
      if (oldestIdle === undefined) return refuse(socket, address);
      evicted += 1;
      forget(oldestIdle);
      oldestIdle.socket.destroy();
    }
    const c: Connection = { socket, address, httpSocket: socket, req: undefined, res: undefined, startedAt: 0, startBytes: 0 };
    if (bucket === undefined) byAddress.set(address, (bucket = new Map()));
    bucket.set(socket, c);
    bySocket.set(socket, c);
    open += 1;
    socket.once('close', () => forget(c));
  });

  if (tls) {
    server.on('secureConnection', (tlsSocket: Socket) => {
      const bucket = byAddress.get(clientAddress(tlsSocket.remoteAddress));
      if (!bucket) return;
      for (const c of bucket.values()) {
        if (c.socket.remotePort === tlsSocket.remotePort) {
          c.httpSocket = tlsSocket;
          bySocket.set(tlsSocket, c);
          return;
        }
      }
    });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const c = bySocket.get(req.socket);
    if (!c) return;
    c.req = req;
    c.res = res;
    c.startedAt = Date.now();
    c.startBytes = req.socket.bytesRead;
    if (!req.complete) receiving.add(c);
  });

  const check = (): void => {
    const now = Date.now();
    for (const c of receiving) {
      const req = c.req;
      if (!req || req.complete || c.httpSocket.destroyed) {
        receiving.delete(c);
        continue;
      }
      const received = c.httpSocket.bytesRead - c.startBytes;
      const allowedMs = options.bodyTimeoutMs + (options.minBodyBytesPerSecond > 0 ? (received * 1000) / options.minBodyBytesPerSecond : 0);
      if (now - c.startedAt <= allowedMs) continue;
      receiving.delete(c);
      bodyTimeouts += 1;
      options.log?.info({ address: c.address, received, elapsedMs: now - c.startedAt }, 'request body too slow: closing the connection');
      const socket = c.httpSocket;
      // Answered like Node's own headers timeout: the server's clientError handler (Fastify's) writes the 408.
      const err = Object.assign(new Error('The request body did not arrive in time.'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
      if (c.res?.headersSent !== true && server.listenerCount('clientError') > 0) server.emit('clientError', err, socket);
      if (!socket.destroyed) socket.destroy();
    }
  };
  const timer = setInterval(check, checkIntervalMs).unref();
  server.once('close', () => clearInterval(timer));

  return {
    stats: () => ({ open, addresses: byAddress.size, refused, evicted, bodyTimeouts }),
  };
}
