// Tarmac's version, from its package.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';

let cached: string | undefined;

export function tarmacVersion(): string {
  if (cached === undefined) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'));
      const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
      cached = typeof version === 'string' ? version : '0.0.0';
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}
