// The coverage guard of the storage batteries. Two halves:
// - the port method lists below are typed against the port interfaces, so a method added to a port does not
//   compile until it is listed here, and a test compares each list with the methods the store's objects really have;
// - every store a battery test gets is wrapped so that its calls are recorded, and when the whole battery ran and
//   passed, every listed method (but the skipped ones) must have been called through the port.
import { expect } from 'vitest';
import type { RunnerTask } from 'vitest';
import type { AuditRepository } from '../../src/audit/ports.js';
import type { DirectoryRepository, EntraDeviceRepository } from '../../src/directory/ports.js';
import type { IntuneRepository } from '../../src/intune/ports.js';
import type { BatchRepository, JobRepository, PartnerPolicyRepository, RelationshipRepository } from '../../src/partners/ports.js';
import type { ProfileRepository } from '../../src/profiles/ports.js';
import type { DeviceRepository, IdentityKeyRepository, ImportRepository, SettingsRepository } from '../../src/registry/ports.js';
import type { Store } from '../../src/ports.js';
import type {
  AppRepository,
  AuthCodeRepository,
  RefreshTokenRepository,
  TenantRepository,
  TenantsStore,
  UserRepository,
} from '../../src/tenants/ports.js';
import type { SigningKeyRepository } from '../../src/tokens/ports.js';

/** Every method of T, named once. */
type MethodNames<T> = { readonly [K in keyof T]-?: true };

/** Every repository of a store (its non-function members), each with every method named. */
type StoreMethods<S> = { readonly [K in keyof S as S[K] extends (...args: never[]) => unknown ? never : K]-?: MethodNames<S[K]> };

const IMPORTS: MethodNames<ImportRepository> = {
  insertMany: true,
  find: true,
  list: true,
  delete: true,
  claim: true,
  leased: true,
  settle: true,
  countUnprocessed: true,
  refreshPlannerStatistics: true,
};

const DEVICES: MethodNames<DeviceRepository> = {
  register: true,
  holdersOf: true,
  holderOfHash: true,
  bootDeviceOfHash: true,
  recordContacts: true,
  find: true,
  list: true,
  findBySerials: true,
  update: true,
  hardwareHash: true,
  delete: true,
  replaceHardware: true,
  attachHardware: true,
};

const IDENTITY_KEYS: MethodNames<IdentityKeyRepository> = { owners: true };

const ENTRA: MethodNames<EntraDeviceRepository> = {
  find: true,
  findByAutopilotDevice: true,
  list: true,
  listMembersOf: true,
  inIdOrder: true,
  create: true,
  update: true,
  replacePhysicalIds: true,
  delete: true,
};

const SETTINGS: MethodNames<SettingsRepository> = { get: true, lock: true, save: true, inProgress: true };

const DIRECTORY: MethodNames<DirectoryRepository> = {
  createGroup: true,
  findGroup: true,
  listGroups: true,
  findGroupsByName: true,
  updateGroup: true,
  deleteGroup: true,
  activeDynamicGroups: true,
  memberIds: true,
  membershipsOf: true,
  addMemberships: true,
  removeMemberships: true,
  entraDevices: true,
  deleteEntraDevice: true,
  deviceIdTaken: true,
};

const PROFILES: MethodNames<ProfileRepository> = {
  find: true,
  findMany: true,
  findByName: true,
  list: true,
  count: true,
  insert: true,
  replace: true,
  delete: true,
  assignments: true,
  findAssignment: true,
  insertAssignment: true,
  deleteAssignment: true,
  deleteAssignmentsOfGroup: true,
  groupExists: true,
  assignmentsForResolution: true,
  autopilotDevicesBehind: true,
  resolutionDevices: true,
  resolutionDevicePage: true,
  memberships: true,
  writeResolutions: true,
  assignedDevices: true,
};

const INTUNE: MethodNames<IntuneRepository> = {
  create: true,
  find: true,
  list: true,
  touch: true,
  delete: true,
  entraObjectIdByDeviceId: true,
  setHardwareKeys: true,
  deleteHardwareKeys: true,
  keyHolders: true,
};

const RELATIONSHIPS: MethodNames<RelationshipRepository> = { save: true, find: true, listByCustomer: true, listByPartner: true, delete: true };
const BATCHES: MethodNames<BatchRepository> = { insert: true, findByName: true, list: true, devices: true };
const JOBS: MethodNames<JobRepository> = { insert: true, find: true, findByRequestId: true, results: true };

const PARTNER_POLICIES: MethodNames<PartnerPolicyRepository> = { insert: true, find: true, list: true, update: true, delete: true, applyToDevices: true };

const AUDIT: MethodNames<AuditRepository> = { append: true, find: true, list: true, distinct: true, purgeBefore: true };

export const REGISTRY_PORT_METHODS: StoreMethods<Store> = {
  imports: IMPORTS,
  devices: DEVICES,
  identityKeys: IDENTITY_KEYS,
  entra: ENTRA,
  settings: SETTINGS,
  directory: DIRECTORY,
  profiles: PROFILES,
  intune: INTUNE,
  relationships: RELATIONSHIPS,
  batches: BATCHES,
  jobs: JOBS,
  partnerPolicies: PARTNER_POLICIES,
  audit: AUDIT,
};

const TENANTS: MethodNames<TenantRepository> = { insert: true, findById: true, findByDomain: true, list: true, count: true };
const APPS: MethodNames<AppRepository> = {
  insert: true,
  insertSecret: true,
  findByClientId: true,
  listByTenant: true,
  tokenState: true,
  delete: true,
  deleteSecret: true,
  setTokensNotBefore: true,
};
const SIGNING_KEYS: MethodNames<SigningKeyRepository> = { insert: true, list: true, retire: true, replacePrivateKey: true };

const USERS: MethodNames<UserRepository> = { insert: true, findByUpn: true, findById: true, listByTenant: true };
const AUTH_CODES: MethodNames<AuthCodeRepository> = { insert: true, redeem: true };
const REFRESH_TOKENS: MethodNames<RefreshTokenRepository> = { insert: true, find: true, revoke: true, revokeFamily: true };

export const TENANTS_PORT_METHODS: StoreMethods<TenantsStore> = {
  tenants: TENANTS,
  apps: APPS,
  users: USERS,
  authCodes: AUTH_CODES,
  refreshTokens: REFRESH_TOKENS,
  signingKeys: SIGNING_KEYS,
};

/** Port methods the battery does not exercise, and why (none today). */
export const SKIPPED: ReadonlySet<string> = new Set<string>();

/**
 * Methods an implementation has beyond its port: helpers that the listed methods call. Each is named here so that a
 * new public method cannot slip in unnoticed.
 */
export const NOT_ON_THE_PORT: Readonly<Record<string, readonly string[]>> = {
  // Reads an Entra row's physicalIds: under entra.find, entra.findByAutopilotDevice and directory.entraDevices.
  entra: ['withPhysicalIds'],
  // Under profiles.resolutionDevices and profiles.resolutionDevicePage.
  profiles: ['resolutionColumns', 'withEntraObjects'],
  // Reads a tenant's domains: under tenants.findById, findByDomain and list.
  tenants: ['withDomains'],
  // Counts each policy's devices: under partnerPolicies.find and list.
  partnerPolicies: ['countDevices'],
};

/** `repository.method` for every listed method of a store. */
export function portMethods(lists: Readonly<Record<string, Readonly<Record<string, true>>>>): string[] {
  return Object.entries(lists).flatMap(([repository, methods]) => Object.keys(methods).map((method) => `${repository}.${method}`));
}

/** The function members of an object, its prototype chain included (not Object's). */
export function methodNames(object: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = object; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name !== 'constructor' && typeof (object as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * Checks a store object against its port lists: the same repositories, and in each exactly the listed methods (plus
 * the named helpers). Returns nothing; fails through expect.
 */
export function expectStoreMatchesPorts(store: object, lists: Readonly<Record<string, Readonly<Record<string, true>>>>): void {
  const members = store as Record<string, unknown>;
  const repositories = Object.keys(members).filter((k) => typeof members[k] !== 'function');
  expect(repositories.sort(), 'repositories of the store vs. the battery’s port lists').toEqual(Object.keys(lists).sort());
  for (const repository of repositories) {
    const implemented = methodNames(members[repository] as object).filter((m) => !(NOT_ON_THE_PORT[repository] ?? []).includes(m));
    expect(implemented, `methods of ${repository} vs. the battery’s list`).toEqual(Object.keys(lists[repository] ?? {}).sort());
  }
}

/**
 * The store, with every repository method call and every `transaction` recorded in `calls` as `repository.method`
 * (and `transaction`); the store a transaction hands to its work is recorded too.
 */
export function recordingCalls<S extends object>(store: S, calls: Set<string>): S {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(store)) {
    if (typeof value === 'function') {
      const fn = value as (...args: unknown[]) => unknown;
      out[name] =
        name === 'transaction'
          ? (work: (tx: S) => Promise<unknown>) => {
              calls.add(name);
              return fn.call(store, (tx: S) => work(recordingCalls(tx, calls)));
            }
          : (...args: unknown[]) => {
              calls.add(name);
              return fn.apply(store, args);
            };
    } else if (typeof value === 'object' && value !== null) {
      out[name] = new Proxy(value as object, {
        get(target, prop) {
          const member: unknown = Reflect.get(target, prop, target);
          if (typeof prop !== 'string' || typeof member !== 'function') return member;
          return (...args: unknown[]) => {
            calls.add(`${name}.${prop}`);
            return (member as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    } else out[name] = value;
  }
  return out as S;
}

/** Whether every test under the suite ran and passed (a filtered or failing run proves nothing about coverage). */
export function everyTestPassed(task: Readonly<RunnerTask>): boolean {
  if (task.type === 'test') return task.mode === 'run' && task.result?.state === 'pass';
  return task.tasks.every(everyTestPassed);
}

/** Fails unless every listed method but the skipped ones was called. */
export function expectEveryMethodCalled(calls: ReadonlySet<string>, lists: Readonly<Record<string, Readonly<Record<string, true>>>>): void {
  const missing = portMethods(lists).filter((m) => !SKIPPED.has(m) && !calls.has(m));
  expect(missing, 'port methods no battery test called').toEqual([]);
}
