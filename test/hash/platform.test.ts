// The portable byte primitives (what a browser runs) must give exactly what Node's native ones give, and the codec
// must decode the same on both.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeHardwareHash, encodeHardwareHash, syntheticInventory, validateHardwareHash } from '../../src/hash/index.js';
import { nodeBytes } from '../../src/hash/platform-node.js';
import { portableBytes, sha256, useBytePlatform } from '../../src/hash/platform.js';

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

afterEach(() => useBytePlatform(nodeBytes));

/** JSON with every byte array (Buffer or not) as hex, so results compare by content. */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => {
      if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
      const o = v as { type?: string; data?: number[] } | null;
      if (o !== null && typeof o === 'object' && o.type === 'Buffer' && Array.isArray(o.data)) return Buffer.from(o.data).toString('hex');
      return v;
    }),
  );
}

describe('portable byte primitives', () => {
  it('SHA-256 matches node:crypto at every length around the block boundaries', () => {
    for (let n = 0; n <= 300; n++) {
      const data = randomBytes(n, n + 1);
      expect(Buffer.from(sha256(data)).toString('hex'), `length ${n}`).toBe(createHash('sha256').update(data).digest('hex'));
      expect(portableBytes.sha256Latin1(data)).toBe(nodeBytes.sha256Latin1(data));
    }
    const big = randomBytes(100_000, 7);
    expect(portableBytes.sha256Hex(big)).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('slices, base64 and UTF-8 checks match Buffer on random and edge bytes', () => {
    const samples: Uint8Array[] = [new Uint8Array(0), Uint8Array.of(0xd8, 0x00, 0x41, 0x00), Uint8Array.of(0xe2, 0x82, 0xac, 0xc3, 0x28, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80)];
    for (let n = 1; n < 40; n++) samples.push(randomBytes(n * 7, n));
    samples.push(randomBytes(20_000, 99));
    samples.push(new TextEncoder().encode('Gerät, naïve café — 日本語 😀'));
    for (const b of samples) {
      const at = `${b.length} bytes`;
      for (const [s, e] of [[0, b.length], [1, b.length - 1], [3, b.length + 5]]) {
        expect(portableBytes.latin1(b, s, e), at).toBe(nodeBytes.latin1(b, s, e));
        expect(portableBytes.hex(b, s, e), at).toBe(nodeBytes.hex(b, s, e));
        expect(portableBytes.utf8(b, s, e), at).toBe(nodeBytes.utf8(b, s, e));
        expect(portableBytes.utf16le(b, s, e), at).toBe(nodeBytes.utf16le(b, s, e));
        expect(portableBytes.base64(b, s, e), at).toBe(nodeBytes.base64(b, s, e));
        expect(portableBytes.firstNonZero(b, s, e), at).toBe(nodeBytes.firstNonZero(b, s, e));
      }
      expect(portableBytes.isAscii(b), at).toBe(nodeBytes.isAscii(b));
      expect(portableBytes.isUtf8(b), at).toBe(nodeBytes.isUtf8(b));
      const text = nodeBytes.base64(b, 0, b.length);
      const t1 = new Uint8Array(b.length + 4);
      const t2 = new Uint8Array(b.length + 4);
      expect(portableBytes.base64Into(t1, text), at).toBe(nodeBytes.base64Into(t2, text));
      expect(t1).toEqual(t2);
    }
    for (let n = 0; n < 256; n++) {
      const b = Uint8Array.of(0x41, n, 0x42, 0x80 | (n & 0x3f), n, 0xbf);
      expect(portableBytes.isUtf8(b), `byte ${n}`).toBe(nodeBytes.isUtf8(b));
      expect(portableBytes.utf8(b, 0, b.length), `byte ${n}`).toBe(nodeBytes.utf8(b, 0, b.length));
    }
  });

  // Node's decoder takes the URL-safe "-" and skips whitespace (base64.ts rules both out by the text's own length).
  it('base64 with a bad character decodes short', () => {
    for (const text of ['QUJD-RUY=', 'QU=JDREVG', 'QUJD REVG', 'QUJDÄEVG']) {
      expect(portableBytes.base64Into(new Uint8Array(16), text), text).toBeLessThan(6);
      if (!/[- ]/.test(text)) expect(nodeBytes.base64Into(new Uint8Array(16), text), text).toBeLessThan(6);
    }
  });
});

describe('the codec on the portable platform', () => {
  it('decodes synthetic hashes (valid, unpadded, damaged, bytes) exactly as on Node', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { base64, bytes } = encodeHardwareHash(syntheticInventory(seed));
      const damaged = base64.slice(0, 2000) + (base64[2000] === 'A' ? 'B' : 'A') + base64.slice(2001);
      const inputs: (string | Uint8Array)[] = [base64, base64.replace(/=+$/, ''), damaged, ` "${base64}" `, base64.slice(0, 100) + '-' + base64.slice(101), bytes];
      for (const input of inputs) {
        useBytePlatform(nodeBytes);
        const onNode = plain({ d: decodeHardwareHash(input), v: validateHardwareHash(input), inv: decodeHardwareHash(input).inventory });
        useBytePlatform(portableBytes);
        const portable = plain({ d: decodeHardwareHash(input), v: validateHardwareHash(input), inv: decodeHardwareHash(input).inventory });
        expect(portable, `seed ${seed}`).toEqual(onNode);
      }
    }
  });

  it('encodes the same bytes on both', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const inv = syntheticInventory(seed);
      useBytePlatform(nodeBytes);
      const a = encodeHardwareHash(inv).base64;
      useBytePlatform(portableBytes);
      expect(encodeHardwareHash(inv).base64).toBe(a);
    }
  });
});
