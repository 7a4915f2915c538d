// Client secrets: Entra's format, stored only as salted scrypt hashes, verified exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateClientSecret, hashClientSecret, secretHint, verifyClientSecret } from '../../src/tenants/index.js';

describe('client secrets', () => {
  it('look like Entra’s: 40 characters, a digit and Q~ after the three-character hint', () => {
    const secrets = Array.from({ length: 50 }, generateClientSecret);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_.~-]{3}\dQ~[A-Za-z0-9_.~-]{34}$/);
      expect(secretHint(secret)).toBe(secret.slice(0, 3));
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('are hashed with scrypt and a random salt: the hash never contains the secret, and differs each time', async () => {
    const secret = generateClientSecret();
    const a = await hashClientSecret(secret);
    const b = await hashClientSecret(secret);
    expect(a).toMatch(/^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toContain(secret);
    expect(a).not.toBe(b);
    expect(await verifyClientSecret(secret, a)).toBe(true);
    expect(await verifyClientSecret(secret, b)).toBe(true);
  });

  it('reject a wrong secret, a near miss, and a malformed hash', async () => {
    const secret = generateClientSecret();
    const hash = await hashClientSecret(secret);
    expect(await verifyClientSecret(secret.slice(0, -1), hash)).toBe(false);
    expect(await verifyClientSecret(secret + 'x', hash)).toBe(false);
    expect(await verifyClientSecret(secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase(), hash)).toBe(false);
    expect(await verifyClientSecret('', hash)).toBe(false);
    expect(await verifyClientSecret(secret, secret)).toBe(false);
    expect(await verifyClientSecret(secret, 'scrypt$N=16384,r=8,p=1$$')).toBe(false);
  });

  it('verify exactly the secret that was hashed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60 }), fc.string({ minLength: 1, maxLength: 60 }), async (secret, other) => {
        const hash = await hashClientSecret(secret);
        expect(await verifyClientSecret(secret, hash)).toBe(true);
        expect(await verifyClientSecret(other, hash)).toBe(other === secret);
      }),
      { numRuns: 8 },
    );
  });
});
