// Query plans of the hot paths, on SQLite and PostgreSQL: every SQL statement the OOBE calls, the import worker, Graph
// GET/list/update/delete of Autopilot devices and one device's group re-evaluation execute must reach the rows of a
// growing table through an index — never a full scan, and never a walk over a whole tenant — so that their cost stays
// flat as the registry grows.
//
// The statements are captured below the store (a Kysely plugin on the Db the app and the domain get), so the check
// does not depend on how src/store is organised. Each is then explained with its parameters:
// - SQLite: EXPLAIN QUERY PLAN, both without statistics (Tarmac never runs ANALYZE, so that is how it runs) and
//   after ANALYZE;
// - PostgreSQL: EXPLAIN (FORMAT JSON) after ANALYZE, with enable_seqscan off, so that a Seq Scan appears only where
//   no index can serve the query at all.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql, CompiledQuery, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import type { TarmacApp } from '../../src/http/types.js';
import { afterDevicesChanged } from '../../src/lifecycle/index.js';
import { unassignProfile } from '../../src/profiles/index.js';
import { processImportBatch } from '../../src/registry/process-imports.js';
import { SQLITE_FILE_NAME, createStore, createTenantsStore, migrateToLatest, type Db } from '../../src/store/index.js';
import { authenticateUser, createApp, createTenant, createUser, type CreatedTenant } from '../../src/tenants/index.js';
import { checkAuthorizeRequest, issueAuthorizationCode, redeemAuthorizationCode, redeemRefreshToken } from '../../src/tokens/index.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { insertPartnerRows } from '../support/partner-rows.js';
import { syntheticInventory } from '../../src/hash/index.js';
import { createTestDatabase, dropPostgresFileDatabase, withTestKeyEncryptionKey, type TestDatabase, type TestEngine } from '../support/test-databases.js';
import { BETA_DEVICES, DEVICES, IMPORTS, PROFILES } from '../support/graph-paths.js';
import { parseListQuery } from '../../src/http/odata/index.js';
import { applyListQuery, countRows, KEY_ORDER_WALK } from '../../src/store/list-query/compile.js';
import { auditEventModel, autopilotDeviceModel } from '../../src/store/index.js';
import { newAuditEvent } from '../../src/audit/index.js';

/** Devices registered per tenant before the plans are taken (enough for both planners to prefer indexes honestly). */
const CONTOSO_DEVICES = 2000;
const FABRIKAM_DEVICES = 1000;
const ENROLLED = 40;
const WORKPLACE_JOINED = 400;

/** Tables whose row count grows with the registry: never scanned, never walked tenant-wide. */
const GROWING = new Set([
  'autopilot_devices',
  'autopilot_device_hashes',
  'autopilot_device_search',
  'autopilot_device_search_fts',
  'device_identity_keys',
  'imported_device_identities',
  'imported_device_hashes',
  'entra_devices',
  'entra_device_physical_ids',
  'group_members',
  'managed_devices',
  'neighbour_hardware_keys',
  // Sign-in (0008): users grow with the organisation, codes and refresh tokens with every sign-in.
  'users',
  'auth_codes',
  'refresh_tokens',
  // The audit log (0012): one row per write, kept a year.
  'audit_events',
]);

/** Tables that stay small whatever the registry holds; scanning them is fine. Any other table fails the check. */
const SMALL: Record<string, string> = {
  tenants: 'one row per tenant',
  tenant_domains: 'a few domains per tenant',
  apps: 'a few apps per tenant',
  app_secrets: 'a few secrets per app',
  signing_keys: 'a handful of keys, rotated',
  autopilot_settings: 'one row per tenant',
  groups: 'per tenant, hundreds at most, and read by tenant',
  deployment_profiles: 'at most 350 per tenant',
  deployment_profile_assignments: 'a few per profile',
  partner_policies: 'Partner Center policies: a handful per customer, read by customer',
  autopilot_device_search_tenants: 'the rowid range of each tenant in the SQLite search index (0009): one row per tenant',
};

/**
 * Derived tables (subqueries in FROM) whose rows are bounded by what the statement was given, not by the registry;
 * the plan of their own subquery is checked like any other.
 */
const DERIVED: Record<string, string> = {
  held: 'holdersOf: the identity keys one device presents (four at most), grouped per holder',
  contact: 'recordContacts on SQLite: the VALUES list of one batch of profile downloads (500 at most; PostgreSQL unnests arrays)',
};

/**
 * Partial indexes that hold only the rows a query wants, walked in order up to its LIMIT: reading them from the start is
 * the point, and their size does not grow with the registry.
 */
const PARTIAL_INDEXES: Record<string, string> = {
  imported_device_identities_waiting: 'import rows still waiting for the worker (migration 0004); claim takes the oldest batch',
};

/** Seeds: Contoso's devices, then Fabrikam's, then hashes used by the tests (never registered before they run). */
const FABRIKAM_SEED = 100_000;
const SPARE_SEED = 200_000;

/** Records the statements executed while `recording` is on (compiled with the parameters they ran with). */
class StatementCapture implements KyselyPlugin {
  recording = false;
  readonly statements: CompiledQuery[] = [];
  constructor(private readonly compile: (node: RootOperationNode, args: PluginTransformQueryArgs) => CompiledQuery) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.recording) this.statements.push(this.compile(args.node, args));
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

interface Setup {
  engine: TestEngine;
  tdb: TestDatabase;
  /** The Db the app and the domain use: the test database with the capture plugin. */
  db: Db;
  app: TarmacApp;
  contoso: CreatedTenant;
  fabrikam: CreatedTenant;
  token: Map<string, string>;
  capture: StatementCapture;
  salesGroupId: string;
}

async function call(s: Setup, who: CreatedTenant, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
  let token = s.token.get(who.tenant.id);
  if (!token) {
    const res = await s.app.inject({
      method: 'POST',
      url: `/${who.tenant.id}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: who.app.clientId, client_secret: who.clientSecret, scope: 'https://graph.microsoft.com/.default' }).toString(),
    });
    token = (res.json() as { access_token: string }).access_token;
    s.token.set(who.tenant.id, token);
  }
  const res = await s.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.statusCode, body: (res.body === '' ? undefined : res.json()) as any };
}

async function device(s: Setup, path: string, body: unknown): Promise<number> {
  const res = await s.app.inject({ method: 'POST', url: `/oobe/v1/${path}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  if (res.statusCode >= 300) throw new Error(`POST /oobe/v1/${path}: ${res.statusCode} ${res.body}`);
  return res.statusCode;
}

/** Accepts import rows (the worker is off) and returns their ids. */
async function acceptImports(s: Setup, who: CreatedTenant, items: { hardwareIdentifier: string; groupTag?: string }[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < items.length; i += 500) {
    const res = await call(s, who, 'POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: items.slice(i, i + 500) });
    if (res.status !== 200) throw new Error(`import: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(...(res.body.value as { id: string }[]).map((r) => r.id));
  }
  return ids;
}

/** Runs the import worker's unit of work until the queue is empty. */
async function drainImports(s: Setup): Promise<void> {
  const store = createStore(s.db);
  const options = { owner: randomUUID(), batchSize: 500, leaseMs: 60_000, maxAttempts: 5, now: () => new Date() };
  while ((await processImportBatch(store, options)).settled > 0);
}

async function setUp(engine: TestEngine): Promise<Setup> {
  const tdb = await createTestDatabase(engine);
  await migrateToLatest(tdb.db);
  const tenants = createTenantsStore(tdb.db);
  const contoso = await createTenant(tenants, { domain: 'contoso.onmicrosoft.com', displayName: 'Contoso' });
  const fabrikam = await createTenant(tenants, { domain: 'fabrikam.onmicrosoft.com', displayName: 'Fabrikam' });
  const executor = tdb.db.getExecutor();
  const capture = new StatementCapture((node, args) => executor.compileQuery(node, args.queryId));
  const db = tdb.db.withPlugin(capture);
  const config = loadConfig(
    withTestKeyEncryptionKey({
      TARMAC_DATA_DIR: tdb.settings.dataDir,
      ...(tdb.settings.databaseUrl ? { TARMAC_DATABASE_URL: tdb.settings.databaseUrl } : {}),
      TARMAC_OOBE_RATE_LIMIT: '100000',
    }),
  );
  const app = await buildApp({ db, config, logger: false, importWorker: false });
  const s: Setup = { engine, tdb, db, app, contoso, fabrikam, token: new Map(), capture, salesGroupId: '' };

  // Groups and profiles first, so that registration puts devices into them and resolves their profiles.
  const group = async (who: CreatedTenant, body: Record<string, unknown>): Promise<string> => {
    const res = await call(s, who, 'POST', '/v1.0/groups', { mailEnabled: false, securityEnabled: true, ...body });
    if (res.status !== 201) throw new Error(`group: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const profile = async (who: CreatedTenant, name: string, target: Record<string, unknown>): Promise<void> => {
    const created = await call(s, who, 'POST', PROFILES, { '@odata.type': '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile', displayName: name, deviceNameTemplate: 'PC-%SERIAL%' });
    if (created.status !== 201) throw new Error(`profile: ${created.status} ${JSON.stringify(created.body)}`);
    const assigned = await call(s, who, 'POST', `${PROFILES}/${created.body.id}/assignments`, { target });
    if (assigned.status !== 201) throw new Error(`assignment: ${assigned.status} ${JSON.stringify(assigned.body)}`);
  };
  s.salesGroupId = await group(contoso, {
    displayName: 'Autopilot Sales',
    mailNickname: 'ap-sales',
    groupTypes: ['DynamicMembership'],
    membershipRule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))',
  });
  await group(contoso, { displayName: 'All Autopilot', mailNickname: 'ap-all', groupTypes: ['DynamicMembership'], membershipRule: '(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]"))' });
  const staticGroup = await group(contoso, { displayName: 'Pilot', mailNickname: 'pilot' });
  await profile(contoso, 'Sales', { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: s.salesGroupId });
  await profile(contoso, 'Everyone', { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' });
  await group(fabrikam, { displayName: 'All Autopilot', mailNickname: 'ap-all', groupTypes: ['DynamicMembership'], membershipRule: '(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]"))' });
  await profile(fabrikam, 'Fabrikam', { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' });

  // Personal devices (Entra registered, some MDM-only): Entra objects and managed devices with neighbour keys.
  for (let i = 0; i < WORKPLACE_JOINED; i++) {
    await device(s, 'workplace-join', { hardwareHash: syntheticHash(SPARE_SEED + 1000 + i), userPrincipalName: `user${i}@contoso.onmicrosoft.com`, mdm: i % 2 === 0 });
  }

  const tags = ['Sales', 'HR', 'Ops'];
  await acceptImports(s, contoso, Array.from({ length: CONTOSO_DEVICES }, (_, i) => ({ hardwareIdentifier: syntheticHash(1 + i), groupTag: tags[i % 3] })));
  await acceptImports(s, fabrikam, Array.from({ length: FABRIKAM_DEVICES }, (_, i) => ({ hardwareIdentifier: syntheticHash(FABRIKAM_SEED + i) })));
  await drainImports(s);

  // Enrolled devices (Entra joined, company-owned managed devices) and a static group with some of them.
  for (let i = 0; i < ENROLLED; i++) {
    const hash = syntheticHash(1 + i);
    await device(s, 'profile', { hardwareHash: hash });
    await device(s, 'enroll', { hardwareHash: hash, userPrincipalName: `user${i}@contoso.onmicrosoft.com` });
  }
  const some = await call(s, contoso, 'GET', `/v1.0/devices?$top=5`);
  for (const d of some.body.value as { id: string }[]) {
    await call(s, contoso, 'POST', `/v1.0/groups/${staticGroup}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${d.id}` });
  }

  if (engine === 'postgres') await sql`analyze`.execute(tdb.db);
  return s;
}

// ---- plans ------------------------------------------------------------------------------------------------------------

interface Offence {
  statement: CompiledQuery;
  why: string;
  plan: string;
}

/** alias → table, from Kysely's `"table" as "alias"`. */
function aliases(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/"(\w+)" as "(\w+)"/g)) out.set(m[2], m[1]);
  return out;
}

function classify(table: string): 'growing' | 'small' | 'unknown' {
  if (GROWING.has(table)) return 'growing';
  if (table in SMALL || table in DERIVED) return 'small';
  return 'unknown';
}

/** Offences in a SQLite EXPLAIN QUERY PLAN. */
function sqliteOffences(statement: CompiledQuery, rows: { detail: string }[]): string[] {
  const names = aliases(statement.sql);
  const out: string[] = [];
  for (const { detail } of rows) {
    const m = /^(SCAN|SEARCH) (\w+)(.*)$/.exec(detail);
    // A VALUES list: one constant row, or n of them (`SCAN 2 CONSTANT ROWS`, newer SQLite: `n-ROW VALUES CLAUSE`).
    if (!m || m[2] === 'CONSTANT' || /^SCAN \d+ CONSTANT ROWS/.test(detail) || /^SCAN \d+-ROW VALUES CLAUSE/.test(detail)) continue;
    const [, op, name, rest] = m;
    const table = names.get(name) ?? name;
    const kind = classify(table);
    if (kind === 'unknown') out.push(`${detail}: table ${table} is neither growing nor known small; classify it in query-plans.test.ts`);
    if (kind !== 'growing') continue;
    // FTS5: the MATCH constraint is answered from the trigram index (idxStr holds it); a scan without one reads all.
    if (rest.includes('VIRTUAL TABLE INDEX')) {
      if (!/VIRTUAL TABLE INDEX \d+:\S*M/.test(rest)) out.push(`${detail}: full scan of the FTS index`);
      continue;
    }
    const partial = /USING (?:COVERING )?INDEX (\w+)/.exec(rest)?.[1];
    if (op === 'SCAN' && partial !== undefined && partial in PARTIAL_INDEXES) continue;
    if (op === 'SCAN') out.push(`${detail}: full scan of ${table}`);
    else if (/\(tenant_id=\?\)$/.test(rest) || /\(tenant_id=\? AND rowid[<>=]+\?\)$/.test(rest)) {
      if (!keyOrderWalk(statement, rest, rows)) out.push(`${detail}: walks every row of a tenant in ${table}`);
    }
  }
  return out;
}

/**
 * A search page that walks the tenant's devices in key order (src/store/list-query/compile.ts, KEY_ORDER_WALK): run only
 * when the matches are dense (or over a fixed sample of keys), it stops at its LIMIT after about (top + 1) ÷ density
 * rows. Allowed when the statement says so, walks autopilot_devices_tenant_id (the key order, no sort) and is limited.
 */
function keyOrderWalk(statement: CompiledQuery, detail: string, plan?: { detail: string }[]): boolean {
  return (
    statement.sql.includes(KEY_ORDER_WALK) &&
    // A LIMIT, or OFFSET 0 on PostgreSQL's key window inside a statement whose LIMIT bounds it.
    /\b(limit|offset)\b/i.test(statement.sql) &&
    /INDEX autopilot_devices_tenant_id\b/.test(detail) &&
    !(plan ?? []).some((r) => /USE TEMP B-TREE FOR ORDER BY/.test(r.detail))
  );
}

/**
 * `explain` on the SQLite database as Tarmac runs it (no statistics: Tarmac never runs ANALYZE) and on a copy after
 * ANALYZE, by label.
 */
function withAndWithoutStatistics<T>(s: Setup, explain: (label: string, conn: SqliteDatabase.Database) => T): Record<string, T> {
  const dir = mkdtempSync(join(tmpdir(), 'tarmac-plans-'));
  const copy = join(dir, 'analyzed.db');
  try {
    const plain = new SqliteDatabase(join(s.tdb.settings.dataDir, SQLITE_FILE_NAME), { readonly: true });
    let withoutStatistics: T;
    try {
      withoutStatistics = explain('without statistics', plain);
      plain.prepare('vacuum into ?').run(copy);
    } finally {
      plain.close();
    }
    const analyzed = new SqliteDatabase(copy);
    try {
      analyzed.exec('analyze');
      return { 'without statistics': withoutStatistics, 'after ANALYZE': explain('after ANALYZE', analyzed) };
    } finally {
      analyzed.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A statement's SQLite plan, as Tarmac runs it (no statistics) and after ANALYZE (on a copy). */
function sqlitePlans(s: Setup, statement: CompiledQuery): Record<string, string> {
  return withAndWithoutStatistics(s, (_label, conn) =>
    (conn.prepare(`explain query plan ${statement.sql}`).all(...statement.parameters) as { detail: string }[]).map((r) => r.detail).join('\n'),
  );
}

interface PgNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Filter?: string;
  'Join Type'?: string;
  'Hash Cond'?: string;
  Plans?: PgNode[];
}

/** A PostgreSQL plan as an indented tree of one line per node (constants shortened). */
function renderPostgresPlan(root: PgNode): string {
  const lines: string[] = [];
  const clip = (text: string) => (text.length > 160 ? `${text.slice(0, 160)}…` : text);
  const visit = (node: PgNode, depth: number): void => {
    const parts = [node['Node Type'], node['Join Type'] ? `(${node['Join Type']})` : ''];
    if (node['Relation Name']) parts.push(`on ${node['Relation Name']}${node.Alias && node.Alias !== node['Relation Name'] ? ` ${node.Alias}` : ''}`);
    if (node['Index Name']) parts.push(`using ${node['Index Name']}`);
    if (node['Index Cond']) parts.push(`cond ${clip(node['Index Cond'])}`);
    if (node['Hash Cond']) parts.push(`hash ${clip(node['Hash Cond'])}`);
    if (node.Filter) parts.push(`filter ${clip(node.Filter)}`);
    lines.push(`${'  '.repeat(depth)}${parts.filter(Boolean).join(' ')}`);
    for (const child of node.Plans ?? []) visit(child, depth + 1);
  };
  visit(root, 0);
  return lines.join('\n');
}

/**
 * Offences in a PostgreSQL EXPLAIN (FORMAT JSON) plan. `leading` maps each index to its first key column (or
 * expression): an index condition that does not constrain it reads the whole index.
 */
function postgresOffences(root: PgNode, leading: Map<string, string>, statement?: CompiledQuery): { why: string; index: string | undefined }[] {
  const out: { why: string; index: string | undefined }[] = [];
  const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
  const visit = (node: PgNode, parent: PgNode | undefined): void => {
    const type = node['Node Type'];
    let table = node['Relation Name'];
    if (type === 'Bitmap Index Scan' && parent?.['Node Type'] === 'Bitmap Heap Scan') table = parent['Relation Name'];
    if (type === 'Bitmap Index Scan' && parent?.['Node Type'] !== 'Bitmap Heap Scan') {
      // Under BitmapAnd/BitmapOr: the heap scan above names the table; find it.
      table = findHeapTable(root, node);
    }
    const scan = type === 'Seq Scan' || type === 'Index Scan' || type === 'Index Only Scan' || type === 'Bitmap Index Scan';
    if (table && scan) {
      const kind = classify(table);
      const index = node['Index Name'];
      if (kind === 'unknown') out.push({ why: `${type} on ${table}: table ${table} is neither growing nor known small; classify it in query-plans.test.ts`, index: undefined });
      if (kind === 'growing' && !(index !== undefined && index in PARTIAL_INDEXES)) {
        const where = `${type} on ${table}${index ? ` using ${index}` : ''}`;
        const cond = node['Index Cond']?.replace(/::[\w ]+?(\[\])?(?=[),])/g, '');
        const first = index ? leading.get(index) : undefined;
        const offence = (why: string) => out.push({ why, index });
        if (type === 'Seq Scan') offence(`${where}: full scan of ${table}`);
        else if (cond === undefined) offence(`${where}: reads the whole index`);
        else if (first !== undefined && !cond.includes(first)) offence(`${where} (${clip(cond)}): the condition misses the index's first column ${first}, so it reads the whole index`);
        else if (/^\(tenant_id = '[^']*'\)$/.test(cond) && !(statement && keyOrderWalk(statement, `INDEX ${index ?? ''}`))) {
          offence(`${where} (${cond}): walks every row of a tenant in ${table}`);
        }
      }
    }
    for (const child of node.Plans ?? []) visit(child, node);
  };
  visit(root, undefined);
  return out;
}

function findHeapTable(root: PgNode, target: PgNode): string | undefined {
  const search = (node: PgNode, heap: string | undefined): string | undefined => {
    const here = node['Node Type'] === 'Bitmap Heap Scan' ? node['Relation Name'] : heap;
    if (node === target) return here;
    for (const child of node.Plans ?? []) {
      const found = search(child, here);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return search(root, undefined);
}

/** Statements that are not plans worth checking (none today; transactions do not pass through plugins). */
function explainable(statement: CompiledQuery): boolean {
  return /^\s*(select|insert|update|delete|with)\b/i.test(statement.sql);
}

async function offences(s: Setup, statements: CompiledQuery[]): Promise<Offence[]> {
  const raw = s.tdb.db;
  const found: Offence[] = [];
  const unique = new Map<string, CompiledQuery>();
  for (const st of statements.filter(explainable)) unique.set(`${st.sql}\u0000${JSON.stringify(st.parameters, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`, st);
  if (s.engine === 'sqlite') {
    const explainAll = (label: string, conn: SqliteDatabase.Database) => {
      for (const st of unique.values()) {
        const rows = conn.prepare(`explain query plan ${st.sql}`).all(...st.parameters) as { detail: string }[];
        for (const why of sqliteOffences(st, rows)) found.push({ statement: st, why: `${label}: ${why}`, plan: rows.map((r) => r.detail).join('\n') });
      }
    };
    withAndWithoutStatistics(s, explainAll);
    return found;
  }
  const { rows: indexes } = await sql<{ name: string; first: string }>`
    select c.relname as name, pg_get_indexdef(i.indexrelid, 1, true) as first
    from pg_index i join pg_class c on c.oid = i.indexrelid where c.relnamespace = current_schema()::regnamespace`.execute(raw);
  const leading = new Map(indexes.map((i) => [i.name, i.first]));
  await raw.transaction().execute(async (trx) => {
    const explain = async (st: CompiledQuery): Promise<PgNode> => {
      const { rows } = await trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PgNode }] }>(CompiledQuery.raw(`explain (format json) ${st.sql}`, [...st.parameters]));
      return rows[0]['QUERY PLAN'][0].Plan;
    };
    await sql`set local enable_seqscan = off`.execute(trx);
    for (const st of unique.values()) {
      const plan = await explain(st);
      const first = postgresOffences(plan, leading, st);
      if (first.length === 0) continue;
      // On tables this small the planner may rightly prefer reading a tenant's rows, a whole small index or a whole
      // small table to hash it, over looking rows up one by one; as the registry grows it switches to the lookups. So
      // before failing, plan again as the planner would on a much larger registry: every row read priced a hundred
      // times higher, and joins made by lookups (no hash or merge joins). A query passes when the planner then finds
      // a plan that reads only the rows it needs; one that no index can serve still fails.
      await sql`savepoint plan_retry`.execute(trx);
      let retried: PgNode;
      try {
        await sql`set local cpu_tuple_cost = 1`.execute(trx);
        await sql`set local cpu_index_tuple_cost = 0.5`.execute(trx);
        await sql`set local cpu_operator_cost = 0.25`.execute(trx);
        await sql`set local enable_hashjoin = off`.execute(trx);
        await sql`set local enable_mergejoin = off`.execute(trx);
        retried = await explain(st);
      } finally {
        await sql`rollback to savepoint plan_retry`.execute(trx);
      }
      const left = postgresOffences(retried, leading, st);
      if (left.length === 0) continue;
      const retry = `  with row reads priced 100 times higher, joins by lookups:\n${renderPostgresPlan(retried)}`;
      for (const o of first) found.push({ statement: st, why: o.why, plan: `${renderPostgresPlan(plan)}\n${retry}` });
    }
  });
  return found;
}

/** Runs `work` with the capture on and fails with every statement whose plan scans a growing table. */
async function expectIndexedPlans(s: Setup, work: () => Promise<void>): Promise<number> {
  s.capture.statements.length = 0;
  s.capture.recording = true;
  try {
    await work();
  } finally {
    s.capture.recording = false;
  }
  const statements = [...s.capture.statements];
  expect(statements.length).toBeGreaterThan(0);
  const found = await offences(s, statements);
  const short = (text: string) =>
    text
      .replace(/(?:(?:\?|\$\d+), ){3,}(?:\?|\$\d+)/g, '?, …')
      .replace(/(?:\(\?, …\), ){2,}\(\?, …\)/g, '(?, …), …')
      .slice(0, 1500);
  const report = found.map((o) => `${o.why}\n  SQL: ${short(o.statement.sql)}\n  parameters: ${JSON.stringify(o.statement.parameters).slice(0, 300)}\n  plan:\n${o.plan.replace(/^/gm, '    ')}`);
  expect(report, `${found.length} statement(s) scan a growing table:\n\n${report.join('\n\n')}`).toEqual([]);
  return statements.length;
}

// ---- the hot paths ------------------------------------------------------------------------------------------------------

describe.each(ENGINES)('query plans of the hot paths (%s)', (engine) => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp(engine);
  }, 600_000);
  afterAll(async () => {
    await s?.app.close();
    await s?.tdb.cleanup();
    if (engine === 'postgres') await dropPostgresFileDatabase();
  });

  it('OOBE: profile download, enrollment and check-in by hash', { timeout: 120_000 }, async () => {
    const hash = syntheticHash(ENROLLED + 10);
    await expectIndexedPlans(s, async () => {
      await device(s, 'profile', { hardwareHash: hash });
      await device(s, 'enroll', { hardwareHash: hash, userPrincipalName: 'someone@contoso.onmicrosoft.com' });
      await device(s, 'check-in', { hardwareHash: hash });
      await device(s, 'profile', { hardwareHash: syntheticHash(FABRIKAM_SEED + 7) });
      await device(s, 'workplace-join', { hardwareHash: syntheticHash(SPARE_SEED + 1), userPrincipalName: 'byod@contoso.onmicrosoft.com', mdm: true });
      // The profile download's boot lookup is compiled once per store (the app's, before this test records): a fresh
      // store's, by itself and several at once (one grouped statement on PostgreSQL).
      const fresh = createStore(s.db);
      await fresh.devices.bootDeviceOfHash(Buffer.from(hash, 'base64'));
      await Promise.all([hash, syntheticHash(FABRIKAM_SEED + 7), syntheticHash(SPARE_SEED + 2)].map((h) => createStore(s.db).devices.bootDeviceOfHash(Buffer.from(h, 'base64'))));
      // The contact write, with and without a delivery.
      const booted = (await fresh.devices.bootDeviceOfHash(Buffer.from(hash, 'base64')))!;
      const at = new Date().toISOString();
      await fresh.devices.recordContacts([
        { tenantId: booted.tenantId, id: booted.id, at },
        { tenantId: booted.tenantId, id: booted.id, at, delivery: { profileId: booted.deliveredProfileId, assignedInSync: false } },
      ]);
    });
  });

  it('the import worker settling a batch (new devices, 806, 808, 814)', { timeout: 120_000 }, async () => {
    const items = [
      ...Array.from({ length: 50 }, (_, i) => ({ hardwareIdentifier: syntheticHash(SPARE_SEED + 100 + i), groupTag: 'Sales' })),
      { hardwareIdentifier: syntheticHash(5) },
      { hardwareIdentifier: syntheticHash(FABRIKAM_SEED + 5) },
      { hardwareIdentifier: syntheticHash(SPARE_SEED + 1000) },
    ];
    const ids = await acceptImports(s, s.contoso, items);
    await expectIndexedPlans(s, () => drainImports(s));
    const states = await Promise.all(ids.slice(-3).map(async (id) => (await call(s, s.contoso, 'GET', `${IMPORTS}/${id}`)).body.state.deviceErrorCode as number));
    expect(states).toEqual([806, 808, 814]);
  });

  it('partner/OEM registrations without a hash: the worker, then first boots by tuple and by PKID (attaching the hash), and 813', { timeout: 120_000 }, async () => {
    const store = createStore(s.db);
    const seeds = [SPARE_SEED + 2000, SPARE_SEED + 2001, SPARE_SEED + 2002];
    const tuple = (seed: number) => {
      const { manufacturer, model, serialNumber } = syntheticInventory(seed).system;
      return { manufacturer: manufacturer ?? '', model: model ?? '', serialNumber: serialNumber ?? '' };
    };
    const pkid = (seed: number) => syntheticInventory(seed).productKey.productKeyId ?? '';
    await insertPartnerRows(store, s.contoso.tenant.id, [tuple(seeds[0]), { productKey: pkid(seeds[1]) }, tuple(seeds[2])]);
    await insertPartnerRows(store, s.fabrikam.tenant.id, [{ productKey: pkid(seeds[2]), origin: 'oem' }]);
    await expectIndexedPlans(s, async () => {
      await drainImports(s);
      expect(await device(s, 'profile', { hardwareHash: syntheticHash(seeds[0]) })).toBe(200);
      expect(await device(s, 'profile', { hardwareHash: syntheticHash(seeds[1]) })).toBe(200);
      const conflict = await s.app.inject({ method: 'POST', url: '/oobe/v1/profile', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ hardwareHash: syntheticHash(seeds[2]) }) });
      expect(conflict.statusCode).toBe(409);
    });
  });

  it('Graph: GET by id, $filter eq/startswith/contains on serialNumber with $top, updateDeviceProperties, delete', { timeout: 120_000 }, async () => {
    // Devices never enrolled: deleting an enrolled one is refused while its Intune record exists.
    const list = await call(s, s.contoso, 'GET', `${DEVICES}?$top=3&$select=id,serialNumber&$filter=${encodeURIComponent("enrollmentState eq 'notContacted'")}`);
    const [a, b, c] = list.body.value as { id: string; serialNumber: string }[];
    await expectIndexedPlans(s, async () => {
      expect((await call(s, s.contoso, 'GET', `${DEVICES}/${a.id}`)).status).toBe(200);
      expect((await call(s, s.contoso, 'GET', `${BETA_DEVICES}/${a.id}`)).status).toBe(200);
      // Long and 3-character needles (these match many devices), each with and without $count.
      const filters = [
        `serialNumber eq '${b.serialNumber}'`,
        `startswith(serialNumber,'${b.serialNumber.slice(0, 6)}')`,
        `contains(serialNumber,'${b.serialNumber.slice(2, 8)}')`,
        `startswith(serialNumber,'${b.serialNumber.slice(0, 3)}')`,
        `contains(serialNumber,'${b.serialNumber.slice(2, 5)}')`,
      ];
      for (const filter of filters) {
        for (const count of ['', '&$count=true']) {
          const res = await call(s, s.contoso, 'GET', `${DEVICES}?$filter=${encodeURIComponent(filter)}&$top=10${count}`);
          expect([res.status, res.body.value.length > 0]).toEqual([200, true]);
        }
      }
      expect((await call(s, s.contoso, 'POST', `${DEVICES}/${b.id}/updateDeviceProperties`, { groupTag: 'Sales', displayName: 'renamed' })).status).toBe(204);
      expect((await call(s, s.contoso, 'DELETE', `${DEVICES}/${c.id}`)).status).toBe(204);
    });
  });

  it('Graph: a search page read either way (sorted from the index, or walking the key order), and its count', { timeout: 120_000 }, async () => {
    // At 2,000 devices fetchPage picks the index way on SQLite; both ways are checked here, as at 1M either can run.
    const list = await call(s, s.contoso, 'GET', `${DEVICES}?$top=1&$select=id,serialNumber`);
    const serial = (list.body.value as { serialNumber: string }[])[0].serialNumber;
    const scope = { tenantId: s.contoso.tenant.id, db: s.db };
    const base = () => s.db.selectFrom('autopilot_devices').selectAll().where('tenant_id', '=', s.contoso.tenant.id);
    await expectIndexedPlans(s, async () => {
      for (const filter of [`contains(serialNumber,'${serial.slice(1, 4)}')`, `startswith(serialNumber,'${serial.slice(0, 3)}')`, `endswith(serialNumber,'${serial.slice(-3)}')`]) {
        const parsed = parseListQuery({ $filter: filter, $top: '100', $count: 'true' }, autopilotDeviceModel, { maxTop: 1000, defaultTop: 100 });
        for (const access of ['index', 'walk'] as const) expect((await applyListQuery(base(), parsed, s.engine, scope, access).execute()).length).toBeGreaterThan(0);
        expect(await countRows(base(), parsed, s.engine, scope)).toBeGreaterThan(0);
      }
    });
  });

  it('Graph: a prefix search without $orderby reads its prefix range in (lower(serial), id) order, first and next page, with $count', { timeout: 120_000 }, async () => {
    // pageOrder (src/model/list-query.ts): the page is the first 101 entries of the prefix's range in the (tenant,
    // lower(serial)) index from the skip token's position: no probe, no walk of the tenant, no sort of every match.
    // SQLite sorts only equal serials ("USE TEMP B-TREE FOR LAST TERM OF ORDER BY"); PostgreSQL's index (migration
    // 0013) holds the id too and yields the page order itself, however few matches its statistics expect.
    const rows = await s.db.selectFrom('autopilot_devices').select('serial_number').where('tenant_id', '=', s.contoso.tenant.id).execute();
    const serials = rows.map((d) => d.serial_number.toLowerCase());
    // The commonest 3-character prefix (more than two pages, so that the next page runs too), and a 6-character one.
    const counts = new Map<string, number>();
    for (const x of serials) counts.set(x.slice(0, 3), (counts.get(x.slice(0, 3)) ?? 0) + 1);
    const dense = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    const prefixes = [dense, serials.find((x) => x.startsWith(dense))!.slice(0, 6)];
    expect(serials.filter((x) => x.startsWith(prefixes[0])).length).toBeGreaterThan(200);
    await expectIndexedPlans(s, async () => {
      for (const prefix of prefixes) {
        const first = await call(s, s.contoso, 'GET', `${DEVICES}?$top=100&$count=true&$filter=${encodeURIComponent(`startswith(serialNumber,'${prefix.toUpperCase()}')`)}`);
        expect(first.status).toBe(200);
        const next = first.body['@odata.nextLink'] as string | undefined;
        if (next) expect((await call(s, s.contoso, 'GET', next.replace(/^https?:\/\/[^/]+/, ''))).status).toBe(200);
      }
    });
    const statements = [...s.capture.statements].filter((st) => /from "autopilot_devices"/.test(st.sql) && !/count\(\*\)/i.test(st.sql));
    // One statement a page (first and next of the dense prefix, first of the other), none of them a walk or a probe.
    expect(statements.map((st) => st.sql.includes('odata_order_0'))).toEqual([true, true, true]);
    expect(statements.some((st) => st.sql.includes(KEY_ORDER_WALK))).toBe(false);
    for (const [i, st] of statements.entries()) {
      const dense = i < 2;
      if (s.engine === 'sqlite') {
        for (const [label, plan] of Object.entries(sqlitePlans(s, st))) {
          expect(plan, label).toMatch(/SEARCH autopilot_devices USING INDEX autopilot_devices_tenant_serial_lower \(tenant_id=\? AND <expr>>\? AND <expr><\?\)/);
          expect(plan, label).not.toMatch(/USE TEMP B-TREE FOR ORDER BY|autopilot_device_search/);
        }
      } else {
        const plan = await s.tdb.db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          const { rows } = await trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PgNode }] }>(CompiledQuery.raw(`explain (format json) ${st.sql}`, [...st.parameters]));
          return rows[0]['QUERY PLAN'][0].Plan;
        });
        const text = renderPostgresPlan(plan);
        expect(text).toMatch(/Index Scan on autopilot_devices using autopilot_devices_tenant_serial_lower cond .*~>=~.*~<~/);
        expect(text, `the index yields the page order: no sort (${dense ? 'dense' : '6-character'} prefix)`).not.toMatch(/Sort/);
        expect(text).not.toMatch(/autopilot_devices_serial_trgm|Bitmap/);
      }
    }
    // The exact count ($count=true) of a prefix: PostgreSQL counts the range in the index alone (migration 0016 stores
    // serial_number in it), neither reading each match's row nor filtering the tenant's whole serial index.
    if (s.engine === 'postgres') {
      const counts = [...s.capture.statements].filter((st) => /count\(\*\)/i.test(st.sql) && /from "autopilot_devices"/.test(st.sql));
      expect(counts.length).toBe(3); // one a page, as above
      // An index-only scan skips the heap for pages the visibility map marks all-visible, which autovacuum keeps up to
      // date in a registry that is mostly read; without it the planner rightly prefers a bitmap heap scan.
      await sql`vacuum analyze autopilot_devices`.execute(s.tdb.db);
      for (const st of counts) {
        const plan = await s.tdb.db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          const { rows } = await trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PgNode }] }>(CompiledQuery.raw(`explain (format json) ${st.sql}`, [...st.parameters]));
          return rows[0]['QUERY PLAN'][0].Plan;
        });
        expect(renderPostgresPlan(plan)).toMatch(/Index Only Scan on autopilot_devices using autopilot_devices_tenant_serial_lower cond .*~>=~.*~<~/);
      }
    }
  });

  it('audit log: a page newest first, by time range, by correlation id (with a time range), one event, the append and the purge', { timeout: 120_000 }, async () => {
    const store = createStore(s.db);
    const start = Date.parse('2026-01-01T00:00:00Z');
    const event = (tenantId: string, i: number) =>
      newAuditEvent({
        tenantId,
        at: new Date(start + i * 600_000),
        category: i % 2 ? 'Enrollment' : 'Device',
        componentName: 'Enrollment',
        operation: 'Patch',
        resourceType: 'windowsAutopilotDeviceIdentity',
        result: 'Success',
        correlationId: randomUUID(),
        requestId: randomUUID(),
        http: { method: 'PATCH', path: '/x', status: 204 },
        actor: { type: 'Application', auditActorType: 'application', userPermissions: [], applicationId: randomUUID(), applicationDisplayName: null, userPrincipalName: null, servicePrincipalName: null, ipAddress: null, userId: null, remoteTenantId: null, remoteUserId: null },
        resources: [{ type: 'windowsAutopilotDeviceIdentity', id: randomUUID(), before: { groupTag: 'a' }, after: { groupTag: 'b' } }],
      });
    const events = Array.from({ length: 1500 }, (_, i) => event(s.contoso.tenant.id, i));
    await store.transaction(async (tx) => {
      for (const e of events) await tx.audit.append(e);
      for (let i = 0; i < 500; i++) await tx.audit.append(event(s.fabrikam.tenant.id, i));
    });
    if (s.engine === 'postgres') await sql`analyze audit_events`.execute(s.db);
    const list = (query: Record<string, string>) =>
      store.audit.list(s.contoso.tenant.id, parseListQuery({ $orderby: 'activityDateTime desc', ...query }, auditEventModel, { maxTop: 1000, defaultTop: 100 }));
    const probe = events[700]!;
    await expectIndexedPlans(s, async () => {
      expect((await list({ $filter: `activityDateTime ge ${new Date(start + 1400 * 600_000).toISOString()}`, $count: 'true' })).items).toHaveLength(100);
      expect((await list({ $filter: `activityDateTime ge 2026-01-05T00:00:00Z and activityDateTime le 2026-01-06T00:00:00Z and category eq 'Device'` })).items.length).toBeGreaterThan(0);
      expect((await list({ $filter: `correlationId eq '${probe.correlationId}'` })).items.map((e) => e.id)).toEqual([probe.id]);
      expect((await store.audit.find(s.contoso.tenant.id, probe.id))?.id).toBe(probe.id);
      await store.audit.append(event(s.contoso.tenant.id, 2000));
      expect(await store.audit.purgeBefore(new Date(start + 10 * 600_000).toISOString())).toBe(20);
    });
  });

  it('Partner Center policies: devicesAssignedCount, applying to and clearing from devices', { timeout: 120_000 }, async () => {
    const store = createStore(s.db);
    const partner = await createTenant(createTenantsStore(s.db), { domain: `csp-${randomUUID().slice(0, 8)}.onmicrosoft.com`, displayName: 'CSP', kind: 'partner' });
    const now = new Date().toISOString();
    const policy = {
      id: randomUUID(),
      customerTenantId: s.contoso.tenant.id,
      createdByTenantId: partner.tenant.id,
      name: 'Standard',
      category: 'o_o_b_e' as const,
      description: '',
      settings: ['skip_eula' as const],
      createdAt: now,
      updatedAt: now,
    };
    await store.partnerPolicies.insert(policy);
    const list = await call(s, s.contoso, 'GET', `${DEVICES}?$top=20&$select=id`);
    const ids = (list.body.value as { id: string }[]).map((d) => d.id);
    await expectIndexedPlans(s, async () => {
      expect(await store.partnerPolicies.applyToDevices(s.contoso.tenant.id, ids, policy.id, now)).toBe(ids.length);
      expect((await store.partnerPolicies.find(s.contoso.tenant.id, policy.id))?.devicesAssignedCount).toBe(ids.length);
      expect((await store.partnerPolicies.list(s.contoso.tenant.id)).map((p) => p.devicesAssignedCount)).toEqual([ids.length]);
      await store.partnerPolicies.applyToDevices(s.contoso.tenant.id, ids.slice(0, 5), null, now);
      expect(await store.partnerPolicies.delete(s.contoso.tenant.id, policy.id)).toBe(true);
    });
  });

  it('sign-in: the user by name, a code issued and redeemed, a refresh token rotated and its family revoked', { timeout: 120_000 }, async () => {
    const tenants = createTenantsStore(s.db);
    const upn = `signin-${randomUUID().slice(0, 8)}@contoso.onmicrosoft.com`;
    await createUser(tenants, { tenant: s.contoso.tenant.id, userPrincipalName: upn, roles: ['Intune Administrator'], password: 'correct horse battery' });
    const spa = await createApp(tenants, { tenant: s.contoso.tenant.id, roles: [], redirectUris: ['https://console.example/'] });
    const check = await checkAuthorizeRequest(tenants, s.contoso.tenant, {
      client_id: spa.app.clientId,
      response_type: 'code',
      redirect_uri: 'https://console.example/',
      scope: 'openid offline_access https://graph.microsoft.com/.default',
    });
    if (!check.ok) throw check.error;
    const deps = { store: tenants, keyRing: s.app.keyRing };
    // Other people's sign-ins: many refresh-token families, so that statistics see family_id as selective.
    const someone = await createUser(tenants, { tenant: s.contoso.tenant.id, userPrincipalName: `other-${randomUUID().slice(0, 8)}@contoso.onmicrosoft.com`, password: 'another password' });
    for (let i = 0; i < 300; i++) {
      await tenants.refreshTokens.insert({
        tokenHash: randomUUID(),
        tenantId: s.contoso.tenant.id,
        clientId: spa.app.clientId,
        userId: someone.user.id,
        scope: 'openid offline_access',
        familyId: randomUUID(),
        expiresAt: '2030-01-01T00:00:00.000Z',
        revoked: i % 2 === 0,
        createdAt: new Date().toISOString(),
      });
    }
    await expectIndexedPlans(s, async () => {
      const user = await authenticateUser(tenants, s.contoso.tenant, upn, 'correct horse battery');
      const code = await issueAuthorizationCode(tenants, check.request, user!, new Date());
      const first = await redeemAuthorizationCode(deps, s.contoso.tenant, spa.app, { code, redirectUri: 'https://console.example/', codeVerifier: undefined, clientInfo: true }, new Date());
      const second = await redeemRefreshToken(deps, s.contoso.tenant, spa.app, { refreshToken: first.refresh_token!, scope: undefined, clientInfo: false }, new Date());
      expect(second.refresh_token).toEqual(expect.any(String));
      await expect(redeemRefreshToken(deps, s.contoso.tenant, spa.app, { refreshToken: first.refresh_token!, scope: undefined, clientInfo: false }, new Date())).rejects.toMatchObject({ aadsts: 50173 });
      await expect(redeemAuthorizationCode(deps, s.contoso.tenant, spa.app, { code, redirectUri: 'https://console.example/', codeVerifier: undefined, clientInfo: true }, new Date())).rejects.toMatchObject({ aadsts: 54005 });
    });
  });

  it('re-evaluating one device’s dynamic groups and profile (lifecycle)', { timeout: 120_000 }, async () => {
    const entra = await call(s, s.contoso, 'GET', `/v1.0/devices?$top=1&$filter=${encodeURIComponent("physicalIds/any(p: p eq '[OrderID]:HR')")}`);
    const id = (entra.body.value as { id: string }[])[0].id;
    await expectIndexedPlans(s, () => createStore(s.db).transaction((tx) => afterDevicesChanged(tx, s.contoso.tenant.id, [id], new Date().toISOString())));
  });

  it('resolving a whole tenant’s profiles (an all-devices assignment removed): each page reads its devices in key order and writes them by key', { timeout: 120_000 }, async () => {
    // Not a per-device hot path, but the pass runs in pages of 500: a page that walks the tenant (or sorts it) makes the
    // pass quadratic in the tenant's size. Rolled back, so the tests after this one see the assignment.
    const store = createStore(s.db);
    const [everyone] = await store.profiles.findByName(s.contoso.tenant.id, 'Everyone');
    const [assignment] = await store.profiles.assignments(s.contoso.tenant.id, everyone.id);
    const rolledBack = new Error('rolled back on purpose');
    await expectIndexedPlans(s, async () => {
      await expect(
        store.transaction(async (tx) => {
          await unassignProfile(tx, s.contoso.tenant.id, everyone.id, assignment.id, new Date().toISOString());
          throw rolledBack;
        }),
      ).rejects.toBe(rolledBack);
    });
    // The pass read more than one page and wrote: otherwise it checked nothing.
    const pages = s.capture.statements.filter((st) => /from "autopilot_devices"/.test(st.sql) && /\blimit\b/i.test(st.sql) && st.sql.includes('deployment_profile_assignment_status'));
    expect(pages.length).toBeGreaterThan(2);
    expect(s.capture.statements.some((st) => /^update "autopilot_devices"/.test(st.sql) && st.sql.includes('intended_deployment_profile_id'))).toBe(true);
  });

  it('Partner Center: one page of a batch\'s devices, first and next (seek on the partner batch index)', { timeout: 120_000 }, async () => {
    const store = createStore(s.db);
    await expectIndexedPlans(s, async () => {
      await store.batches.devices(s.contoso.tenant.id, randomUUID(), null, 101);
      await store.batches.devices(s.contoso.tenant.id, randomUUID(), randomUUID(), 101);
    });
  });
});
