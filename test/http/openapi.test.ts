// /openapi.json documents the response of every Graph and device-side route: a 200/201 schema for each one that
// answers with a body, 204 without content for the others, errors in Graph's envelope (the device side's own), and
// schemas that never promise less than a response may carry (every object allows additional properties).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

interface Operation {
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Record<string, unknown> }> }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

/** GET/POST/PATCH operations that answer 204 without a body (actions, updates, $ref); DELETEs always do. */
const NO_BODY = new Set([
  ...['v1.0', 'beta'].flatMap((v) => [
    `POST /${v}/deviceManagement/windowsAutopilotDeviceIdentities/{id}/updateDeviceProperties`,
    `POST /${v}/deviceManagement/windowsAutopilotDeviceIdentities/{id}/assignUserToDevice`,
    `POST /${v}/deviceManagement/windowsAutopilotDeviceIdentities/{id}/unassignUserFromDevice`,
    `PATCH /${v}/devices/{id}`,
    `PATCH /${v}/groups/{id}`,
    `POST /${v}/groups/{id}/members/$ref`,
  ]),
  'POST /beta/deviceManagement/windowsAutopilotDeviceIdentities/{id}/allowNextEnrollment',
  'POST /beta/deviceManagement/windowsAutopilotSettings/sync',
  'PATCH /beta/deviceManagement/windowsAutopilotDeploymentProfiles/{id}',
]);

/** Where the body of some responses is described: the component a 200/201 schema references. */
const ENTITY_COMPONENTS: Record<string, string> = {
  'GET /v1.0/deviceManagement/windowsAutopilotDeviceIdentities': 'microsoft.graph.windowsAutopilotDeviceIdentity',
  'GET /beta/deviceManagement/windowsAutopilotDeviceIdentities/{id}': 'microsoft.graph.windowsAutopilotDeviceIdentity',
  'GET /v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities': 'microsoft.graph.importedWindowsAutopilotDeviceIdentity',
  'POST /v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities': 'microsoft.graph.importedWindowsAutopilotDeviceIdentity',
  'POST /beta/deviceManagement/importedWindowsAutopilotDeviceIdentities/import': 'microsoft.graph.importedWindowsAutopilotDeviceIdentity',
  'GET /beta/deviceManagement/windowsAutopilotSettings': 'microsoft.graph.windowsAutopilotSettings',
  'GET /v1.0/devices/{id}': 'microsoft.graph.device',
  'POST /beta/devices': 'microsoft.graph.device',
  'GET /v1.0/groups': 'microsoft.graph.group',
  'GET /beta/groups/{id}/members': 'microsoft.graph.device',
  'GET /v1.0/deviceManagement/managedDevices/{id}': 'microsoft.graph.managedDevice',
  'GET /beta/deviceManagement/windowsAutopilotDeploymentProfiles': 'microsoft.graph.windowsAutopilotDeploymentProfile',
  'POST /beta/deviceManagement/windowsAutopilotDeploymentProfiles': 'microsoft.graph.windowsAutopilotDeploymentProfile',
  'GET /beta/deviceManagement/windowsAutopilotDeploymentProfiles/{id}/assignments': 'microsoft.graph.windowsAutopilotDeploymentProfileAssignment',
  'POST /beta/deviceManagement/windowsAutopilotDeploymentProfiles/{id}/assignments': 'microsoft.graph.windowsAutopilotDeploymentProfileAssignment',
  'GET /beta/deviceManagement/windowsAutopilotDeploymentProfiles/{id}/assignedDevices': 'microsoft.graph.windowsAutopilotDeviceIdentity',
  'GET /beta/deviceManagement/windowsAutopilotDeploymentProfiles/{id}/autopilotConfigurationFile': 'tarmac.autopilotConfigurationFile',
  'POST /beta/deviceManagement/windowsAutopilotDeviceIdentities/{id}/offboard': 'tarmac.offboardReport',
  'GET /v1.0/organization/{id}': 'microsoft.graph.organization',
  'POST /oobe/v1/profile': 'tarmac.autopilotConfigurationFile',
  'POST /oobe/v1/enroll': 'tarmac.hardwareChange',
};

function refsIn(schema: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) refsIn(item, out);
  else if (typeof schema === 'object' && schema !== null) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string') out.add(value.replace('#/components/schemas/', ''));
      else refsIn(value, out);
    }
  }
  return out;
}

/** Every object schema (one with properties) that does not allow additional properties, by JSON pointer. */
function closedObjects(schema: unknown, at: string, out: string[] = []): string[] {
  if (Array.isArray(schema)) schema.forEach((item, i) => closedObjects(item, `${at}/${i}`, out));
  else if (typeof schema === 'object' && schema !== null) {
    const record = schema as Record<string, unknown>;
    if (record.type === 'object' && record.properties !== undefined && record.additionalProperties !== true) out.push(at);
    for (const [key, value] of Object.entries(record)) closedObjects(value, `${at}/${key}`, out);
  }
  return out;
}

let t: TestApp;
let doc: OpenApiDoc;
let operations: { name: string; path: string; method: string; op: Operation }[];

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json() as OpenApiDoc;
  operations = Object.entries(doc.paths)
    .filter(([path]) => /^\/(v1\.0|beta|oobe\/v1)\//.test(path))
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, method: method.toUpperCase(), op })));
});
afterAll(async () => {
  await t.cleanup();
});

describe('/openapi.json: response schemas', () => {
  it('lists the Graph and device-side routes', () => {
    expect(operations.length).toBeGreaterThan(80);
    expect(operations.map((o) => o.name)).toEqual(expect.arrayContaining([...NO_BODY, ...Object.keys(ENTITY_COMPONENTS)]));
  });

  it('gives every GET/POST/PATCH route that answers with a body a 200/201 response schema, and the others a bodiless 204', () => {
    const problems: string[] = [];
    for (const { name, method, op } of operations) {
      const responses = op.responses ?? {};
      const success = Object.keys(responses).filter((status) => status.startsWith('2'));
      if (success.length !== 1) {
        problems.push(`${name}: success responses ${JSON.stringify(success)}`);
        continue;
      }
      const [status] = success;
      const response = responses[status];
      if (method === 'DELETE' || NO_BODY.has(name)) {
        if (status !== '204' || response.content !== undefined) problems.push(`${name}: expected a 204 without content, got ${status}`);
        continue;
      }
      if (status !== '200' && status !== '201') problems.push(`${name}: ${status} instead of 200/201`);
      const content = response.content ?? {};
      const schema = content['application/json']?.schema ?? content['text/plain']?.schema;
      if (!schema || Object.keys(schema).length === 0) problems.push(`${name}: no response schema for ${status}`);
      if (response.description === undefined || response.description === 'Default Response') problems.push(`${name}: ${status} has no description`);
    }
    expect(problems).toEqual([]);
  });

  it('documents the entity each representative route returns by its component', () => {
    for (const [name, component] of Object.entries(ENTITY_COMPONENTS)) {
      const op = operations.find((o) => o.name === name)?.op;
      const [status] = Object.keys(op?.responses ?? {}).filter((s) => s === '200' || s === '201');
      expect(refsIn(op?.responses?.[status]), name).toContain(component);
      expect(doc.components.schemas[component], component).toBeDefined();
    }
  });

  it('documents errors in Graph’s envelope (the device side’s own), with 401/403 on every authenticated route', () => {
    const problems: string[] = [];
    for (const { name, path, op } of operations) {
      const device = path.startsWith('/oobe/');
      const errors = Object.entries(op.responses ?? {}).filter(([status]) => /^[45]/.test(status));
      if (!device && !errors.some(([status]) => status === '401')) problems.push(`${name}: no 401`);
      if (!device && !path.endsWith('/$batch') && !errors.some(([status]) => status === '403')) problems.push(`${name}: no 403`);
      for (const [status, response] of errors) {
        const refs = refsIn(response.content?.['application/json']?.schema);
        const expected = device ? 'tarmac.oobeError' : 'microsoft.graph.ODataErrors.ODataError';
        if (!refs.has(expected)) problems.push(`${name}: ${status} is not ${expected}`);
      }
    }
    expect(problems).toEqual([]);
    expect(doc.components.schemas['microsoft.graph.ODataErrors.ODataError']).toMatchObject({
      properties: { error: { properties: { code: { type: 'string' }, message: { type: 'string' }, innerError: { type: 'object' } } } },
    });
  });

  it('never closes an object: every object schema allows additional properties ($select, $expand, new Graph properties)', () => {
    const closed = [
      ...Object.entries(doc.components.schemas).flatMap(([name, schema]) => closedObjects(schema, `#/components/schemas/${name}`)),
      ...operations.flatMap(({ name, op }) =>
        Object.entries(op.responses ?? {}).flatMap(([status, response]) => closedObjects(response.content, `${name} ${status}`)),
      ),
    ];
    expect(closed).toEqual([]);
  });

  it('marks what can be null as nullable, in OpenAPI 3.0 form', () => {
    const device = doc.components.schemas['microsoft.graph.device'] as { properties: Record<string, Record<string, unknown>> };
    expect(device.properties.trustType).toMatchObject({ type: 'string', nullable: true });
    expect(device.properties.accountEnabled).toEqual({ type: 'boolean' });
    const autopilot = doc.components.schemas['microsoft.graph.windowsAutopilotDeviceIdentity'] as { properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(autopilot.properties.deviceAccountPassword).toMatchObject({ type: 'string', nullable: true });
    expect(JSON.stringify(autopilot.properties.deploymentProfile)).toContain('"nullable":true');
    expect(autopilot.properties.enrollmentState).toMatchObject({ type: 'string', enum: expect.arrayContaining(['enrolled', 'blocked']) });
    expect(autopilot.required).toEqual(['@odata.type', 'id']);
  });
});
