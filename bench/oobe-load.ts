// The PC's profile lookup under load, as the oobe and workers benchmarks apply it: autocannon posting
// `POST /oobe/v1/profile {hardwareHash}` with the body of a device picked at random for every request.
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
}

/** `connections` connections for `seconds` against `url` (a server's base URL), each request one of `bodies`. */
export async function oobeLoad(url: string, bodies: string[], connections: number, seconds: number): Promise<OobeLoadResult> {
  const before = os.loadavg();
  const result = await autocannon({
    url: `${url}/oobe/v1/profile`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[Math.floor(Math.random() * bodies.length)] }) }],
  });
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
  };
}
