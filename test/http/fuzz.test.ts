// The fuzz suite: fast-check properties over every route of the app (found in its own /openapi.json, so new routes
// are fuzzed without a change here), every OData query option, hardware hashes and CSV files, through inject() on
// SQLite and PostgreSQL. Every answer must be below 500 and, when it is an error, in its family's envelope (Graph's,
// Entra's on the identity paths, Partner Center's ApiFault on /v1 and /oem/v1, the device side's on /oobe/v1); nothing
// may throw. Bounded for `npm test`; `npm run fuzz` raises the runs (TARMAC_FUZZ_RUNS, runs per route per engine).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTUNE_HEADER, PARTNER_HEADER, readCsv } from '../../src/csv/index.js';
import { GRAPH_APP_ROLES, createApp } from '../../src/tenants/index.js';
import {
  familyOfPath,
  hashArb,
  nastyString,
  problemWith,
  requestArb,
  routesOf,
  type FuzzContext,
  type FuzzRequest,
  type FuzzRoute,
} from '../support/fuzz.js';
import { partnerFixture, type PartnerFixture } from '../support/partner-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { IMPORTS, PROFILES } from '../support/graph-paths.js';
import { userDrivenProfileBody } from '../support/profiles.js';

afterAll(dropPostgresFileDatabase);

/**
 * Runs per route and engine (ten times as many for hashes and CSV files): few in `npm test`, many in `npm run fuzz`
 * (npm names the script in npm_lifecycle_event), or TARMAC_FUZZ_RUNS.
 */
const LONG = process.env.npm_lifecycle_event === 'fuzz';
const RUNS = Number(process.env.TARMAC_FUZZ_RUNS ?? (LONG ? 100 : 5));
/** A fixed seed in `npm test` (repeatable), a new one in a long run (exploring); TARMAC_FUZZ_SEED replays one. */
const SEED = process.env.TARMAC_FUZZ_SEED !== undefined ? Number(process.env.TARMAC_FUZZ_SEED) : LONG || process.env.TARMAC_FUZZ_RUNS ? Date.now() % 2 ** 31 : 20261205;
const TIMEOUT = Math.max(120_000, RUNS * 60_000);

describe.each(ENGINES)('fuzz (%s)', (engine) => {
  let f: PartnerFixture;
  let ctx: FuzzContext;
  let routes: FuzzRoute[];
  let sent = 0;

  async function send(req: FuzzRequest): Promise<{ status: number; contentType: string; body: string }> {
    sent++;
    const res = await f.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.body };
  }

  /** Runs `property` and returns a line describing its failure, or undefined. */
  async function failureOf(name: string, property: fc.IAsyncPropertyWithHooks<[FuzzRequest]> | fc.IAsyncProperty<[FuzzRequest]>, numRuns: number): Promise<string | undefined> {
    const details = await fc.check(property, { numRuns, seed: SEED, endOnFailure: false, interruptAfterTimeLimit: TIMEOUT });
    if (!details.failed) return undefined;
    const example = details.counterexample?.[0];
    return `${name}: ${String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance)} — ${example ? `${example.method} ${example.url.slice(0, 300)} ${(example.payload ?? '').slice(0, 300)}` : ''} (seed ${details.seed}, path ${details.counterexamplePath})`;
  }

  const answerOk = (family: ReturnType<typeof familyOfPath>, path: string) =>
    async (req: FuzzRequest): Promise<void> => {
      const answer = await send(req);
      const problem = problemWith(answer, family, path);
      if (problem) throw new Error(`${problem}: ${answer.body.slice(0, 400)}`);
    };

  beforeAll(async () => {
    // No throttling: a long run would spend most of its requests on 429s.
    f = await partnerFixture(engine, { importWorker: { pollIntervalMs: 20 }, env: { TARMAC_GRAPH_RATE_LIMIT: '0', TARMAC_OOBE_RATE_LIMIT: '0' } });
    await f.relate(f.csp, f.contoso);
    await f.relate(f.oem, f.contoso);
    const admin = await createApp(f.store, { tenant: f.contoso.tenant.id, displayName: 'fuzz admin', roles: [...GRAPH_APP_ROLES] });
    const graph = `Bearer ${await f.token(admin)}`;
    const partner = `Bearer ${await f.pcToken(f.csp)}`;
    const oem = `Bearer ${await f.pcToken(f.oem)}`;
    // A resource of each kind, so that ids in paths reach rows as well as miss them.
    const imported = await f.call(admin, 'POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: [{ hardwareIdentifier: syntheticHash(1), groupTag: 'Fuzz' }] });
    const importId = imported.body.value[0].id as string;
    let autopilotId = '';
    for (let i = 0; i < 500 && autopilotId === ''; i++) {
      const row = (await f.call(admin, 'GET', `${IMPORTS}/${importId}`)).body;
      if (row.state.deviceImportStatus === 'complete') autopilotId = row.state.deviceRegistrationId as string;
      else await new Promise((r) => setTimeout(r, 10));
    }
    const entra = (await f.call(admin, 'POST', '/v1.0/devices', { accountEnabled: true, alternativeSecurityIds: [], deviceId: '00000000-0000-4000-8000-0000000000f0', displayName: 'fuzz', operatingSystem: 'Windows', operatingSystemVersion: '10.0' })).body.id as string;
    const group = (await f.call(admin, 'POST', '/v1.0/groups', { displayName: 'fuzz', mailEnabled: false, mailNickname: 'fuzz', securityEnabled: true })).body.id as string;
    const profile = (await f.call(admin, 'POST', PROFILES, userDrivenProfileBody({ displayName: 'fuzz', description: '', deviceNameTemplate: '' }))).body.id as string;
    const assignment = await f.call(admin, 'POST', `${PROFILES}/${profile}/assignments`, { target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: group } });
    const batch = await f.pc(f.csp, 'POST', `/v1/customers/${f.contoso.tenant.id}/deviceBatches`, { batchId: 'Fuzz-1', devices: [{ hardwareHash: syntheticHash(2) }] });
    const tracking = String(batch.headers.location ?? '').split('/').pop() ?? 'x';

    const doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    routes = routesOf(doc);
    const ids = [autopilotId, importId, entra, group, profile].filter((x) => x !== '');
    ctx = {
      components: doc.components?.schemas ?? {},
      knownParams: {
        id: ids,
        memberId: [entra],
        assignmentId: assignment.status === 201 ? [assignment.body.id as string] : [],
        tenant: [f.contoso.tenant.id, 'contoso.onmicrosoft.com', 'common', 'organizations'],
        customerId: [f.contoso.tenant.id],
        partnerTenantId: [f.csp.tenant.id, f.oem.tenant.id],
        batchId: ['Fuzz-1'],
        trackingId: [tracking],
      },
      authorization(path) {
        if (path.startsWith('/v1/')) return partner;
        if (path.startsWith('/oem/v1/')) return oem;
        if (path.startsWith('/v1.0/') || path.startsWith('/beta/') || path.startsWith('/tarmac/')) return graph;
        return undefined;
      },
    };
  }, 120_000);
  afterAll(async () => f?.cleanup());

  it('every route: no 5xx, errors in the family’s envelope, nothing thrown', async () => {
    expect(routes.length).toBeGreaterThan(100);
    const failures: string[] = [];
    for (const route of routes) {
      const failure = await failureOf(`${route.method} ${route.path}`, fc.asyncProperty(requestArb(route, ctx), answerOk(familyOfPath(route.path), route.path)), RUNS);
      if (failure) failures.push(failure);
    }
    expect(failures).toEqual([]);
  }, TIMEOUT);

  it('hardware hashes, valid and mutated, wherever a hash is sent', async () => {
    const customer = f.contoso.tenant.id;
    const targets: [string, string, (hash: string) => unknown][] = [
      ['POST', '/oobe/v1/profile', (h) => ({ hardwareHash: h })],
      ['POST', '/oobe/v1/enroll', (h) => ({ hardwareHash: h, userPrincipalName: 'ada@contoso.onmicrosoft.com' })],
      ['POST', '/oobe/v1/workplace-join', (h) => ({ hardwareHash: h })],
      ['POST', '/oobe/v1/check-in', (h) => ({ hardwareHash: h })],
      ['POST', `${IMPORTS}/import`, (h) => ({ importedWindowsAutopilotDeviceIdentities: [{ hardwareIdentifier: h }] })],
      ['POST', IMPORTS, (h) => ({ hardwareIdentifier: h })],
      ['POST', `/v1/customers/${customer}/deviceBatches/Fuzz-1/devices`, (h) => ({ devices: [{ hardwareHash: h }] })],
      ['POST', '/oem/v1/AutopilotDeviceRegistration/validate', (h) => ({ customerId: customer, devices: [{ hardwareHash: h }] })],
    ];
    const request = fc.tuple(fc.constantFrom(...targets), hashArb).map(([[method, url, body], hash]): FuzzRequest => {
      const auth = ctx.authorization(url);
      return { method, url, headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, payload: JSON.stringify(body(hash)) };
    });
    const property = fc.asyncProperty(request, async (req) => {
      const answer = await send(req);
      const problem = problemWith(answer, familyOfPath(req.url), req.url);
      if (problem) throw new Error(`${problem}: ${answer.body.slice(0, 400)}`);
    });
    expect(await failureOf('hashes', property, RUNS * 10)).toBeUndefined();
  }, TIMEOUT);

  it('CSV files, read and imported as the command line does', async () => {
    const field = fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 2, arbitrary: hashArb }, { weight: 2, arbitrary: nastyString });
    const quoted = field.chain((v) => fc.constantFrom(v, `"${v.replace(/"/g, '""')}"`, `"${v}`, ` ${v} `));
    const csv = fc
      .tuple(
        fc.oneof(fc.constant(INTUNE_HEADER.join(',')), fc.constant(INTUNE_HEADER.slice(0, 3).join(',')), fc.constant(PARTNER_HEADER.join(',')), fc.constant(INTUNE_HEADER.join(';')), fc.string({ maxLength: 30 })),
        fc.array(fc.array(quoted, { minLength: 0, maxLength: 7 }), { maxLength: 6 }),
        fc.constantFrom('\r\n', '\n', '\r'),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('utf8', 'utf16le', 'bom'),
      )
      .map(([header, rows, eol, sep, encoding]) => {
        const text = [header, ...rows.map((r) => r.join(sep))].join(eol);
        if (encoding === 'utf16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
        return Buffer.from(encoding === 'bom' ? `\ufeff${text}` : text, 'utf8');
      });
    const property = fc.asyncProperty(csv, async (bytes) => {
      const rows: Record<string, unknown>[] = [];
      for await (const record of readCsv(bytes)) {
        rows.push({ serialNumber: record.serialNumber, productKey: record.productKeyId, hardwareIdentifier: record.hardwareHash, groupTag: record.groupTag, assignedUserPrincipalName: record.assignedUser });
      }
      if (rows.length === 0) return;
      const req: FuzzRequest = {
        method: 'POST',
        url: `${IMPORTS}/import`,
        headers: { 'content-type': 'application/json', authorization: ctx.authorization(IMPORTS) ?? '' },
        payload: JSON.stringify({ importedWindowsAutopilotDeviceIdentities: rows }),
      };
      const answer = await send(req);
      const problem = problemWith(answer, 'graph', IMPORTS);
      if (problem) throw new Error(`${problem}: ${answer.body.slice(0, 400)}`);
    });
    const details = await fc.check(property, { numRuns: RUNS * 10, seed: SEED, interruptAfterTimeLimit: TIMEOUT });
    expect(details.failed ? `${String(details.errorInstance)} (seed ${details.seed}, path ${details.counterexamplePath})` : undefined).toBeUndefined();
  }, TIMEOUT);

  it('the import worker settles every fuzzed import (none stays unknown)', async () => {
    const token = ctx.authorization(IMPORTS) ?? '';
    const countUnknown = async (): Promise<number> => {
      let unknown = 0;
      for (let url: string | undefined = `${IMPORTS}?$top=1000`; url !== undefined; ) {
        const page = (await f.app.inject({ method: 'GET', url, headers: { authorization: token } })).json() as { value: { state: { deviceImportStatus: string } }[]; '@odata.nextLink'?: string };
        unknown += page.value.filter((r) => r.state.deviceImportStatus === 'unknown').length;
        url = page['@odata.nextLink']?.replace(/^https?:\/\/[^/]+/, '');
      }
      return unknown;
    };
    let unknown = await countUnknown();
    for (let i = 0; i < 200 && unknown !== 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      unknown = await countUnknown();
    }
    expect(unknown).toBe(0);
    console.log(`fuzz (${engine}): ${sent} requests over ${routes.length} routes, seed ${SEED}`);
  }, 60_000);
});
