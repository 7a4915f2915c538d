// The online CLI's edges against the real server: sync (204, then 429 "too soon"), missing settings, an
// unreachable server and refused credentials (exit 2), and throttling waited out through Retry-After.
import { describe, expect, it } from 'vitest';
import { runTarmac } from '../support/run-tarmac.js';
import { syntheticDevice, writeCsv } from '../support/online-server.js';
import { ONLINE_TIMEOUT, useOnlineServer } from '../support/online-cli.js';

const s = useOnlineServer();

describe('tarmac sync and connection errors (online)', () => {
  it('sync: requested, then too soon with when to retry (exit 1)', async () => {
    const first = await s.cli(['sync']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Sync requested.');
    const second = await s.cli(['sync', '--json']);
    expect(second.code).toBe(1);
    expect(JSON.parse(second.stdout)).toMatchObject({ status: 'tooSoon', retryAfterSeconds: expect.any(Number), message: expect.stringMatching(/next is allowed in \d+ min/) });
  }, ONLINE_TIMEOUT);

  it('exit 2 with a message that says what to set: missing credentials, unreachable server, wrong secret', async () => {
    const none = await runTarmac(['devices', 'list'], { env: { TARMAC_TENANT: '', TARMAC_CLIENT_ID: '', TARMAC_CLIENT_SECRET: '', TARMAC_SERVER: s.url } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Missing --tenant \(TARMAC_TENANT.*--client-id \(TARMAC_CLIENT_ID\), --client-secret/);

    const unreachable = await s.cli(['devices', 'list', '--server', 'http://127.0.0.1:1']);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('Cannot reach Tarmac at http://127.0.0.1:1');

    const wrong = await s.cli(['sync', '--client-secret', 'not-the-secret']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/Could not get a token for tenant 'demo\.onmicrosoft\.com'.*AADSTS7000215/);

    const noFile = await s.cli(['import', 'no-such-file.csv']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('Cannot read no-such-file.csv');
  }, ONLINE_TIMEOUT);

  it('--help shows the connection settings and examples', async () => {
    const help = await runTarmac(['import', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('TARMAC_CLIENT_SECRET');
    expect(help.stdout).toContain('$ tarmac import AutopilotHWID.csv');
  });
});

describe('throttling (online)', () => {
  const throttled = useOnlineServer({ TARMAC_GRAPH_RATE_LIMIT: '3', TARMAC_GRAPH_RATE_WINDOW_SECONDS: '1' });

  it('import waits out 429 Retry-After and still succeeds', async () => {
    const devices = [7101, 7102, 7103, 7104].map(syntheticDevice);
    const r = await throttled.cli(['import', writeCsv(throttled.dir, 'throttled.csv', devices)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Tarmac answered 429 \(throttled\); retrying in 1 s/);
    expect(r.stdout).toContain('4 imported');
  }, ONLINE_TIMEOUT);
});
