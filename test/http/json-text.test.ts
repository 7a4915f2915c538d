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
