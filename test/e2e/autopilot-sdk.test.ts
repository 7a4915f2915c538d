// Done-when for the Graph Autopilot API: Microsoft's own @microsoft/microsoft-graph-client, with tokens from
// Tarmac's token endpoint, against the real `tarmac serve` over HTTPS, on SQLite and on PostgreSQL: import the
// real-hash corpus, wait for `complete`, page with @odata.nextLink, filter with contains(serialNumber,…), update a
// group tag and see [OrderID] change on the Entra object, delete; and a second tenant gets 808, cannot read, update
// or delete the first tenant's device (404), while the first re-importing gets 806.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { decodeHardwareHash } from '../../src/hash/index.js';
import { loadRealHashes, needsRealHashes } from '../support/real-hashes.js';
import { runSdkClient, withHttpsServe } from '../support/sdk-serve.js';
import { cli, demoOf, killAll, removeTemps, stop } from '../support/serve-process.js';
import { TEST_ENGINES } from '../support/test-databases.js';

const SDK_CLIENT = 'test/e2e/fixtures/autopilot-sdk-client.ts';

afterEach(killAll);
afterAll(removeTemps);

interface Observed {
  corpusSize: number;
  acceptedImmediately: number;
  importMs: number;
  outcomes: Record<string, number>;
  registrationIds: string[];
  paged: { count: number; pages: number; unique: number; links: string[] };
  counted: number;
  filter: { needle: string; serials: string[]; target: string };
  entraBefore: string[];
  entraAfter: string[];
  after: { id: string; groupTag: string; displayName: string };
  fromB: { deviceImportStatus: string; deviceErrorCode: number; deviceErrorName: string };
  againA: { deviceImportStatus: string; deviceErrorCode: number; deviceErrorName: string };
  bSees: { get: { statusCode: number }; update: { statusCode: number }; delete: { statusCode: number }; list: number; devices: number };
  stillThere: { groupTag: string };
  afterDelete: { statusCode: number; code: string };
}

/** What the corpus must give, from the codec: distinct identities register once, repeats are duplicates. */
function expectedOutcomes(): { complete: number; duplicated: number; unidentifiable: number } {
  const seen = new Set<string>();
  let complete = 0;
  let duplicated = 0;
  let unidentifiable = 0;
  for (const h of loadRealHashes()) {
    const id = decodeHardwareHash(h.hash).identity;
    const keys = id?.keys ?? [];
    if (keys.some((k) => seen.has(k))) duplicated++;
    else if (!id?.serialNumber && !id?.productKeyId) unidentifiable++;
    else complete++;
    for (const k of keys) seen.add(k);
  }
  return { complete, duplicated, unidentifiable };
}

for (const engine of TEST_ENGINES) {
  describe(`Graph SDK against tarmac serve (${engine})`, needsRealHashes, () => {
    it(
      'imports the real corpus, pages, filters, updates the group tag, keeps tenants apart, deletes',
      async () => {
        await withHttpsServe(engine, async (server) => {
          const { served, env } = server;
          const a = demoOf(served.stdout());
          const created = await cli(env, ['tenant', 'create', '--domain', 'fabrikam.onmicrosoft.com', '--json']);
          expect(created.code).toBe(0);
          const fab = JSON.parse(created.stdout) as { tenantId: string; clientId: string; clientSecret: string };
          const b = { tenant: fab.tenantId, clientId: fab.clientId, clientSecret: fab.clientSecret };

          const o = (await runSdkClient(SDK_CLIENT, server, { a, b })) as Observed;
          const expected = expectedOutcomes();
          console.log(`[${engine}] corpus of ${o.corpusSize} imported and settled in ${o.importMs} ms (SDK, polling every 50 ms):`, o.outcomes);

          expect(o.corpusSize).toBe(64);
          expect(o.acceptedImmediately).toBe(64);
          expect(o.outcomes).toEqual({
            [`complete:0:`]: expected.complete,
            [`error:899:ZtdDeviceDuplicated`]: expected.duplicated,
            ...(expected.unidentifiable ? { [`error:803:MissingZtdSerialNumberAndProductKey`]: expected.unidentifiable } : {}),
          });
          expect(new Set(o.registrationIds).size).toBe(expected.complete);

          expect(o.paged.count).toBe(expected.complete);
          expect(o.paged.unique).toBe(expected.complete);
          expect(o.paged.pages).toBe(Math.ceil(expected.complete / 10));
          expect(o.paged.links[0]).toMatch(new RegExp(`^${served.url.replace(/[.]/g, '\\.')}/v1\\.0/deviceManagement/windowsAutopilotDeviceIdentities\\?.*\\$skiptoken=`));
          expect(o.counted).toBe(expected.complete);

          expect(o.filter.serials).toContain(o.filter.target);
          for (const s of o.filter.serials) expect(s.toLowerCase()).toContain(o.filter.needle.toLowerCase());

          expect(o.entraBefore).toEqual([`[ZTDID]:${o.after.id}`, '[OrderID]:Corpus']);
          expect(o.entraAfter).toEqual([`[ZTDID]:${o.after.id}`, '[OrderID]:Moved']);
          expect(o.after).toMatchObject({ groupTag: 'Moved', displayName: 'SDK-1' });

          expect(o.fromB).toMatchObject({ deviceImportStatus: 'error', deviceErrorCode: 808, deviceErrorName: 'ZtdDeviceAssignedToOtherTenant' });
          expect(o.againA).toMatchObject({ deviceImportStatus: 'error', deviceErrorCode: 806, deviceErrorName: 'ZtdDeviceAlreadyAssigned' });
          expect(o.bSees).toEqual({ get: { statusCode: 404, code: 'ResourceNotFound' }, update: { statusCode: 404, code: 'ResourceNotFound' }, delete: { statusCode: 404, code: 'ResourceNotFound' }, list: 0, devices: 0 });
          expect(o.stillThere.groupTag).toBe('Moved');
          expect(o.afterDelete).toEqual({ statusCode: 404, code: 'ResourceNotFound' });
          expect(await stop(served)).toBe(0);
        });
      },
      180_000,
    );
  });
}
