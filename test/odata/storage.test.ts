// The compiled OData queries run against a seeded autopilot_devices table on both engines, always inside one
// tenant (tenant_id = ?) as every real query is.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest, type Db } from '../../src/store/index.js';
import type { NewAutopilotDevice } from '../../src/store/schema.js';
import { buildNextLink, parseListQuery } from '../../src/http/odata/index.js';
import { autopilotDeviceModel as model } from '../../src/store/index.js';
import { applyListQuery, countRows, fetchPage, keysetPositionOf, listPage, type Access } from '../../src/store/list-query/compile.js';
import { createTestDatabase, dropPostgresFileDatabase, type TestDatabase, TEST_ENGINES } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const NOW = '2024-05-01T00:00:00.000Z';
const STATES = ['unknown', 'enrolled', 'pendingReset', 'failed', 'notContacted', 'blocked'];
const TAGS = ['Sales', 'sales', 'HR', '', '100%_done', "O'Brien"];

interface Device {
  id: string;
  serial_number: string;
  group_tag: string;
  enrollment_state: string;
  last_contacted_at: string | null;
  model: string;
}

function device(i: number, tenant = TENANT): NewAutopilotDevice & Device {
  const hex = (n: number, w: number) => n.toString(36).toUpperCase().padStart(w, '0').slice(-w);
  const kind = i % 3;
  let serial = kind === 0 ? `5CG${hex(i * 7919, 7)}` : kind === 1 ? `PF${hex(i * 104729, 6)}` : hex(i * 15485863, 7);
  if (i % 10 === 4) serial = serial.toLowerCase();
  return {
    id: randomUUID(),
    tenant_id: tenant,
    serial_number: serial,
    group_tag: TAGS[i % TAGS.length],
    enrollment_state: STATES[i % STATES.length],
    last_contacted_at: i % 4 === 0 ? null : new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
    model: kind === 0 ? 'HP EliteBook 840 G8' : kind === 1 ? 'ThinkPad T14' : 'Latitude 5420',
    created_at: NOW,
    updated_at: NOW,
  };
}

/** The ids in a prefix search's page order: lower-cased serial (binary; these serials are ASCII), then id. */
function inPrefixOrder(rows: { id: string; serial_number: string }[]): string[] {
  const key = (d: { id: string; serial_number: string }) => [d.serial_number.toLowerCase(), d.id] as const;
  return [...rows].sort((a, b) => {
    const [sa, ia] = key(a);
    const [sb, ib] = key(b);
    return sa !== sb ? (sa < sb ? -1 : 1) : ia < ib ? -1 : ia > ib ? 1 : 0;
  }).map((d) => d.id);
}

async function insert(db: Db, rows: NewAutopilotDevice[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('autopilot_devices').values(rows.slice(i, i + 200)).execute();
}

for (const engine of TEST_ENGINES) {
  describe(`OData queries on ${engine}`, () => {
    let t: TestDatabase;
    let db: Db;
    let devices: (NewAutopilotDevice & Device)[];
    const base = () => db.selectFrom('autopilot_devices').selectAll().where('tenant_id', '=', TENANT);
    const list = async (query: Record<string, string>, maxTop = 1000) => {
      const parsed = parseListQuery(query, model, { maxTop, defaultTop: maxTop });
      return fetchPage(base(), parsed, engine);
    };
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
    const expected = (pred: (d: Device) => boolean) => devices.filter(pred).map((d) => d.id).sort();

    beforeAll(async () => {
      t = await createTestDatabase(engine);
      db = t.db;
      await migrateToLatest(db);
      await db.insertInto('tenants').values([
        { id: TENANT, display_name: 'Contoso', created_at: NOW },
        { id: OTHER, display_name: 'Fabrikam', created_at: NOW },
      ]).execute();
      devices = Array.from({ length: 300 }, (_, i) => device(i));
      await insert(db, devices);
      // The other tenant holds the same serials: a query must never see them.
      await insert(db, devices.slice(0, 100).map((d, i) => ({ ...device(i, OTHER), serial_number: d.serial_number })));
    });
    afterAll(async () => t?.cleanup());

    it('filters as the reference predicates say (case-insensitive strings, enums, nulls, not/and/or)', async () => {
      const someSerial = devices[30].serial_number; // 5CG…
      const lowerSerial = devices[34].serial_number; // stored lowercase
      const cases: [string, (d: Device) => boolean][] = [
        [`serialNumber eq '${someSerial.toLowerCase()}'`, (d) => d.serial_number.toLowerCase() === someSerial.toLowerCase()],
        [`serialNumber eq '${lowerSerial.toUpperCase()}'`, (d) => d.serial_number.toLowerCase() === lowerSerial],
        [`contains(serialNumber,'${someSerial.slice(3, 7).toLowerCase()}')`, (d) => d.serial_number.toLowerCase().includes(someSerial.slice(3, 7).toLowerCase())],
        ["contains(serialNumber,'cg')", (d) => d.serial_number.toLowerCase().includes('cg')],
        ["startswith(serialNumber,'pf')", (d) => d.serial_number.toLowerCase().startsWith('pf')],
        ["startswith(serialNumber,'5cG0')", (d) => d.serial_number.toLowerCase().startsWith('5cg0')],
        [`endswith(serialNumber,'${someSerial.slice(-3)}')`, (d) => d.serial_number.toLowerCase().endsWith(someSerial.slice(-3).toLowerCase())],
        ["groupTag eq 'SALES'", (d) => d.group_tag.toLowerCase() === 'sales'],
        ["groupTag ne 'sales'", (d) => d.group_tag.toLowerCase() !== 'sales'],
        ["groupTag eq ''", (d) => d.group_tag === ''],
        // Intune's strings are "" when unset: null means that.
        ['groupTag eq null', (d) => d.group_tag === ''],
        ['groupTag ne null', (d) => d.group_tag !== ''],
        ['not (groupTag eq null)', (d) => d.group_tag !== ''],
        ["contains(groupTag,'%_')", (d) => d.group_tag.includes('%_')],
        ["contains(groupTag,'0%')", (d) => d.group_tag.includes('0%')],
        ["startswith(groupTag,'o''b')", (d) => d.group_tag.toLowerCase().startsWith("o'b")],
        ["enrollmentState eq 'enrolled' or enrollmentState eq microsoft.graph.windowsAutopilotEnrollmentState'failed'", (d) => ['enrolled', 'failed'].includes(d.enrollment_state)],
        ["not (enrollmentState eq 'enrolled') and groupTag eq 'hr'", (d) => d.enrollment_state !== 'enrolled' && d.group_tag === 'HR'],
        ["groupTag eq 'hr' or groupTag eq 'sales' and enrollmentState eq 'failed'", (d) => d.group_tag === 'HR' || (d.group_tag.toLowerCase() === 'sales' && d.enrollment_state === 'failed')],
        ['lastContactedDateTime eq null', (d) => d.last_contacted_at === null],
        ['lastContactedDateTime ne null', (d) => d.last_contacted_at !== null],
        ['lastContactedDateTime ge 2024-01-05T00:00:00Z', (d) => d.last_contacted_at !== null && d.last_contacted_at >= '2024-01-05T00:00:00.000Z'],
        ['not (lastContactedDateTime ge 2024-01-05T00:00:00Z)', (d) => !(d.last_contacted_at !== null && d.last_contacted_at >= '2024-01-05T00:00:00.000Z')],
        ["lastContactedDateTime ne '2024-01-01T01:00:00Z'", (d) => d.last_contacted_at !== '2024-01-01T01:00:00.000Z'],
        ["not contains(serialNumber,'5cg') and model eq 'thinkpad t14'", (d) => !d.serial_number.toLowerCase().includes('5cg') && d.model === 'ThinkPad T14'],
        [`id eq '${devices[7].id.toUpperCase()}'`, (d) => d.id === devices[7].id],
      ];
      for (const [f, pred] of cases) {
        const page = await list({ $filter: f });
        expect(ids(page.rows), f).toEqual(expected(pred));
        expect(expected(pred).length, `${f} should match something`).toBeGreaterThan(0);
      }
    });

    it('counts with the filter, ignoring paging', async () => {
      const parsed = parseListQuery({ $filter: "startswith(serialNumber,'PF')", $top: '5', $count: 'true' }, model, { maxTop: 100, defaultTop: 100 });
      expect(await countRows(base(), parsed, engine)).toBe(expected((d) => d.serial_number.toLowerCase().startsWith('pf')).length);
    });

    it('reads a search page either way (from the index, or walking the key order) with the same rows, and counts it exactly', async () => {
      // fetchPage picks the way by the number of matches (src/store/list-query/compile.ts); both must give the same
      // page, in key order, and so must fetchPage itself with the tenant scope (probe, FTS count in the tenant's range).
      // startswith on the serial number is paged in (lower(serial), id) order instead, either way (pageOrder).
      const scope = { tenantId: TENANT, db };
      const someSerial = devices[30].serial_number;
      const searches: [string, (d: Device) => boolean][] = [
        ["contains(serialNumber,'5cg')", (d) => d.serial_number.toLowerCase().includes('5cg')],
        [`contains(serialNumber,'${someSerial.slice(3, 7)}')`, (d) => d.serial_number.toLowerCase().includes(someSerial.slice(3, 7).toLowerCase())],
        ["contains(serialNumber,'zzzz')", () => false],
        ["startswith(serialNumber,'PF')", (d) => d.serial_number.toLowerCase().startsWith('pf')],
        ["startswith(serialNumber,'5cG0')", (d) => d.serial_number.toLowerCase().startsWith('5cg0')],
        [`endswith(serialNumber,'${someSerial.slice(-3)}')`, (d) => d.serial_number.toLowerCase().endsWith(someSerial.slice(-3).toLowerCase())],
        [`startswith(id,'${devices[5].id.slice(0, 1).toUpperCase()}')`, (d) => d.id.startsWith(devices[5].id.slice(0, 1))],
      ];
      for (const [f, pred] of searches) {
        const want = f.startsWith('startswith(serialNumber') ? inPrefixOrder(devices.filter(pred)) : expected(pred);
        for (const top of [10, 1000]) {
          const parsed = parseListQuery({ $filter: f, $top: String(top), $count: 'true' }, model, { maxTop: 1000, defaultTop: 1000 });
          for (const access of ['index', 'walk'] as Access[]) {
            const rows = await applyListQuery(base(), parsed, engine, scope, access).execute();
            expect(rows.map((r) => r.id), `${f} $top=${top} ${access}`).toEqual(want.slice(0, top + 1));
            expect(await countRows(base(), parsed, engine, scope), `${f} count`).toBe(want.length);
          }
          const page = await fetchPage(base(), parsed, engine, scope);
          expect(page.rows.map((r) => r.id), `${f} $top=${top} fetchPage`).toEqual(want.slice(0, top));
          expect(page.hasMore).toBe(want.length > top);
          
        }
        // Following the nextLinks, 7 at a time, either way: every match once, in key order.
        for (const access of ['index', 'walk'] as Access[]) {
          const seen: string[] = [];
          let url = `https://tarmac.test/beta/deviceManagement/windowsAutopilotDeviceIdentities?$top=7&$filter=${encodeURIComponent(f)}`;
          for (let pages = 0; pages < 100; pages++) {
            const parsed = parseListQuery(Object.fromEntries(new URL(url).searchParams), model, { maxTop: 100, defaultTop: 100 });
            const rows = await applyListQuery(base(), parsed, engine, scope, access).execute();
            seen.push(...rows.slice(0, 7).map((r) => r.id));
            if (rows.length <= 7) break;
            url = buildNextLink(url, parsed, keysetPositionOf(parsed, rows[6]));
          }
          expect(seen, `${f} paged ${access}`).toEqual(want);
        }
      }
    });

    it('orders by $orderby with the key as tiebreaker, and honours $skip', async () => {
      const page = await list({ $orderby: 'groupTag desc,lastContactedDateTime', $top: '300' });
      const key = (d: Device) => [d.group_tag, d.last_contacted_at ?? '', d.id] as const;
      const sorted = [...devices].sort((a, b) => {
        const [ga, la, ia] = key(a);
        const [gb, lb, ib] = key(b);
        return ga !== gb ? (ga < gb ? 1 : -1) : la !== lb ? (la < lb ? -1 : 1) : ia < ib ? -1 : 1;
      });
      expect(page.rows.map((r) => r.id)).toEqual(sorted.map((d) => d.id));
      const skipped = await list({ $orderby: 'groupTag desc,lastContactedDateTime', $top: '10', $skip: '25' });
      expect(skipped.rows.map((r) => r.id)).toEqual(sorted.slice(25, 35).map((d) => d.id));
    });

    it('the SQLite FTS index / PostgreSQL trigram and btree indexes serve contains and eq', async () => {
      // Enough rows in one tenant that an index beats walking the tenant (as the planner sees it).
      const BULK = '44444444-4444-4444-8444-444444444444';
      await db.insertInto('tenants').values({ id: BULK, display_name: 'Bulk', created_at: NOW }).execute();
      const bulk = Array.from({ length: 20_000 }, (_, i) => device(i, BULK));
      await insert(db, bulk);
      const target = bulk[12_345].serial_number;
      const options = { maxTop: 100, defaultTop: 100 };
      const contains = parseListQuery({ $filter: `contains(serialNumber,'${target.slice(2, 7).toLowerCase()}')` }, model, options);
      const eq = parseListQuery({ $filter: `serialNumber eq '${target.toLowerCase()}'` }, model, options);
      const inTenant = () => db.selectFrom('autopilot_devices').selectAll().where('tenant_id', '=', BULK);
      const plan = async (parsed: typeof eq) => {
        const q = applyListQuery(inTenant(), parsed, engine).compile();
        if (engine === 'sqlite') {
          const { rows } = await db.executeQuery<{ detail: string }>({ ...q, sql: `explain query plan ${q.sql}`, query: q.query });
          return rows.map((r) => r.detail).join('\n');
        }
        await sql`analyze autopilot_devices`.execute(db); // as autovacuum would have
        return db.transaction().execute(async (trx) => {
          // 20k rows still fit in a few hundred pages, which PostgreSQL would rather read whole; at real sizes it
          // would not. Forbidding the sequential scan leaves it to choose among the indexes.
          await sql`set local enable_seqscan = off`.execute(trx);
          const { rows } = await trx.executeQuery<{ 'QUERY PLAN': string }>({ ...q, sql: `explain ${q.sql}`, query: q.query });
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        });
      };
      try {
        const containsPlan = await plan(contains);
        const eqPlan = await plan(eq);
        if (engine === 'sqlite') {
          expect(containsPlan).toMatch(/SCAN autopilot_device_search_fts VIRTUAL TABLE INDEX/);
          expect(containsPlan).toMatch(/SEARCH autopilot_devices USING INDEX autopilot_devices_tenant_id \(tenant_id=\? AND id=\?\)/);
          expect(eqPlan).toMatch(/SEARCH autopilot_devices USING INDEX autopilot_devices_tenant_serial_lower \(tenant_id=\? AND <expr>=\?\)/);
        } else {
          expect(containsPlan).toMatch(/Bitmap Index Scan on autopilot_devices_serial_trgm/);
          expect(eqPlan).toMatch(/Index Scan (using|on) autopilot_devices_tenant_serial_lower/);
        }
        expect((await fetchPage(inTenant(), contains, engine)).rows.map((r) => r.id)).toContain(bulk[12_345].id);
        expect((await fetchPage(inTenant(), eq, engine)).rows.map((r) => r.id)).toEqual([bulk[12_345].id]);
      } finally {
        await db.deleteFrom('autopilot_devices').where('tenant_id', '=', BULK).execute();
      }
    });

    it('keeps the substring index in step with inserts, serial changes and deletes', async () => {
      const d = { ...device(9999), serial_number: 'ZZQ-TEST-1' };
      await insert(db, [d]);
      expect(ids((await list({ $filter: "contains(serialNumber,'q-tes')" })).rows)).toEqual([d.id]);
      await db.updateTable('autopilot_devices').set({ serial_number: 'YYW-OTHER-2' }).where('id', '=', d.id).execute();
      expect((await list({ $filter: "contains(serialNumber,'q-tes')" })).rows).toEqual([]);
      expect(ids((await list({ $filter: "contains(serialNumber,'w-oth')" })).rows)).toEqual([d.id]);
      await db.deleteFrom('autopilot_devices').where('id', '=', d.id).execute();
      expect((await list({ $filter: "contains(serialNumber,'w-oth')" })).rows).toEqual([]);
    });

    it('counts a search within the tenant, also after a device moves to another tenant', async () => {
      // On SQLite the count of contains() is read from the tenant's rowid range of the FTS index (migration 0009).
      const count = async (tenantId: string, f: string) => {
        const parsed = parseListQuery({ $filter: f, $count: 'true' }, model, { maxTop: 100, defaultTop: 100 });
        const inTenant = db.selectFrom('autopilot_devices').selectAll().where('tenant_id', '=', tenantId);
        return countRows(inTenant, parsed, engine, { tenantId, db });
      };
      const d = { ...device(9998), serial_number: 'QQMOVE-1' };
      await insert(db, [d, { ...device(9997), serial_number: 'QQMOVE-2' }]);
      try {
        expect([await count(TENANT, "contains(serialNumber,'qqmove')"), await count(OTHER, "contains(serialNumber,'qqmove')")]).toEqual([2, 0]);
        await db.updateTable('autopilot_devices').set({ tenant_id: OTHER }).where('id', '=', d.id).execute();
        expect([await count(TENANT, "contains(serialNumber,'qqmove')"), await count(OTHER, "contains(serialNumber,'qqmove')")]).toEqual([1, 1]);
        await db.updateTable('autopilot_devices').set({ tenant_id: TENANT, serial_number: 'QQMOVE-3' }).where('id', '=', d.id).execute();
        expect([await count(TENANT, "contains(serialNumber,'qqmove-3')"), await count(OTHER, "contains(serialNumber,'qqmove')")]).toEqual([1, 0]);
      } finally {
        await db.deleteFrom('autopilot_devices').where('serial_number', 'like', 'QQMOVE-%').execute();
      }
      expect(await count(TENANT, "contains(serialNumber,'qqmove')")).toBe(0);
    });

    it('pages through 1,000 rows 7 at a time, each exactly once, while rows are inserted between pages', async () => {
      const PAGING_TENANT = '33333333-3333-4333-8333-333333333333';
      await db.insertInto('tenants').values({ id: PAGING_TENANT, display_name: 'Paging', created_at: NOW }).execute();
      const original = Array.from({ length: 1000 }, (_, i) => device(i, PAGING_TENANT));
      await insert(db, original);
      for (const orderby of [undefined, 'serialNumber desc', 'lastContactedDateTime,groupTag desc']) {
        const seen = new Map<string, number>();
        let url = `https://tarmac.test/beta/deviceManagement/windowsAutopilotDeviceIdentities?$top=7${orderby ? `&$orderby=${orderby}` : ''}`;
        let pages = 0;
        let inserted = 0;
        for (;;) {
          const query = Object.fromEntries(new URL(url).searchParams);
          const parsed = parseListQuery(query, model, { maxTop: 100, defaultTop: 100 });
          const page = await fetchPage(db.selectFrom('autopilot_devices').selectAll().where('tenant_id', '=', PAGING_TENANT), parsed, engine);
          expect(page.rows.length).toBeLessThanOrEqual(7);
          for (const r of page.rows) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
          pages++;
          expect(pages).toBeLessThan(400); // never loops
          // Another writer adds devices between the pages.
          await insert(db, [device(5000 + inserted++, PAGING_TENANT), device(5000 + inserted++, PAGING_TENANT)]);
          if (!page.hasMore) break;
          url = buildNextLink(url, parsed, page.next!);
        }
        for (const d of original) expect(seen.get(d.id), `${orderby}: ${d.id}`).toBe(1);
        expect([...seen.values()].every((n) => n === 1)).toBe(true);
        await db.deleteFrom('autopilot_devices').where('tenant_id', '=', PAGING_TENANT).where('id', 'not in', original.map((d) => d.id)).execute();
      }
    });

    it('pages a prefix search in (lower(serial), id) order: each match once, in order, with $count, while devices are added and deleted between pages', async () => {
      // Without $orderby, startswith on the serial number reads the prefix's range of the (tenant, lower(serial)) index
      // (pageOrder). Many devices share a serial up to case (more than a page), so the id decides ties across pages;
      // '_' and '-' sort between the cases in binary order, and 'É' is lowered by PostgreSQL's lower() only.
      const PREFIX_TENANT = '55555555-5555-4555-8555-555555555555';
      await db.insertInto('tenants').values({ id: PREFIX_TENANT, display_name: 'Prefix', created_at: NOW }).execute();
      const suffixes = ['', '_', 'A', 'z', '-', 'É', 'é'];
      const serialOf = (i: number) => {
        const serial = `PX${suffixes[i % suffixes.length]}${Math.floor(i / 70)}`; // 10 devices a serial (up to case)
        return i % 3 === 0 ? serial.toLowerCase() : serial;
      };
      const make = (i: number, serial: string, tag?: string) => ({ ...device(i, PREFIX_TENANT), serial_number: serial, ...(tag === undefined ? {} : { group_tag: tag }) });
      const original = [
        ...Array.from({ length: 600 }, (_, i) => make(i, serialOf(i))),
        make(600, 'PX'),
        make(601, 'px'),
        ...Array.from({ length: 200 }, (_, i) => make(700 + i, ['PY1', 'P', 'QX1', 'xPX'][i % 4])),
      ];
      await insert(db, original);
      const current = new Map(original.map((d) => [d.id, d]));
      // The engine's lower() of every serial used here, and the page order it defines.
      const lowered = new Map<string, string>();
      const lowerOf = async (serial: string) => {
        if (!lowered.has(serial)) lowered.set(serial, (await sql<{ l: string }>`select lower(cast(${serial} as text)) as l`.execute(db)).rows[0].l);
        return lowered.get(serial)!;
      };
      const before = (a: { id: string; serial_number: string }, b: { id: string; serial_number: string }) => {
        const c = Buffer.compare(Buffer.from(lowered.get(a.serial_number)!), Buffer.from(lowered.get(b.serial_number)!));
        return c !== 0 ? c < 0 : a.id < b.id;
      };
      for (const d of original) await lowerOf(d.serial_number);
      const inTenant = () => db.selectFrom('autopilot_devices').selectAll().where('tenant_id', '=', PREFIX_TENANT);
      const filters: [string, (d: Device) => boolean][] = [
        ["startswith(serialNumber,'pX')", (d) => d.serial_number.toLowerCase().startsWith('px')],
        ["startswith(serialNumber,'PX') and groupTag eq 'sales'", (d) => d.serial_number.toLowerCase().startsWith('px') && d.group_tag.toLowerCase() === 'sales'],
      ];
      let next = 10_000;
      for (const [f, pred] of filters) {
        const matchesAtStart = original.filter((d) => current.has(d.id) && pred(d));
        expect(matchesAtStart.length, f).toBeGreaterThan(100);
        const seen: (typeof original)[number][] = [];
        const deletedUnseen = new Set<string>();
        const addedBehind = new Set<string>();
        const addedAll: string[] = [];
        let url = `https://tarmac.test/beta/deviceManagement/windowsAutopilotDeviceIdentities?$top=7&$count=true&$filter=${encodeURIComponent(f)}`;
        for (let pages = 0; ; pages++) {
          expect(pages, 'never loops').toBeLessThan(200);
          const parsed = parseListQuery(Object.fromEntries(new URL(url).searchParams), model, { maxTop: 100, defaultTop: 100 });
          const page = await listPage(inTenant(), parsed, engine, (rows) => rows, { tenantId: PREFIX_TENANT, db });
          expect(page.count, `${f}: @odata.count on page ${pages}`).toBe([...current.values()].filter(pred).length);
          expect(page.items.length).toBeLessThanOrEqual(7);
          for (const row of page.items) expect(Object.keys(row), 'the rows are the caller’s selection').not.toContain('odata_order_0');
          for (const row of page.items) seen.push(current.get(row.id)!);
          // Another writer between the pages: a match before the cursor, one after it (until the cursor passes 'pxzz'),
          // one non-match; every third page an unseen original match and a seen device deleted.
          const added = [make(next++, 'PX!', 'Sales'), make(next++, 'pxzz', 'Sales'), make(next++, 'PY9', 'Sales')];
          await insert(db, added);
          addedBehind.add(added[0].id);
          addedAll.push(...added.map((d) => d.id));
          for (const d of added) {
            current.set(d.id, d);
            await lowerOf(d.serial_number);
          }
          const unseen = pages % 3 === 1 ? matchesAtStart.find((d) => current.has(d.id) && !seen.some((s) => s.id === d.id)) : undefined;
          const gone = pages % 3 === 1 ? [unseen?.id, seen[pages]?.id].filter((id): id is string => id !== undefined && current.has(id)) : [];
          if (gone.length > 0) await db.deleteFrom('autopilot_devices').where('id', 'in', gone).execute();
          for (const id of gone) current.delete(id);
          if (unseen) deletedUnseen.add(unseen.id);
          if (!page.next) break;
          url = buildNextLink(url, parsed, page.next);
        }
        const ids = seen.map((d) => d.id);
        expect(new Set(ids).size, `${f}: no row twice`).toBe(ids.length);
        for (const d of matchesAtStart) if (!deletedUnseen.has(d.id)) expect(ids, `${f}: ${d.serial_number} ${d.id}`).toContain(d.id);
        for (const id of deletedUnseen) expect(ids).not.toContain(id);
        for (let i = 1; i < seen.length; i++) expect(before(seen[i - 1], seen[i]), `${f}: ${seen[i - 1].serial_number} before ${seen[i].serial_number}`).toBe(true);
        expect(seen.every((d) => pred(d))).toBe(true);
        // Matches added behind the cursor are not in this walk; those ahead of it are.
        expect(seen.some((d) => addedBehind.has(d.id))).toBe(false);
        expect(seen.some((d) => d.serial_number === 'pxzz')).toBe(true);
        // The next filter starts from the original devices (less those deleted).
        await db.deleteFrom('autopilot_devices').where('id', 'in', addedAll).execute();
        for (const id of addedAll) current.delete(id);
      }
      await db.deleteFrom('autopilot_devices').where('tenant_id', '=', PREFIX_TENANT).execute();
    });
  });
}
