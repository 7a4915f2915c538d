// The app's frame: Graph's error envelope for unknown routes and for failures (5xx details hidden), correlation
// headers on every response, health, and the API description.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, tokenFor, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.cleanup();
});

describe('errors and headers', () => {
  it('answers an unknown route with 404 in Graph’s envelope', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1.0/deviceManagement/nothingHere?$top=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({
      error: {
        code: 'ResourceNotFound',
        message: 'Tarmac has no endpoint for GET /v1.0/deviceManagement/nothingHere. The API reference is at /docs.',
        innerError: { date: expect.any(String), 'request-id': res.headers['request-id'], 'client-request-id': res.headers['request-id'] },
      },
    });
  });

  it('puts request-id on every response and echoes client-request-id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health', headers: { 'client-request-id': 'abc-123' } });
    expect(res.headers['request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(res.headers['client-request-id']).toBe('abc-123');
    const other = await t.app.inject({ method: 'GET', url: '/health' });
    expect(other.headers['request-id']).not.toBe(res.headers['request-id']);
  });

  it('does not trust a request-id sent by the client', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health', headers: { 'request-id': 'chosen-by-client' } });
    expect(res.headers['request-id']).not.toBe('chosen-by-client');
  });
});

describe('health and API description', () => {
  it('GET /health checks the database', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', version: expect.any(String), database: 'sqlite' });
  });

  it('serves the OpenAPI document at /openapi.json, with the token endpoint, Graph routes and bearer auth', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { security?: unknown; requestBody?: { content: Record<string, unknown> } }>>; components: { securitySchemes: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/{tenant}/oauth2/v2.0/token', '/{tenant}/v2.0/.well-known/openid-configuration', '/{tenant}/discovery/v2.0/keys', '/v1.0/organization']),
    );
    expect(Object.keys(doc.paths)).not.toContain('/openapi.json');
    expect(Object.keys(doc.paths['/{tenant}/oauth2/v2.0/token']?.post?.requestBody?.content ?? {})).toEqual(['application/x-www-form-urlencoded']);
    expect(doc.paths['/v1.0/organization']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it('serves the API docs (Swagger UI) at /docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('swagger-ui');
  });
});

describe('failures', () => {
  it('hides the details of a 5xx: Graph envelope, generalException, request-id to quote', async () => {
    const broken = await createTestApp();
    const token = await tokenFor(broken);
    await broken.db.destroy();
    try {
      const res = await broken.app.inject({ method: 'GET', url: '/v1.0/organization', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(500);
      const body = res.json() as { error: { code: string; message: string } };
      expect(body.error.code).toBe('generalException');
      expect(body.error.message).toContain(res.headers['request-id']);
      expect(body.error.message).not.toMatch(/destroy|kysely|sqlite|driver/i);
      const health = await broken.app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ status: 'unavailable' });
    } finally {
      await broken.app.close();
      await broken.cleanup().catch(() => undefined);
    }
  });
});
