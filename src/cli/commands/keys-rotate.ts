// `tarmac keys rotate [--json]`: a new token signing key. It signs from now on (running servers switch within
// RELOAD_SECONDS); the keys it replaces keep verifying tokens, and stay in the JWKS, for TARMAC_KEY_OVERLAP_SECONDS.
// Needs the key-encryption key the servers use (TARMAC_KEY_ENCRYPTION_KEY, or the demo setup's file).
import { withTenantsStore } from '../../server/cli-support.js';
import { RELOAD_SECONDS, demoKeyNotice, resolveKeyEncryptionKey, rotateSigningKeys } from '../../tokens/index.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput } from '../output.js';

export interface KeysRotateOptions {
  json?: boolean;
}

export async function keysRotate(options: KeysRotateOptions = {}): Promise<ExitCode> {
  const out = createOutput();
  return withTenantsStore(out, options.json, async (store, config) => {
    const { kek, createdFile } = resolveKeyEncryptionKey(config);
    if (createdFile !== undefined) out.error(`warning: ${demoKeyNotice(createdFile)}`);
    const rotated = await rotateSigningKeys(store.signingKeys, kek, new Date(), config.keyOverlapSeconds);
    if (options.json) {
      out.json(rotated);
      return 0;
    }
    out.line(`New signing key ${rotated.kid}: it signs new tokens (running servers switch within ${RELOAD_SECONDS} seconds).`);
    if (rotated.retired.length > 0) {
      out.line(`Retired ${rotated.retired.join(', ')}: still verifying and published in the JWKS until ${rotated.publishedUntil}.`);
    }
    return 0;
  });
}
