// JSON text in and out (src/http/json-text.ts): the same text and bytes as UTF-8 decoding and JSON.stringify, by
// construction cheaper for large bodies; these tests only pin down "the same". No server.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUFFERED_COLLECTION_ITEMS, jsonBodyText, jsonPayload } from '../../src/http/json-text.js';

const bytesOf = (payload: string | Buffer): Buffer => (typeof payload === 'string' ? Buffer.from(payload) : payload);

/** Any member name but `value` (a member named so would replace the collection). */
const memberName = fc.string({ unit: 'binary' }).filter((name) => name !== 'value');

/** A Graph-shaped collection of `n` items around arbitrary members. */
const collection = (n: number) =>
  fc.record({
    before: fc.dictionary(memberName, fc.jsonValue()),
    items: fc.array(fc.oneof(fc.jsonValue(), fc.constant(undefined)), { minLength: n, maxLength: n + 5 }),
    after: fc.dictionary(memberName, fc.oneof(fc.jsonValue(), fc.constant(undefined))),
  });

describe('jsonBodyText', () => {
  it('decodes any bytes exactly as UTF-8 does (ASCII through Latin-1)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const body = Buffer.from(bytes);
      expect(jsonBodyText(body)).toBe(body.toString('utf8'));
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      expect(jsonBodyText(Buffer.from(text))).toBe(Buffer.from(text).toString('utf8'));
    }));
  });

  it('reads a large ASCII body as the same string', () => {
    const text = JSON.stringify({ value: Array.from({ length: 3000 }, (_, i) => ({ i, hash: 'QUJD'.repeat(300) })) });
    expect(jsonBodyText(Buffer.from(text))).toBe(text);
  });
});

describe('jsonPayload', () => {
  it('is JSON.stringify for anything that is not a large collection', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      expect(jsonPayload(value)).toBe(JSON.stringify(value));
    }));
    expect(jsonPayload({ value: Array.from({ length: BUFFERED_COLLECTION_ITEMS - 1 }, (_, i) => i) })).toBe(JSON.stringify({ value: Array.from({ length: BUFFERED_COLLECTION_ITEMS - 1 }, (_, i) => i) }));
  });

  it('writes a large collection as a Buffer of exactly the bytes of JSON.stringify, members in order around value', () => {
    fc.assert(fc.property(collection(BUFFERED_COLLECTION_ITEMS), ({ before, items, after }) => {
      const data = { ...before, value: items, ...after };
      const payload = jsonPayload(data);
      expect(Buffer.isBuffer(payload)).toBe(true);
      expect(bytesOf(payload).equals(Buffer.from(JSON.stringify(data)))).toBe(true);
    }), { numRuns: 200 });
  });

  it('grows past a short guess: a small first item, then large items of one-, two-, three- and four-byte characters', () => {
    const text = fc.string({ unit: 'binary', minLength: 0, maxLength: 3000 });
    fc.assert(fc.property(fc.constantFrom(0, null, 'a', {}), fc.array(text, { minLength: BUFFERED_COLLECTION_ITEMS, maxLength: 40 }), (first, rest) => {
      const data = { '@odata.context': 'ctx', value: [first, ...rest.map((t) => ({ t, pad: 'é😀'.repeat(t.length % 7) }))] };
      expect(bytesOf(jsonPayload(data)).equals(Buffer.from(JSON.stringify(data)))).toBe(true);
    }), { numRuns: 100 });
  });

  it('writes items holding long strings (a hash) byte for byte as JSON.stringify, escapes or not', () => {
    const long = fc.oneof(
      fc.base64String({ minLength: 256, maxLength: 2000 }),
      fc.string({ unit: 'binary', minLength: 256, maxLength: 600 }),
      // Long text needing no escape but for one character (each of JSON's escapes on its own), anywhere.
      fc
        .tuple(
          fc.string({ unit: fc.constantFrom('a', 'é', '€', '/'), minLength: 256, maxLength: 300 }),
          fc.constantFrom('', '"', '\\', '\u0000', '\n', '\u001f', '\ud800', '\udc00'),
          fc.nat(),
        )
        .map(([text, odd, at]) => text.slice(0, at % text.length) + odd + text.slice(at % text.length)),
    );
    const member = fc.oneof(long, fc.jsonValue(), fc.constant(undefined), fc.date({ noInvalidDate: true }), fc.constant(() => 1));
    const item = fc.oneof(
      fc.dictionary(fc.oneof(memberName, fc.constantFrom('__proto__', '0', '12', 'hardwareIdentifier')), member),
      fc.record({ id: fc.uuid(), hardwareIdentifier: long, state: fc.record({ deviceImportStatus: fc.constantFrom('unknown', 'error') }) }),
    );
    fc.assert(fc.property(fc.array(item, { minLength: BUFFERED_COLLECTION_ITEMS, maxLength: 40 }), (items) => {
      const data = { '@odata.context': 'ctx', value: items };
      expect(bytesOf(jsonPayload(data)).equals(Buffer.from(JSON.stringify(data)))).toBe(true);
    }), { numRuns: 150 });
    // An own "__proto__" member (as JSON.parse makes one) and a null-prototype object.
    const parsed = JSON.parse(`{"__proto__":"${'A'.repeat(300)}","x":1}`) as unknown;
    const bare = Object.assign(Object.create(null) as object, { h: 'B'.repeat(300), n: null });
    const data = { value: Array.from({ length: BUFFERED_COLLECTION_ITEMS }, (_, i) => (i % 2 === 0 ? parsed : bare)) };
    expect(bytesOf(jsonPayload(data)).toString('utf8')).toBe(JSON.stringify(data));
  });

  it('keeps what JSON.stringify does with holes, dates, functions and toJSON', () => {
    const items: unknown[] = Array.from({ length: BUFFERED_COLLECTION_ITEMS + 2 });
    items[0] = new Date(Date.UTC(2026, 11, 5));
    items[1] = () => 1;
    items[2] = { toJSON: () => 'custom', x: 1 };
    items[3] = 'é – 😀';
    delete items[4];
    const data = { '@odata.context': 'ctx', skipped: undefined, fn: () => 2, value: items, '@odata.nextLink': 'next' };
    expect(bytesOf(jsonPayload(data)).toString('utf8')).toBe(JSON.stringify(data));
    const withToJson = { value: items, toJSON: () => ({ replaced: true }) };
    expect(jsonPayload(withToJson)).toBe(JSON.stringify(withToJson));
  });
});
