// Tarmac's version, from package.json (the same relative path from src/http and dist/http).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function tarmacVersion(): string {
  if (cached === undefined) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
      const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
      cached = typeof version === 'string' ? version : '0.0.0';
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}
