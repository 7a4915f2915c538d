// The audit events of the CLI's offline writes, which go around the API (and so around its audit hook): an app with
// its permissions, a user with its roles, a partner relationship accepted or revoked. The actor is the operating-system
// user running `tarmac` on this host (there is no token); the correlation id is a fresh one per command.
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { newAuditEvent, type AuditOperationType, type ResourceChange } from '../audit/index.js';
import type { Store } from '../ports.js';

export interface CliWrite {
  tenantId: string;
  category: string;
  operation: AuditOperationType;
  resourceType: string;
  resources: ResourceChange[];
  /** The command, as typed after `tarmac` (no secrets: callers leave passwords out). */
  command: string;
}

function operator(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `unknown@${hostname()}`;
  }
}

export async function recordCliWrite(store: Store, write: CliWrite): Promise<void> {
  const id = randomUUID();
  await store.audit.append(
    newAuditEvent({
      tenantId: write.tenantId,
      at: new Date(),
      category: write.category,
      componentName: 'TarmacCli',
      operation: write.operation,
      resourceType: write.resourceType,
      result: 'Success',
      correlationId: id,
      requestId: id,
      http: { method: 'CLI', path: `tarmac ${write.command}`, status: 0 },
      actor: {
        type: 'ItPro',
        auditActorType: 'user',
        userPermissions: [],
        applicationId: null,
        applicationDisplayName: 'tarmac CLI',
        userPrincipalName: operator(),
        servicePrincipalName: null,
        ipAddress: null,
        userId: null,
        remoteTenantId: null,
        remoteUserId: null,
      },
      resources: write.resources,
    }),
  );
}
