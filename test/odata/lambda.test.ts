// $filter lambdas over a string collection (Entra devices' physicalIds): parsing and errors, then the compiled
// EXISTS queries on both engines against a reference evaluation in JS.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalFilter, parseListQuery } from '../../src/http/odata/index.js';
import type { FilterNode } from '../../src/model/index.js';
import { fetchPage } from '../../src/store/list-query/compile.js';
import { GraphError } from '../../src/http/graph-errors.js';
import { createStore, createTenantsStore, engineOf, entraDeviceModel as model, migrateToLatest } from '../../src/store/index.js';
import type { EntraDevice } from '../../src/model/index.js';
import { createTenant } from '../../src/tenants/index.js';
import { createTestDatabase, dropPostgresFileDatabase, type TestDatabase, TEST_ENGINES } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const OPTIONS = { defaultTop: 1000, maxTop: 1000 };

function filter(text: string): FilterNode | undefined {
  return parseListQuery({ $filter: text }, model, OPTIONS).filter;
}

function filterError(text: string): string {
  try {
    filter(text);
  } catch (err) {
    if (err instanceof GraphError) return err.message;
    throw err;
  }
  throw new Error(`parsed: ${text}`);
}

describe('$filter lambdas: parsing', () => {
  it('any/all over physicalIds with startswith, eq, and/or/not inside; the variable name does not matter', () => {
    const a = filter("physicalIds/any(p: startswith(p, '[ZTDID]'))");
    const b = filter("physicalIds/any(x:startswith(x,'[ZTDID]'))");
    expect(a).toEqual({ kind: 'lambda', quantifier: 'any', property: 'physicalIds', predicate: { kind: 'function', fn: 'startswith', property: '$element', value: '[ZTDID]' } });
    expect(canonicalFilter(a)).toBe(canonicalFilter(b));
    expect(filter("PHYSICALIDS/any(p: p eq '[OrderID]:Sales')")).toMatchObject({ kind: 'lambda', property: 'physicalIds', predicate: { kind: 'compare', op: 'eq', value: '[OrderID]:Sales' } });
    expect(filter("physicalIds/all(p: not startswith(p, '[GID]') or p eq 'x')")).toMatchObject({ kind: 'lambda', quantifier: 'all', predicate: { kind: 'or' } });
    expect(filter("physicalIds/any(p: startswith(p, '[ZTDID]')) and trustType eq 'Workplace'")).toMatchObject({ kind: 'and', left: { kind: 'lambda' }, right: { kind: 'compare', property: 'trustType' } });
    expect(filter("not physicalIds/any(p: startswith(p, '[ZTDID]')) or accountEnabled eq true")).toMatchObject({ kind: 'or', left: { kind: 'not' } });
  });

  it.each([
    ["physicalIds eq '[ZTDID]:x'", /position 0: 'physicalIds' is a collection: test its elements with a lambda/],
    ["startswith(physicalIds, '[ZTDID]')", /position 11: 'physicalIds' is a collection/],
    ["displayName/any(p: p eq 'x')", /any\(\) applies to collection properties \(physicalIds\); 'displayName' is a string/],
    ["physicalIdz/any(p: p eq 'x')", /unknown property 'physicalIdz'; did you mean 'physicalIds'/],
    ["physicalIds/any(p: displayName eq 'x')", /only the lambda variable 'p' can be used/],
    ["physicalIds/any(p: p/x eq 'a')", /paths are not supported/],
    ["physicalIds/any(p: p eq 1)", /put the value in single quotes/],
    ["physicalIds/any(p: tolower(p) eq 'a')", /tolower/],
  ])('%s → 400 naming the clause', (text, message) => {
    expect(filterError(text)).toMatch(/^Invalid \$filter at position \d+: /);
    expect(filterError(text)).toMatch(message);
  });
});

const PHYSICAL_IDS: string[][] = [
  ['[ZTDID]:aaaa', '[OrderID]:Sales'],
  ['[ZTDID]:bbbb', '[OrderID]:sales', '[PurchaseOrderId]:PO-1'],
  ['[ZTDID]:cccc'],
  ['[OrderID]:Sales'],
  ['[GID]:g:1', '[HWID]:h:2'],
  [],
  ["[OrderID]:O'Brien_100%"],
];

for (const engine of TEST_ENGINES) {
  describe(`$filter lambdas on ${engine}`, () => {
    let t: TestDatabase;
    let tenantId: string;
    let devices: EntraDevice[];

    beforeAll(async () => {
      t = await createTestDatabase(engine);
      await migrateToLatest(t.db);
      const tenants = createTenantsStore(t.db);
      tenantId = (await createTenant(tenants, { domain: 'contoso.onmicrosoft.com', displayName: 'Contoso' })).tenant.id;
      const otherId = (await createTenant(tenants, { domain: 'fabrikam.onmicrosoft.com', displayName: 'Fabrikam' })).tenant.id;
      const store = createStore(t.db);
      const now = new Date().toISOString();
      const make = (i: number, tenant: string): EntraDevice => ({
        id: randomUUID(),
        tenantId: tenant,
        deviceId: randomUUID(),
        displayName: `PC-${i}`,
        operatingSystem: 'Windows',
        operatingSystemVersion: '10.0',
        accountEnabled: i % 2 === 0,
        trustType: i % 3 === 0 ? 'Workplace' : null,
        profileType: null,
        enrollmentProfileName: null,
        autopilotDeviceId: null,
        physicalIds: PHYSICAL_IDS[i % PHYSICAL_IDS.length],
        deviceOwnership: '',
        isManaged: false,
        managementType: null,
        mdmAppId: null,
        approximateLastSignInAt: null,
        createdAt: now,
        updatedAt: now,
      });
      devices = [];
      for (let i = 0; i < 21; i++) {
        const d = make(i, tenantId);
        devices.push(d);
        await store.entra.create(d);
      }
      // Another tenant's devices with the same physicalIds must never show up.
      for (let i = 0; i < 7; i++) await store.entra.create(make(i, otherId));
    });
    afterAll(async () => {
      await t.cleanup();
    });

    async function ids(text: string): Promise<string[]> {
      const parsed = parseListQuery({ $filter: text }, model, OPTIONS);
      const base = t.db.selectFrom('entra_devices').selectAll('entra_devices').where('entra_devices.tenant_id', '=', tenantId);
      const page = await fetchPage(base, parsed, engineOf(t.db));
      return page.rows.map((r) => r.id).sort();
    }

    function expected(predicate: (d: EntraDevice) => boolean): string[] {
      return devices.filter(predicate).map((d) => d.id).sort();
    }

    const lower = (s: string) => s.toLowerCase();
    it.each<[string, (d: EntraDevice) => boolean]>([
      ["physicalIds/any(p: startswith(p, '[ZTDID]'))", (d) => d.physicalIds.some((p) => p.startsWith('[ZTDID]'))],
      ["physicalIds/any(p: startswith(p, '[ztdid]'))", (d) => d.physicalIds.some((p) => p.startsWith('[ZTDID]'))],
      ["physicalIds/any(p: p eq '[OrderID]:Sales')", (d) => d.physicalIds.some((p) => lower(p) === '[orderid]:sales')],
      ["physicalIds/any(p: p eq '[OrderID]:O''Brien_100%')", (d) => d.physicalIds.includes("[OrderID]:O'Brien_100%")],
      ["physicalIds/any(p: contains(p, '_100%'))", (d) => d.physicalIds.some((p) => p.includes('_100%'))],
      ["physicalIds/any(p: endswith(p, 'PO-1'))", (d) => d.physicalIds.some((p) => p.endsWith('PO-1'))],
      ["physicalIds/any(p: p ne '[ZTDID]:cccc')", (d) => d.physicalIds.some((p) => p !== '[ZTDID]:cccc')],
      ['physicalIds/any()', (d) => d.physicalIds.length > 0],
      ["physicalIds/all(p: startswith(p, '['))", () => true],
      ["physicalIds/all(p: startswith(p, '[ZTDID]'))", (d) => d.physicalIds.every((p) => p.startsWith('[ZTDID]'))],
      ["not physicalIds/any(p: startswith(p, '[ZTDID]'))", (d) => !d.physicalIds.some((p) => p.startsWith('[ZTDID]'))],
      [
        "physicalIds/any(p: startswith(p, '[ZTDID]')) and physicalIds/any(p: startswith(p, '[OrderID]'))",
        (d) => d.physicalIds.some((p) => p.startsWith('[ZTDID]')) && d.physicalIds.some((p) => p.startsWith('[OrderID]')),
      ],
      [
        "physicalIds/any(p: p eq '[OrderID]:Sales') or trustType eq 'Workplace'",
        (d) => d.physicalIds.some((p) => lower(p) === '[orderid]:sales') || d.trustType === 'Workplace',
      ],
      [
        "physicalIds/any(p: startswith(p, '[ZTDID]') and not contains(p, 'bbbb')) and accountEnabled eq true",
        (d) => d.physicalIds.some((p) => p.startsWith('[ZTDID]') && !p.includes('bbbb')) && d.accountEnabled,
      ],
      ["displayName eq 'PC-3' and physicalIds/any(p: startswith(p, '[OrderID]'))", (d) => d.displayName === 'PC-3'],
    ])('%s', async (text, predicate) => {
      const want = expected(predicate);
      expect(want.length).toBeLessThan(devices.length + 1);
      expect(await ids(text)).toEqual(want);
    });
  });
}
