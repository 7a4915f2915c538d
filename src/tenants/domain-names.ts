// Tenant domain names: DNS names, stored lowercase, compared case-insensitively (as Entra does).
import { TenantsError } from './errors.js';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The canonical (lowercase) form of a domain name, or TenantsError('InvalidDomain') saying what is wrong. */
export function normalizeDomain(input: string): string {
  const name = input.trim().toLowerCase().replace(/\.$/, '');
  const fail = (why: string): never => {
    throw new TenantsError('InvalidDomain', `'${input}' is not a usable domain: ${why}. Example: contoso.onmicrosoft.com.`);
  };
  if (name === '') fail('it is empty');
  if (name.length > 253) fail('it is longer than 253 characters');
  const labels = name.split('.');
  if (labels.length < 2) fail('it needs at least two labels');
  for (const label of labels) {
    if (!LABEL.test(label)) {
      fail(`the label '${label}' must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen`);
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) fail('the last label cannot be all digits');
  return name;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}
