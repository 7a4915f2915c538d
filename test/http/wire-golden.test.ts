// The wire guard: /openapi.json byte for byte, and a scripted scenario of requests through inject() covering every
// route family (identity, Graph registry/profiles/directory/Intune, $batch, /oobe/v1, error envelopes), each
// response's status, headers and body compared with test/http/golden/. A refactoring that changes any byte a client
// sees fails here. `UPDATE_GOLDEN=1 npx vitest run test/http/wire-golden.test.ts` rewrites the golden files (only do
// that for a change that is meant to show on the wire).
//
// Deterministic by construction: one SQLite app, requests one at a time in a fixed order, no import worker (imports
// are settled in between by the worker's own function), and node:crypto's randomUUID/randomInt and newObjectId replaced by counters,
// so ids (and the id order lists use) are the same on every run. What still varies is normalised: GUIDs become
// <guid-N> in order of first appearance, timestamps <time>, JWTs <jwt>, signing-key material <key>, and the seconds
// left of real-time windows (rate limits) <n>.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { processImportBatch, completeSyncs } from '../../src/registry/index.js';
import type { CreatedTenant } from '../../src/tenants/index.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { syntheticHash } from '../support/registry-fixture.js';
import { syntheticInventory } from '../../src/hash/index.js';
import { newBoardOverrides } from '../support/device-side.js';
import { AD_PROFILE, AZURE_AD_PROFILE, BETA_DEVICES, BETA_MANAGED, DEVICES, IMPORTS, MANAGED, PROFILES, SETTINGS } from '../support/graph-paths.js';

// One counter for random GUIDs and the time-ordered ids of src/model/new-object-id.ts, so ids keep the order they
// were made in, whichever of the two made them (one format: the golden files do not say which made an id).
const ids = vi.hoisted(() => ({ made: 0 }));
vi.mock('../../src/model/new-object-id.js', () => ({
  newObjectId: () => `5eed0000-0000-4000-8000-${(++ids.made).toString(16).padStart(12, '0')}`,
}));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  let ints = 0;
  return {
    ...actual,
    randomUUID: () => `5eed0000-0000-4000-8000-${(++ids.made).toString(16).padStart(12, '0')}`,
    randomInt: (a: number, b?: number) => {
      const [min, max] = b === undefined ? [0, a] : [a, b];
      return min + (ints++ % (max - min));
    },
  };
});

afterAll(dropPostgresFileDatabase);

const GOLDEN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const WIRE_GOLDEN = path.join(GOLDEN_DIR, 'wire.json');
const OPENAPI_GOLDEN = path.join(GOLDEN_DIR, 'openapi.json');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** GUIDs that are constants of the API, kept as they are. */
const CONSTANT_GUIDS = new Set([
  '00000000-0000-0000-0000-000000000000',
  'adadadad-808e-44e2-905a-0b7873a8a531',
  '0000000a-0000-0000-c000-000000000000',
  '00000003-0000-0000-c000-000000000000',
]);
/** Response headers that say when or how, not what. */
const SKIPPED_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
/** Headers every response carries alike (helmet's): recorded on the first entry, then only where they differ. */
const COMMON_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

interface WireEntry {
  step: string;
  request: string;
  status: number;
  headers: Record<string, string>;
  /** The body when it is compact JSON (JSON.stringify of this is the body, byte for byte); otherwise `text`. */
  json?: unknown;
  text?: string;
}

interface SendOptions {
  who?: CreatedTenant | null;
  body?: unknown;
  /** Sent as-is (with its own content-type in `headers`). */
  raw?: string;
  form?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  /** The response counts real-time seconds (a rate-limit window): normalise those numbers. */
  realTimeWindow?: boolean;
}

interface Sent {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Record<string, unknown>;
}

class WireRecorder {
  readonly entries: WireEntry[] = [];
  readonly #guids = new Map<string, string>();
  readonly #labels = new Map<string, string>();
  #commonHeaders: Record<string, string> | undefined;

  constructor(private readonly f: GraphFixture) {}

  /** Writes `text` as `<label>` wherever it appears (long values such as hardware hashes). */
  label(text: string, label: string): void {
    this.#labels.set(text, `<${label}>`);
  }

  normalise(text: string, realTimeWindow = false): string {
    let out = text;
    for (const [value, label] of this.#labels) out = out.split(value).join(label);
    out = out.replace(/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, '<jwt>');
    out = out.replace(/"(n|kid|x5t|x5c)":"[^"]*"/g, '"$1":"<key>"');
    out = out.replace(/"(expires_on|not_before)":"\d+"/g, '"$1":"<epoch>"');
    out = out.replace(/\b(\d{4})-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?Z?/g, (match, year: string) => (year === '0001' ? match : '<time>'));
    out = out.replace(/(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])/gi, (match) => {
      const guid = match.toLowerCase();
      if (CONSTANT_GUIDS.has(guid)) return match;
      let name = this.#guids.get(guid);
      if (!name) {
        name = `<guid-${this.#guids.size + 1}>`;
        this.#guids.set(guid, name);
      }
      return name;
    });
    if (realTimeWindow) out = out.replace(/\b(Retry (?:in|after)) \d+ s\b/g, '$1 <n> s');
    return out;
  }

  async send(step: string, method: string, url: string, options: SendOptions = {}): Promise<Sent> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.who) headers.authorization = `Bearer ${await this.f.token(options.who)}`;
    let payload: string | undefined;
    if (options.raw !== undefined) {
      payload = options.raw;
    } else if (options.form !== undefined) {
      const form = new URLSearchParams();
      for (const [name, value] of Object.entries(options.form)) for (const v of [value].flat()) form.append(name, v);
      payload = form.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await this.f.app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
    this.record(step, `${method} ${url}${options.who ? ` as ${options.who.app.displayName} (${options.who.tenant.domains[0]?.name})` : ''}`, res, options.realTimeWindow ?? false);
    let body: unknown;
    try {
      body = res.body === '' ? undefined : JSON.parse(res.body);
    } catch {
      body = res.body;
    }
    return { status: res.statusCode, body, headers: res.headers };
  }

  private record(step: string, request: string, res: { statusCode: number; headers: Record<string, unknown>; body: string }, realTimeWindow: boolean): void {
    const headers: Record<string, string> = {};
    const common: Record<string, string> = {};
    for (const name of COMMON_HEADERS) if (res.headers[name] !== undefined) common[name] = [res.headers[name]].flat().join(', ');
    this.#commonHeaders ??= common;
    for (const name of new Set([...Object.keys(res.headers), ...Object.keys(this.#commonHeaders)].sort())) {
      if (SKIPPED_HEADERS.has(name)) continue;
      if (name in this.#commonHeaders && this.#commonHeaders !== common) {
        if (common[name] !== this.#commonHeaders[name]) headers[name] = common[name] ?? '<absent>';
        continue;
      }
      let value = this.normalise([res.headers[name]].flat().join(', '), realTimeWindow);
      // Seconds left in a rate-limit window run on the real clock.
      if (name === 'x-ratelimit-reset' || (realTimeWindow && (name === 'retry-after' || name === 'content-length'))) value = '<n>';
      headers[name] = value;
    }
    const text = this.normalise(res.body, realTimeWindow);
    const entry: WireEntry = { step, request: this.normalise(request), status: res.statusCode, headers };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (json !== undefined && JSON.stringify(json) === text) entry.json = json;
    else entry.text = text;
    this.entries.push(entry);
  }
}

/** Registers what is waiting in the import queue, as the worker would, then completes finished syncs. */
async function settleImports(f: GraphFixture): Promise<void> {
  const now = () => new Date(Date.now() + f.clock.offsetMs);
  const store = f.app.registry.store;
  for (;;) {
    const result = await processImportBatch(store, { owner: 'wire-golden', batchSize: 500, leaseMs: 30_000, maxAttempts: 5, now });
    if (result.settled === 0) break;
  }
  await completeSyncs(store, now());
}

function compareWithGolden(file: string, actual: string): void {
  if (UPDATE) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`${path.relative(process.cwd(), file)} is missing: run with UPDATE_GOLDEN=1 on the code whose wire output it records.`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('wire output (golden)', () => {
  let f: GraphFixture;
  beforeAll(async () => {
    f = await graphFixture('sqlite', { importWorker: false, env: { TARMAC_GRAPH_RATE_LIMIT: '200', TARMAC_OOBE_RATE_LIMIT: '30' } });
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  it('/openapi.json is byte-identical', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    compareWithGolden(OPENAPI_GOLDEN, res.body);
  });

  it('a scripted scenario across every route family answers byte-identically', async () => {
    const w = new WireRecorder(f);
    const { contoso, fabrikam } = f;
    const contosoId = contoso.tenant.id;

    // Hardware: synthetic hashes only, written as <hash:…> in the golden file.
    const hash = (name: string, seed: number, overrides = {}) => {
      const h = syntheticHash(seed, overrides);
      w.label(h, `hash:${name}`);
      return h;
    };
    const salesHash = hash('sales', 9001);
    const salesRecaptured = hash('sales-recaptured', 9001, { build: { capturedAt: '2030-01-01T00:00:00Z' } });
    const plainHash = hash('plain', 9002);
    const plainRecaptured = hash('plain-recaptured', 9002, { build: { capturedAt: '2031-01-01T00:00:00Z' } });
    const brokenBytes = Buffer.from(syntheticHash(9003), 'base64');
    brokenBytes[200] ^= 1;
    const brokenHash = brokenBytes.toString('base64');
    w.label(brokenHash, 'hash:broken');
    const noIdentityHash = hash('no-identity', 9004, { system: { serialNumber: 'Default string' }, productKey: { productKeyId: null, partNumber: null } });
    const opsHash = hash('ops', 9005);
    const offboardHash = hash('offboard', 9006);
    const pendingHash = hash('pending', 9007);
    const byodHash = hash('byod', 9008);
    const strangerHash = hash('stranger', 9009);
    const swappedSales = hash('sales-new-board', 9001, newBoardOverrides(9001));
    const salesSerial = syntheticInventory(9001).system.serialNumber ?? '';
    const plainSerial = syntheticInventory(9002).system.serialNumber ?? '';
    for (const seed of [9001, 9002, 9005, 9006, 9007]) {
      const serial = syntheticInventory(seed).system.serialNumber ?? '';
      w.label(serial, `serial:${seed}`);
    }

    // ---- service and identity ----------------------------------------------------------------------------------
    await w.send('health', 'GET', '/health');
    await w.send('index', 'GET', '/');
    const creds = { grant_type: 'client_credentials', client_id: contoso.app.clientId, client_secret: contoso.clientSecret };
    await w.send('token v2.0 by domain', 'POST', '/contoso.onmicrosoft.com/oauth2/v2.0/token', { form: { ...creds, scope: 'https://graph.microsoft.com/.default' } });
    await w.send('token v1 by id with resource', 'POST', `/${contosoId}/oauth2/token`, { form: { ...creds, resource: 'https://graph.microsoft.com' } });
    await w.send('token: wrong secret', 'POST', '/contoso.onmicrosoft.com/oauth2/v2.0/token', {
      form: { ...creds, client_secret: 'not-the-secret', scope: 'https://graph.microsoft.com/.default' },
    });
    await w.send('token: no grant_type', 'POST', '/contoso.onmicrosoft.com/oauth2/v2.0/token', { form: { client_id: contoso.app.clientId } });
    await w.send('token: password grant', 'POST', '/contoso.onmicrosoft.com/oauth2/v2.0/token', { form: { ...creds, grant_type: 'password' } });
    await w.send('token: unknown tenant', 'POST', '/nowhere.example/oauth2/v2.0/token', { form: { ...creds, scope: 'https://graph.microsoft.com/.default' } });
    await w.send('token: other resource', 'POST', '/contoso.onmicrosoft.com/oauth2/v2.0/token', { form: { ...creds, scope: 'https://management.azure.com/.default' } });
    await w.send('token: grant_type twice (schema)', 'POST', '/contoso.onmicrosoft.com/oauth2/v2.0/token', {
      form: { ...creds, grant_type: ['client_credentials', 'client_credentials'], scope: 'https://graph.microsoft.com/.default' },
    });
    await w.send('token: JSON body', 'POST', '/contoso.onmicrosoft.com/oauth2/v2.0/token', { body: creds });
    await w.send('token: unparsable JSON', 'POST', '/contoso.onmicrosoft.com/oauth2/v2.0/token', { raw: '{', headers: { 'content-type': 'application/json' } });
    await w.send('discovery v2.0', 'GET', '/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration');
    await w.send('discovery v1 organizations', 'GET', '/organizations/.well-known/openid-configuration');
    await w.send('discovery: unknown tenant', 'GET', '/nowhere.example/v2.0/.well-known/openid-configuration');
    await w.send('jwks', 'GET', `/${contosoId}/discovery/v2.0/keys`);

    // ---- authentication, unknown routes, bodies -----------------------------------------------------------------
    await w.send('no token', 'GET', '/v1.0/organization');
    await w.send('malformed token', 'GET', '/v1.0/organization', { headers: { authorization: 'Bearer not-a-jwt' } });
    await w.send('organization', 'GET', '/v1.0/organization', { who: contoso });
    await w.send('organization by id (beta)', 'GET', `/beta/organization/${contosoId}`, { who: contoso });
    await w.send('organization: another tenant', 'GET', `/v1.0/organization/${fabrikam.tenant.id}`, { who: contoso });
    await w.send('unknown route', 'GET', '/v1.0/nothing-here', { who: contoso });
    await w.send('unknown method', 'PUT', '/v1.0/organization', { who: contoso, body: {} });
    await w.send('unparsable JSON', 'POST', PROFILES, { who: contoso, raw: '{"displayName":', headers: { 'content-type': 'application/json' } });
    await w.send('unsupported media type', 'POST', `${IMPORTS}/import`, { who: contoso, raw: 'hello', headers: { 'content-type': 'text/plain' } });
    const deviceReader = await f.appWithRoles(['Device.Read.All']);
    await w.send('missing role', 'POST', `${IMPORTS}/import`, { who: deviceReader, body: { importedWindowsAutopilotDeviceIdentities: [] } });

    // ---- imports: 806 / 808 / 899 / 802 / 803 -------------------------------------------------------------------
    const created = await w.send('import: create one', 'POST', IMPORTS, {
      who: contoso,
      body: {
        '@odata.type': '#microsoft.graph.importedWindowsAutopilotDeviceIdentity',
        groupTag: 'Sales',
        serialNumber: salesSerial,
        productKey: '',
        hardwareIdentifier: salesHash,
        assignedUserPrincipalName: '',
        state: { '@odata.type': 'microsoft.graph.importedWindowsAutopilotDeviceIdentityState', deviceImportStatus: 'pending', deviceRegistrationId: '', deviceErrorCode: 0, deviceErrorName: '' },
      },
    });
    await settleImports(f);
    const salesImport = await w.send('import: get settled', 'GET', `${IMPORTS}/${created.body.id}`, { who: contoso });
    const salesId = salesImport.body.state.deviceRegistrationId as string;
    await w.send('import action: 899 802 803 and two more', 'POST', `${IMPORTS}/import`, {
      who: contoso,
      body: {
        importedWindowsAutopilotDeviceIdentities: [
          { hardwareIdentifier: plainHash },
          { hardwareIdentifier: plainRecaptured },
          { hardwareIdentifier: brokenHash, serialNumber: 'BROKEN' },
          { hardwareIdentifier: noIdentityHash },
          { hardwareIdentifier: opsHash, groupTag: 'Ops' },
          { hardwareIdentifier: offboardHash, assignedUserPrincipalName: 'fay@contoso.com' },
        ],
      },
    });
    await settleImports(f);
    const imports = await w.send('imports: list with count', 'GET', `${IMPORTS}?$count=true`, { who: contoso });
    const importState = (hardware: string) => (imports.body.value as { hardwareIdentifier: string; state: { deviceRegistrationId: string } }[]).find((r) => r.hardwareIdentifier === hardware)?.state.deviceRegistrationId ?? '';
    const plainId = importState(plainHash);
    const opsId = importState(opsHash);
    const offboardId = importState(offboardHash);
    await w.send('imports: $top and $select', 'GET', `${IMPORTS}?$top=2&$select=serialNumber,state`, { who: contoso });
    const foreign = await w.send('import: 808 from another tenant', 'POST', `${IMPORTS}/import`, { who: fabrikam, body: { importedWindowsAutopilotDeviceIdentities: [{ hardwareIdentifier: salesHash }] } });
    await settleImports(f);
    await w.send('import: 808 settled', 'GET', `${IMPORTS}/${foreign.body.value[0].id}`, { who: fabrikam });
    const again = await w.send('import: 806 same tenant', 'POST', `${IMPORTS}/import`, { who: contoso, body: { importedWindowsAutopilotDeviceIdentities: [{ hardwareIdentifier: salesRecaptured }] } });
    await settleImports(f);
    await w.send('import: 806 settled', 'GET', `${IMPORTS}/${again.body.value[0].id}`, { who: contoso });
    await w.send('import: not base64', 'POST', `${IMPORTS}/import`, {
      who: contoso,
      body: { importedWindowsAutopilotDeviceIdentities: [{ hardwareIdentifier: plainHash }, { hardwareIdentifier: '%%%' }] },
    });
    await w.send('import: wrong type (schema)', 'POST', `${IMPORTS}/import`, { who: contoso, body: { importedWindowsAutopilotDeviceIdentities: [{ groupTag: { tag: 'x' } }] } });
    await w.send('import: delete', 'DELETE', `${IMPORTS}/${again.body.value[0].id}`, { who: contoso });
    await w.send('import: deleted is 404', 'GET', `${IMPORTS}/${again.body.value[0].id}`, { who: contoso });

    // ---- Autopilot devices ---------------------------------------------------------------------------------------
    const page1 = await w.send('devices: $top $count', 'GET', `${DEVICES}?$top=2&$count=true`, { who: contoso });
    await w.send('devices: nextLink', 'GET', String(page1.body['@odata.nextLink']).replace(/^https?:\/\/[^/]+/, ''), { who: contoso });
    await w.send('devices: $filter $select', 'GET', `${DEVICES}?$filter=groupTag eq 'Sales'&$select=serialNumber,groupTag`, { who: contoso });
    await w.send('devices: $orderby desc', 'GET', `${DEVICES}?$orderby=serialNumber desc&$select=serialNumber`, { who: contoso });
    await w.send('devices: contains', 'GET', `${DEVICES}?$filter=${encodeURIComponent(`contains(serialNumber,'${salesSerial.slice(2, 7).toLowerCase()}')`)}`, { who: contoso });
    await w.send('devices: unknown property', 'GET', `${DEVICES}?$filter=serialNumbr eq 'x'`, { who: contoso });
    await w.send('devices: syntax error with position', 'GET', `${DEVICES}?$filter=${encodeURIComponent("groupTag eq 'Sales' and")}`, { who: contoso });
    await w.send('devices: $top too large', 'GET', `${DEVICES}?$top=100000`, { who: contoso });
    await w.send('device: get v1.0', 'GET', `${DEVICES}/${salesId}`, { who: contoso });
    await w.send('device: get beta', 'GET', `${BETA_DEVICES}/${salesId}`, { who: contoso });
    await w.send('device: another tenant is 404', 'GET', `${DEVICES}/${salesId}`, { who: fabrikam });
    await w.send('device: updateDeviceProperties', 'POST', `${DEVICES}/${salesId}/updateDeviceProperties`, { who: contoso, body: { displayName: 'LAB-01' } });
    await w.send('device: assignUserToDevice', 'POST', `${DEVICES}/${plainId}/assignUserToDevice`, { who: contoso, body: { userPrincipalName: 'ada@contoso.com', addressableUserName: 'Ada' } });
    await w.send('device: assignUserToDevice bad upn', 'POST', `${DEVICES}/${plainId}/assignUserToDevice`, { who: contoso, body: { userPrincipalName: 'not a upn' } });
    await w.send('device: assignUserToDevice no upn', 'POST', `${DEVICES}/${plainId}/assignUserToDevice`, { who: contoso, body: {} });
    await w.send('device: delete refused while a user is assigned', 'DELETE', `${DEVICES}/${plainId}`, { who: contoso });
    await w.send('device: unassignUserFromDevice', 'POST', `${DEVICES}/${plainId}/unassignUserFromDevice`, { who: contoso });
    await w.send('device: allowNextEnrollment (beta)', 'POST', `${BETA_DEVICES}/${plainId}/allowNextEnrollment`, { who: contoso });
    await w.send('device: allowNextEnrollment is beta only', 'POST', `${DEVICES}/${plainId}/allowNextEnrollment`, { who: contoso });
    await w.send('devices: deleteDevices', 'POST', `${BETA_DEVICES}/deleteDevices`, { who: contoso, body: { serialNumbers: [plainSerial, 'NO-SUCH'] } });

    // ---- settings and sync: 409 while imports are pending, 429 within the interval --------------------------------
    await w.send('settings: before any sync', 'GET', SETTINGS, { who: contoso });
    await w.send('import: left pending', 'POST', `${IMPORTS}/import`, { who: contoso, body: { importedWindowsAutopilotDeviceIdentities: [{ hardwareIdentifier: pendingHash }] } });
    await w.send('sync: starts', 'POST', `${SETTINGS}/sync`, { who: contoso });
    await w.send('settings: in progress', 'GET', SETTINGS, { who: contoso });
    await w.send('sync: 409 while in progress', 'POST', `${SETTINGS}/sync`, { who: contoso });
    await settleImports(f);
    await w.send('settings: completed', 'GET', SETTINGS, { who: contoso });
    const tooSoon = await w.send('sync: 429 within the interval', 'POST', `${SETTINGS}/sync`, { who: contoso, realTimeWindow: true });
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(590);
    f.clock.offsetMs = 601_000;
    await w.send('sync: again after the interval', 'POST', `${SETTINGS}/sync`, { who: contoso });
    await w.send('sync: not in v1.0', 'POST', '/v1.0/deviceManagement/windowsAutopilotSettings/sync', { who: contoso });

    // ---- groups (for assignments), deployment profiles -----------------------------------------------------------
    const pilot = await w.send('group: create static', 'POST', '/v1.0/groups', { who: contoso, body: { displayName: 'Pilot', mailNickname: 'pilot', mailEnabled: false, securityEnabled: true } });
    const sales = await w.send('group: create dynamic', 'POST', '/v1.0/groups', {
      who: contoso,
      body: {
        displayName: 'Sales devices',
        mailNickname: 'sales-devices',
        mailEnabled: false,
        securityEnabled: true,
        groupTypes: ['DynamicMembership'],
        membershipRule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))',
        membershipRuleProcessingState: 'On',
      },
    });
    await w.send('group: bad rule', 'POST', '/v1.0/groups', {
      who: contoso,
      body: { displayName: 'x', mailNickname: 'x', mailEnabled: false, securityEnabled: true, groupTypes: ['DynamicMembership'], membershipRule: 'device.displayName -eq' },
    });
    const p1 = await w.send('profile: create (Entra join)', 'POST', PROFILES, {
      who: contoso,
      body: {
        '@odata.type': AZURE_AD_PROFILE,
        displayName: 'Sales laptops',
        description: 'For the sales team',
        deviceNameTemplate: 'SL-%SERIAL%',
        outOfBoxExperienceSetting: { privacySettingsHidden: true, eulaHidden: true, userType: 'standard', deviceUsageType: 'singleUser', keyboardSelectionPageSkipped: true, escapeLinkHidden: true },
      },
    });
    const p2 = await w.send('profile: create (hybrid join)', 'POST', PROFILES, { who: contoso, body: { '@odata.type': AD_PROFILE, displayName: 'Hybrid', hybridAzureADJoinSkipConnectivityCheck: true } });
    await w.send('profile: unknown @odata.type', 'POST', PROFILES, { who: contoso, body: { '@odata.type': '#microsoft.graph.windowsAutopilotDeploymentProfile', displayName: 'x' } });
    await w.send('profile: no @odata.type', 'POST', PROFILES, { who: contoso, body: { displayName: 'x' } });
    await w.send('profile: displayName too long (schema)', 'POST', PROFILES, { who: contoso, body: { '@odata.type': AZURE_AD_PROFILE, displayName: 'x'.repeat(201) } });
    await w.send('profile: bad name template', 'POST', PROFILES, { who: contoso, body: { '@odata.type': AZURE_AD_PROFILE, displayName: 'x', deviceNameTemplate: 'WAY-TOO-LONG-A-NAME' } });
    await w.send('profiles: $orderby $count $select', 'GET', `${PROFILES}?$orderby=displayName&$count=true&$select=displayName`, { who: contoso });
    await w.send('profiles: $filter', 'GET', `${PROFILES}?$filter=displayName eq 'Hybrid'`, { who: contoso });
    await w.send('profile: get', 'GET', `${PROFILES}/${p1.body.id}`, { who: contoso });
    await w.send('profile: another tenant is 404', 'GET', `${PROFILES}/${p1.body.id}`, { who: fabrikam });
    await w.send('profile: patch', 'PATCH', `${PROFILES}/${p1.body.id}`, { who: contoso, body: { description: 'Updated' } });
    await w.send('profile: patch cannot change type', 'PATCH', `${PROFILES}/${p1.body.id}`, { who: contoso, body: { '@odata.type': AD_PROFILE } });
    const groupTarget = (groupId: string) => ({ target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId } });
    const assignment = await w.send('assignment: to the dynamic group', 'POST', `${PROFILES}/${p1.body.id}/assignments`, { who: contoso, body: groupTarget(sales.body.id) });
    await w.send('assignment: the same again is 409', 'POST', `${PROFILES}/${p1.body.id}/assignments`, { who: contoso, body: groupTarget(sales.body.id) });
    await w.send('assignment: unknown group', 'POST', `${PROFILES}/${p1.body.id}/assignments`, { who: contoso, body: groupTarget('6f1d1f5e-0000-4000-8000-000000000000') });
    await w.send('assignment: filters refused', 'POST', `${PROFILES}/${p1.body.id}/assignments`, {
      who: contoso,
      body: { target: { ...groupTarget(sales.body.id).target, deviceAndAppManagementAssignmentFilterId: '6f1d1f5e-0000-4000-8000-000000000001', deviceAndAppManagementAssignmentFilterType: 'include' } },
    });
    await w.send('assignment: unknown target type', 'POST', `${PROFILES}/${p2.body.id}/assignments`, { who: contoso, body: { target: { '@odata.type': '#microsoft.graph.userAssignmentTarget' } } });
    await w.send('assignments: list', 'GET', `${PROFILES}/${p1.body.id}/assignments`, { who: contoso });
    await w.send('assignment: get', 'GET', `${PROFILES}/${p1.body.id}/assignments/${assignment.body.id}`, { who: contoso });
    await w.send('profile: assignedDevices', 'GET', `${PROFILES}/${p1.body.id}/assignedDevices?$top=1`, { who: contoso });
    await w.send('profile: configuration file', 'GET', `${PROFILES}/${p1.body.id}/autopilotConfigurationFile`, { who: contoso });
    await w.send('device: beta $expand=deploymentProfile', 'GET', `${BETA_DEVICES}/${salesId}?$expand=deploymentProfile`, { who: contoso });
    await w.send('device: v1.0 has no $expand', 'GET', `${DEVICES}/${salesId}?$expand=deploymentProfile`, { who: contoso });
    await w.send('profile: delete refused while assigned', 'DELETE', `${PROFILES}/${p1.body.id}`, { who: contoso });

    // ---- the device side (/oobe/v1) -------------------------------------------------------------------------------
    await w.send('oobe profile: 807 unknown hardware', 'POST', '/oobe/v1/profile', { body: { hardwareHash: strangerHash } });
    await w.send('oobe profile: 802 broken hash', 'POST', '/oobe/v1/profile', { body: { hardwareHash: brokenHash } });
    await w.send('oobe profile: no hash', 'POST', '/oobe/v1/profile', { body: {} });
    await w.send('oobe profile: not an object (schema)', 'POST', '/oobe/v1/profile', { body: [] });
    await w.send('oobe profile: assigned profile', 'POST', '/oobe/v1/profile', { body: { hardwareHash: salesHash } });
    await w.send('oobe enroll', 'POST', '/oobe/v1/enroll', { body: { hardwareHash: opsHash, deviceName: 'OPS-01', userPrincipalName: 'bo@contoso.com' } });
    await w.send('oobe enroll: name too long', 'POST', '/oobe/v1/enroll', { body: { hardwareHash: opsHash, deviceName: 'this-name-is-far-too-long' } });
    await w.send('oobe enroll: upn not a string', 'POST', '/oobe/v1/enroll', { body: { hardwareHash: opsHash, userPrincipalName: 5 } });
    await w.send('oobe enroll: another tenant’s user', 'POST', '/oobe/v1/enroll', { body: { hardwareHash: offboardHash, userPrincipalName: 'eve@fabrikam.onmicrosoft.com' } });
    const offboardEnrolled = await w.send('oobe enroll: offboard candidate', 'POST', '/oobe/v1/enroll', { body: { hardwareHash: offboardHash, deviceName: 'OFF-01' } });
    const joined = await w.send('oobe workplace-join with MDM', 'POST', '/oobe/v1/workplace-join', { body: { hardwareHash: byodHash, userPrincipalName: 'cy@contoso.onmicrosoft.com', mdm: true } });
    await w.send('oobe workplace-join: unknown domain', 'POST', '/oobe/v1/workplace-join', { body: { hardwareHash: strangerHash, userPrincipalName: 'x@nowhere.example' } });
    await w.send('oobe check-in', 'POST', '/oobe/v1/check-in', { body: { hardwareHash: opsHash } });
    await w.send('oobe check-in: not enrolled', 'POST', '/oobe/v1/check-in', { body: { hardwareHash: salesHash } });
    await w.send('oobe profile: new motherboard flagged', 'POST', '/oobe/v1/profile', { body: { hardwareHash: swappedSales } });

    // ---- Intune managed devices, deregistration order, offboard ---------------------------------------------------
    await w.send('device: delete refused while enrolled', 'DELETE', `${DEVICES}/${opsId}`, { who: contoso });
    await w.send('managed: list $count', 'GET', `${MANAGED}?$count=true`, { who: contoso });
    await w.send('managed: $filter $select', 'GET', `${MANAGED}?$filter=managedDeviceOwnerType eq 'personal'&$select=id,deviceName,deviceEnrollmentType`, { who: contoso });
    await w.send('managed: unknown property', 'GET', `${MANAGED}?$filter=colour eq 'red'`, { who: contoso });
    await w.send('managed: get (beta)', 'GET', `${BETA_MANAGED}/${offboardEnrolled.body.managedDevice.id}`, { who: contoso });
    const autopilotOnly = await f.appWithRoles(['DeviceManagementServiceConfig.ReadWrite.All']);
    await w.send('managed: missing role', 'GET', MANAGED, { who: autopilotOnly });
    await w.send('offboard', 'POST', `${BETA_DEVICES}/${offboardId}/offboard`, { who: contoso });
    await w.send('offboard: second time is 404', 'POST', `${BETA_DEVICES}/${offboardId}/offboard`, { who: contoso });
    await w.send('managed: delete the personal device', 'DELETE', `${MANAGED}/${joined.body.managedDevice.id}`, { who: contoso });
    await w.send('managed: deleted is 404', 'GET', `${MANAGED}/${joined.body.managedDevice.id}`, { who: contoso });

    // ---- Entra devices and group members -------------------------------------------------------------------------
    const newDevice = (displayName: string, deviceId: string, extra: Record<string, unknown> = {}) => ({
      accountEnabled: true,
      alternativeSecurityIds: [{ type: 2, key: Buffer.from(displayName).toString('base64') }],
      deviceId,
      displayName,
      operatingSystem: 'Windows',
      operatingSystemVersion: '10.0.22631.3880',
      ...extra,
    });
    const byod = await w.send('entra device: create', 'POST', '/v1.0/devices', {
      who: contoso,
      body: newDevice('BYOD-1', '7d3c1b2a-0000-4000-8000-00000000b70d', { trustType: 'Workplace', physicalIds: ['[OrderID]:Sales'] }),
    });
    await w.send('entra device: deviceId taken', 'POST', '/v1.0/devices', { who: fabrikam, body: newDevice('x', '7d3c1b2a-0000-4000-8000-00000000b70d') });
    await w.send('entra device: bad deviceId', 'POST', '/beta/devices', { who: contoso, body: newDevice('x', 'not-a-guid') });
    await w.send('entra devices: physicalIds any', 'GET', `/v1.0/devices?$filter=${encodeURIComponent("physicalIds/any(p: p eq '[OrderID]:Sales')")}&$count=true`, { who: contoso });
    await w.send('entra devices: lambda on a non-collection', 'GET', `/v1.0/devices?$filter=${encodeURIComponent("displayName/any(p: p eq 'x')")}`, { who: contoso });
    await w.send('entra device: get (beta)', 'GET', `/beta/devices/${byod.body.id}`, { who: contoso });
    await w.send('entra device: patch', 'PATCH', `/v1.0/devices/${byod.body.id}`, { who: contoso, body: { displayName: 'Renamed' } });
    await w.send('entra device: patch a read-only field', 'PATCH', `/v1.0/devices/${byod.body.id}`, { who: contoso, body: { operatingSystem: 'Linux' } });
    const salesEntra = await w.send('entra devices: by deviceId', 'GET', `/v1.0/devices?$filter=deviceId eq '${(await f.call(contoso, 'GET', `${DEVICES}/${salesId}`)).body.azureActiveDirectoryDeviceId}'`, { who: contoso });
    await w.send('entra device: an Autopilot device’s object cannot be deleted', 'DELETE', `/v1.0/devices/${salesEntra.body.value[0].id}`, { who: contoso });
    await w.send('entra device: unknown', 'GET', '/v1.0/devices/6f1d1f5e-0000-4000-8000-000000000000', { who: contoso });
    await w.send('groups: $top $count', 'GET', '/v1.0/groups?$top=1&$count=true', { who: contoso });
    await w.send('group: get', 'GET', `/v1.0/groups/${sales.body.id}`, { who: contoso });
    await w.send('group: members', 'GET', `/v1.0/groups/${sales.body.id}/members?$count=true`, { who: contoso });
    await w.send('group: members $count', 'GET', `/v1.0/groups/${sales.body.id}/members/$count`, { who: contoso, headers: { consistencylevel: 'eventual' } });
    const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
    await w.send('group: add member', 'POST', `/v1.0/groups/${pilot.body.id}/members/$ref`, { who: contoso, body: ref(byod.body.id) });
    await w.send('group: add member again', 'POST', `/v1.0/groups/${pilot.body.id}/members/$ref`, { who: contoso, body: ref(byod.body.id) });
    await w.send('group: add a user', 'POST', `/v1.0/groups/${pilot.body.id}/members/$ref`, { who: contoso, body: { '@odata.id': 'https://graph.microsoft.com/v1.0/users/x' } });
    await w.send('group: dynamic refuses members', 'POST', `/v1.0/groups/${sales.body.id}/members/$ref`, { who: contoso, body: ref(byod.body.id) });
    await w.send('group: remove member', 'DELETE', `/v1.0/groups/${pilot.body.id}/members/${byod.body.id}/$ref`, { who: contoso });
    await w.send('group: remove member again', 'DELETE', `/v1.0/groups/${pilot.body.id}/members/${byod.body.id}/$ref`, { who: contoso });
    await w.send('group: patch', 'PATCH', `/v1.0/groups/${pilot.body.id}`, { who: contoso, body: { description: 'Pilot devices' } });
    await w.send('group: other tenant', 'GET', `/v1.0/groups/${pilot.body.id}`, { who: fabrikam });
    await w.send('group: delete', 'DELETE', `/v1.0/groups/${pilot.body.id}`, { who: contoso });
    await w.send('entra device: delete', 'DELETE', `/v1.0/devices/${byod.body.id}`, { who: contoso });

    // ---- profile clean-up ---------------------------------------------------------------------------------------
    await w.send('assignment: delete', 'DELETE', `${PROFILES}/${p1.body.id}/assignments/${assignment.body.id}`, { who: contoso });
    await w.send('assignment: delete again', 'DELETE', `${PROFILES}/${p1.body.id}/assignments/${assignment.body.id}`, { who: contoso });
    await w.send('profile: delete', 'DELETE', `${PROFILES}/${p1.body.id}`, { who: contoso });

    // ---- $batch -------------------------------------------------------------------------------------------------
    await w.send('$batch: dependsOn and 424', 'POST', '/v1.0/$batch', {
      who: contoso,
      body: {
        requests: [
          { id: '1', method: 'GET', url: '/organization' },
          { id: '2', method: 'GET', url: `/deviceManagement/windowsAutopilotDeviceIdentities/${salesId}` },
          { id: '3', method: 'GET', url: '/deviceManagement/windowsAutopilotDeviceIdentities/6f1d1f5e-0000-4000-8000-000000000000' },
          { id: '4', method: 'GET', url: '/organization', dependsOn: ['3'] },
          { id: '5', method: 'POST', url: '/groups', body: { displayName: 'x' }, headers: { 'content-type': 'application/json' } },
        ],
      },
    });
    await w.send('$batch: empty', 'POST', '/beta/$batch', { who: contoso, body: { requests: [] } });

    // ---- throttling: Graph per app, /oobe/v1 per address ------------------------------------------------------------
    const busy = await f.appWithRoles(['Organization.Read.All']);
    const busyToken = await f.token(busy);
    for (let i = 0; i < 200; i++) {
      const res = await f.app.inject({ method: 'GET', url: '/v1.0/organization', headers: { authorization: `Bearer ${busyToken}` } });
      expect(res.statusCode).toBe(200);
    }
    await w.send('graph throttling: 429', 'GET', '/v1.0/organization', { who: busy, realTimeWindow: true });
    for (let i = 0; i < 40; i++) {
      const res = await f.app.inject({ method: 'POST', url: '/oobe/v1/profile', headers: { 'content-type': 'application/json' }, payload: '{}' });
      if (res.statusCode === 429) break;
    }
    await w.send('oobe rate limit: 429', 'POST', '/oobe/v1/profile', { body: { hardwareHash: salesHash }, realTimeWindow: true });

    const actual = `${JSON.stringify(w.entries, null, 2)}\n`;
    if (UPDATE || !existsSync(WIRE_GOLDEN)) {
      compareWithGolden(WIRE_GOLDEN, actual);
      return;
    }
    const golden = JSON.parse(readFileSync(WIRE_GOLDEN, 'utf8')) as WireEntry[];
    // One comparison per request, so that a failure names its step and shows only its difference.
    for (let i = 0; i < Math.max(golden.length, w.entries.length); i++) {
      const want = golden[i];
      const got = w.entries[i];
      expect.soft(JSON.stringify(got, null, 2), `#${i} ${want?.step ?? got?.step}`).toBe(JSON.stringify(want, null, 2));
    }
  });
});
