// How `tenant create` and `app create` show a new app's credentials, which Tarmac shows only once: the client id
// and secret, the roles, and a ready-to-paste token request (or, with --json, the same as fields).
import { GRAPH_TOKEN_USE, tokenExample, type TokenUse } from '../server/cli-support.js';
import type { CreatedApp } from '../tenants/index.js';
import type { Output } from './output.js';

/** The JSON fields that follow the command's own (clientId, clientSecret, secretId, roles, tokenEndpoint, in this order). */
export function credentialFields(created: CreatedApp, baseUrl: string) {
  return {
    clientId: created.app.clientId,
    clientSecret: created.clientSecret,
    secretId: created.secretId,
    roles: created.app.roles,
    tokenEndpoint: `${baseUrl}/${created.tenant.id}/oauth2/v2.0/token`,
  };
}

/** Which API the printed token example is for: Graph unless told otherwise. */
export interface TokenApi {
  /** As the heading names it: "Graph", "the Partner Center API", … */
  name: string;
  use: TokenUse;
}

/** The credential lines, then how to get a token from the server at `baseUrl` for the tenant's `domain`. */
export function printCredentials(out: Output, created: CreatedApp, domain: string, baseUrl: string, api: TokenApi = { name: 'Graph', use: GRAPH_TOKEN_USE }): void {
  const { yellow } = out.color;
  out.line(`  client id      ${created.app.clientId}`);
  out.line(`  client secret  ${created.clientSecret}   ${yellow('shown only now; Tarmac keeps a hash')}`);
  out.line(`  secret id      ${created.secretId}`);
  out.line(`  roles          ${created.app.roles.join(', ') || '(none)'}`);
  out.line();
  out.line(`Get a token and call ${api.name} (with the server at ${baseUrl}):`);
  for (const line of tokenExample(baseUrl, domain, created.app.clientId, created.clientSecret, api.use)) out.line(`  ${line}`);
}
