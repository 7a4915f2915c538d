// Logs never show a secret a client sent: the request log's URL (the token endpoints, Graph, the console's sign-in
// return, an unknown path), headers and body fields in logged objects, URLs quoted in messages and errors. Through
// the app, at info level, with the logger options every serving process uses (loggerOptions), on both engines.
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { REDACTED, loggerOptions, redactText, redactUrl, sensitiveName } from '../../src/http/log-redaction.js';
import { sharedSchemaController } from '../support/shared-schema-compiler.js';
import { dropPostgresFileDatabase, withTestKeyEncryptionKey, type TestEngine, TEST_ENGINES } from '../support/test-databases.js';
import { createSeededTestDatabase } from '../support/templates.js';
import { FORM, credentials, form } from '../support/test-app.js';

afterAll(async () => {
  await dropPostgresFileDatabase();
});

describe('redactUrl, redactText, sensitiveName', () => {
  it('replaces the values of secret parameters and leaves the rest as it was', () => {
    expect(redactUrl('/contoso/oauth2/v2.0/token?client_secret=xyz&code=abc&state=s1')).toBe(
      `/contoso/oauth2/v2.0/token?client_secret=${REDACTED}&code=${REDACTED}&state=s1`,
    );
    expect(redactUrl('/v1.0/x?$top=5&$skiptoken=t0&sig=s%2B1&SV=2024')).toBe(`/v1.0/x?$top=5&$skiptoken=${REDACTED}&sig=${REDACTED}&SV=2024`);
    // Spelled with escapes or in capitals, still a secret; a parameter without a value has nothing to hide.
    expect(redactUrl('/t?client%5Fsecret=1&Refresh_Token=2&id_token_hint=3&password&x=4')).toBe(
      `/t?client%5Fsecret=${REDACTED}&Refresh_Token=${REDACTED}&id_token_hint=${REDACTED}&password&x=4`,
    );
    expect(redactUrl('/health')).toBe('/health');
    expect(redactUrl('/a?b=1#code=2')).toBe('/a?b=1#code=2');
    expect(redactUrl('https://h/cb?code=c1#frag')).toBe(`https://h/cb?code=${REDACTED}#frag`);
  });

  it('finds name=value pairs in free text and knows which names are secret', () => {
    expect(redactText('Route GET:/t/oauth2/token?client_secret=xyz&scope=a not found')).toBe(
      `Route GET:/t/oauth2/token?client_secret=${REDACTED}&scope=a not found`,
    );
    expect(redactText('{"msg":"failed: https://x/y?client_assertion=eyJ.a.b"}')).toBe(`{"msg":"failed: https://x/y?client_assertion=${REDACTED}"}`);
    expect(redactText('no pairs here')).toBe('no pairs here');
    for (const name of ['client_secret', 'client_assertion', 'code', 'refresh_token', 'access_token', 'password', 'assertion', 'id_token_hint', 'sig', 'code_verifier', 'x-api-key']) {
      expect(sensitiveName(name), name).toBe(true);
    }
    for (const name of ['state', 'scope', 'client_id', 'grant_type', '$filter', '$top', 'redirect_uri', 'login_hint']) {
      expect(sensitiveName(name), name).toBe(false);
    }
  });
});

async function loggingApp(engine: TestEngine) {
  const {
    tdb,
    tenants: [contoso],
  } = await createSeededTestDatabase(engine, ['contoso.onmicrosoft.com']);
  const config = loadConfig(withTestKeyEncryptionKey({ TARMAC_DATA_DIR: tdb.settings.dataDir, ...(tdb.settings.databaseUrl ? { TARMAC_DATABASE_URL: tdb.settings.databaseUrl } : {}) }));
  let written = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  const app = await buildApp({ db: tdb.db, config, logger: { ...loggerOptions(config), stream }, importWorker: false, schemaController: sharedSchemaController });
  return {
    app,
    contoso: contoso!,
    log: () => written,
    async cleanup() {
      await app.close();
      await tdb.cleanup();
    },
  };
}

describe.each(TEST_ENGINES)('request logs at info level (%s)', (engine) => {
  it('carry no secret from the URL, the headers or a logged object; the redaction marker shows where', async () => {
    const t = await loggingApp(engine);
    try {
      const secrets = { query: 'q-secret-1', code: 'c-code-2', bearer: 'b-token-3', cookie: 'k-cookie-4', refresh: 'r-token-5', sig: 's-sig-6' };
      const headers = { authorization: `Bearer ${secrets.bearer}`, cookie: `session=${secrets.cookie}` };
      for (const path of ['/contoso.onmicrosoft.com/oauth2/v2.0/token', '/contoso.onmicrosoft.com/oauth2/token']) {
        const res = await t.app.inject({
          method: 'POST',
          url: `${path}?client_secret=${secrets.query}&code=${secrets.code}&state=keep-1`,
          headers: { ...FORM, ...headers },
          payload: form(credentials(t.contoso)),
        });
        expect(res.statusCode).toBeLessThan(500);
      }
      await t.app.inject({ method: 'GET', url: `/v1.0/deviceManagement/windowsAutopilotDeviceIdentities?$top=1&refresh_token=${secrets.refresh}`, headers });
      await t.app.inject({ method: 'GET', url: `/no/such/path?sig=${secrets.sig}&client_secret=${secrets.query}` });
      await t.app.inject({ method: 'GET', url: `/?code=${secrets.code}&state=keep-2` });
      // What other code might log: an object with headers, an error quoting a URL and carrying headers, a body.
      t.app.log.info({ headers: { ...headers, accept: 'application/json' } }, 'outbound call');
      const err = Object.assign(new Error(`POST https://login.example/t/token?client_secret=${secrets.query} failed`), { headers });
      t.app.log.error({ err, body: { client_id: 'keep-3', client_secret: secrets.query } }, `gave up on https://x/cb?code=${secrets.code}`);

      const log = t.log();
      expect(log).toContain('incoming request');
      for (const [what, value] of Object.entries(secrets)) expect(log, `${what} leaked`).not.toContain(value);
      expect(log).toContain(`client_secret=${REDACTED}&code=${REDACTED}&state=keep-1`);
      expect(log).toContain('/contoso.onmicrosoft.com/oauth2/token?');
      expect(log).toContain(`refresh_token=${REDACTED}`);
      expect(log).toContain(`"authorization":"${REDACTED}"`);
      expect(log).toContain(`"client_secret":"${REDACTED}"`);
      // Not over-eager: what is not a secret stays readable.
      for (const kept of ['state=keep-2', 'keep-3', '"accept":"application/json"', '$top=1']) expect(log).toContain(kept);
    } finally {
      await t.cleanup();
    }
  });
});
