// `tarmac user create --tenant <t> --upn ada@contoso.onmicrosoft.com [--name …] [--role "Intune Administrator"…]
// [--password <p>] [--json]`: a user who can sign in at /{tenant}/oauth2/v2.0/authorize. Offline, like tenant create;
// a generated password is printed once (Tarmac keeps only its scrypt hash).
import { withStores } from '../../server/cli-support.js';
import { recordCliWrite } from '../audit-writes.js';
import { createUser } from '../../tenants/index.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput } from '../output.js';

export interface UserCreateOptions {
  tenant: string;
  upn: string;
  name?: string;
  role?: string[];
  password?: string;
  json?: boolean;
}

export async function userCreate(options: UserCreateOptions): Promise<ExitCode> {
  const out = createOutput();
  return withStores(out, options.json, async ({ tenants: store, store: domains }) => {
    const created = await createUser(store, {
      tenant: options.tenant,
      userPrincipalName: options.upn,
      displayName: options.name,
      roles: options.role,
      password: options.password,
    });
    const { user } = created;
    await recordCliWrite(domains, {
      tenantId: created.tenant.id,
      category: 'Role',
      operation: 'Create',
      resourceType: 'user',
      command: 'user create',
      resources: [{ type: 'user', id: user.id, after: { userPrincipalName: user.userPrincipalName, displayName: user.displayName, roles: user.roles } }],
    });
    if (options.json) {
      out.json({
        tenantId: created.tenant.id,
        id: user.id,
        userPrincipalName: user.userPrincipalName,
        displayName: user.displayName,
        roles: user.roles,
        ...(created.generatedPassword !== undefined ? { password: created.generatedPassword } : {}),
      });
      return 0;
    }
    out.line(`Created user ${out.color.bold(user.userPrincipalName)} (${user.displayName}).`);
    out.line(`  object id      ${user.id}`);
    out.line(`  roles          ${user.roles.length > 0 ? user.roles.join(', ') : 'none (can sign in, but Graph will refuse every call)'}`);
    if (created.generatedPassword !== undefined) {
      out.line(`  password       ${created.generatedPassword}   ${out.color.yellow('shown only now; Tarmac keeps a hash')}`);
    }
    return 0;
  });
}
