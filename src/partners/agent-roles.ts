// What a partner's (CSP) or OEM's signed-in user may do on Partner Center (or the OEM API) with a delegated token.
// Partner Center has agent roles of its own (Admin agent, Sales agent, Helpdesk agent); Tarmac keeps none, and maps
// the user's Entra directory roles (the token's `wids`) instead:
//   Global Administrator → Admin agent: reads and writes;
//   Global Reader        → reads only (GET);
//   anything else, Intune Administrator included → refused: an Intune Administrator of the partner's tenant runs
//   the partner's own devices, which gives no agent role in Partner Center, so Tarmac does not invent one.
// App-only tokens are not concerned: an app of a partner (or OEM) tenant may do everything, as today.
import { DIRECTORY_ROLES, type DirectoryRole } from '../tenants/roles.js';

export type AgentAccess = 'admin' | 'read';

/** Directory roles in the order they are tried: the widest access first. */
const AGENT_ACCESS: readonly (readonly [DirectoryRole, AgentAccess])[] = [
  ['Global Administrator', 'admin'],
  ['Global Reader', 'read'],
];

/** The directory roles that give an agent role, for messages: "Global Administrator (read and write), …". */
export const AGENT_ROLE_HELP = 'Global Administrator (Admin agent: read and write) or Global Reader (read only)';

/** The access the user's directory role template ids (`wids`) give, or undefined when none gives any. */
export function agentAccessOf(roleTemplateIds: readonly string[]): AgentAccess | undefined {
  const ids = new Set(roleTemplateIds.map((id) => id.toLowerCase()));
  return AGENT_ACCESS.find(([role]) => ids.has(DIRECTORY_ROLES[role].templateId))?.[1];
}

