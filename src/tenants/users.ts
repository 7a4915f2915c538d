// Users: people of a tenant who sign in with a password (scrypt-hashed like client secrets) and hold Entra directory
// roles, which decide what their delegated tokens allow on Graph (roles.ts).
import { randomUUID } from 'node:crypto';
import { validDisplayName } from './create-app.js';
import { TenantsError } from './errors.js';
import { findTenant } from './find-tenant.js';
import { DuplicateError, type Tenant, type TenantsStore, type User, type UserWithPassword } from './ports.js';
import { normalizeDirectoryRoles } from './roles.js';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from './secrets.js';

export interface CreateUserInput {
  /** Tenant id or any of its domains. */
  tenant: string;
  /** ada@contoso.onmicrosoft.com: its domain must be one of the tenant's. */
  userPrincipalName: string;
  displayName?: string | undefined;
  /** Directory role names, e.g. 'Intune Administrator'. */
  roles?: readonly string[] | undefined;
  /** Default: a generated one, returned once. */
  password?: string | undefined;
  now?: Date | undefined;
}

export interface CreatedUser {
  tenant: Tenant;
  user: User;
  /** The password in clear when Tarmac generated it (show it once); undefined when the caller gave it. */
  generatedPassword: string | undefined;
}

const UPN = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[a-z0-9.-]+$/;

export async function createUser(store: TenantsStore, input: CreateUserInput): Promise<CreatedUser> {
  const tenant = await findTenant(store, input.tenant);
  if (!tenant) {
    throw new TenantsError('TenantNotFound', `No tenant '${input.tenant}'. Give its tenant id or domain (list them with \`tarmac tenant list\`).`);
  }
  const upn = input.userPrincipalName.trim().toLowerCase();
  const domain = upn.slice(upn.indexOf('@') + 1);
  if (!UPN.test(upn) || upn.startsWith('.') || upn.includes('..')) {
    throw new TenantsError('InvalidUser', `'${input.userPrincipalName}' is not a user principal name. Example: ada@${tenant.domains[0]?.name ?? 'contoso.onmicrosoft.com'}.`);
  }
  if (!tenant.domains.some((d) => d.name === domain)) {
    throw new TenantsError(
      'InvalidUser',
      `The domain of '${upn}' is not one of tenant ${tenant.id}'s domains (${tenant.domains.map((d) => d.name).join(', ')}).`,
    );
  }
  const roles = normalizeDirectoryRoles(input.roles ?? []);
  const displayName = validDisplayName(input.displayName ?? upn.slice(0, upn.indexOf('@')), 'user');
  const password = input.password ?? generatePassword();
  if (input.password !== undefined && (password.length < 8 || password.length > 256)) {
    throw new TenantsError('InvalidUser', 'The password must be 8 to 256 characters.');
  }
  const user: UserWithPassword = {
    id: randomUUID(),
    tenantId: tenant.id,
    userPrincipalName: upn,
    displayName,
    roles,
    accountEnabled: true,
    createdAt: (input.now ?? new Date()).toISOString(),
    passwordHash: await hashClientSecret(password),
  };
  try {
    await store.users.insert(user);
  } catch (err) {
    if (err instanceof DuplicateError && err.field === 'userPrincipalName') {
      throw new TenantsError('UserTaken', `A user ${upn} already exists.`);
    }
    throw err;
  }
  const { passwordHash: _hash, ...created } = user;
  return { tenant, user: created, generatedPassword: input.password === undefined ? password : undefined };
}

/** 24 characters of the client-secret alphabet (about 140 bits). */
export function generatePassword(): string {
  return generateClientSecret().slice(-24);
}

/** A valid hash of nothing anyone knows: verified for an unknown user, so that timing does not tell users apart. */
const DECOY_HASH = 'scrypt$N=16384,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * The user these credentials sign in, or undefined: an unknown user, a wrong password and a disabled account all
 * cost one scrypt and look the same to the caller.
 */
export async function authenticateUser(
  store: Pick<TenantsStore, 'users'>,
  tenant: Tenant,
  userPrincipalName: string,
  password: string,
): Promise<User | undefined> {
  const found = await store.users.findByUpn(tenant.id, userPrincipalName.trim().toLowerCase());
  const ok = await verifyClientSecret(password, found?.passwordHash ?? DECOY_HASH);
  if (!found || !ok || !found.accountEnabled) return undefined;
  const { passwordHash: _hash, ...user } = found;
  return user;
}
