// findRefusedInput (src/http/plugins/input-guard.ts) on its own: the JSON path it names for a refused string or key,
// built only for the refusal, and the walk's own stack for deep bodies. The HTTP side is test/http/edge-input.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findRefusedInput, jsonCannotHoldRefused } from '../../src/http/plugins/input-guard.js';

describe('findRefusedInput', () => {
  it('names the path of the first refused value or key', () => {
    expect(findRefusedInput({ a: [{ b: 'ok' }, { c: ['x', 'y\u0000'] }] })).toEqual({ path: 'a[1].c[1]', inKey: false, what: 'U+0000 (NUL) at position 1' });
    expect(findRefusedInput({ 'odd key': { 'k\ud800': 1 } })).toMatchObject({ path: '["odd key"]["k\\ud800"]', inKey: true });
    expect(findRefusedInput('\udc00')).toMatchObject({ path: '', inKey: false });
    expect(findRefusedInput({ a: [1, true, null, { b: 'fine' }], 'x.y': 'fine' })).toBeUndefined();
  });

  it('walks a body nested 100,000 deep without overflowing the call stack', () => {
    let body: unknown = 'end\u0000';
    for (let i = 0; i < 100_000; i++) body = [body];
    expect(findRefusedInput(body)?.path).toBe('[0]'.repeat(100_000));
  });

  it('accepts every value JSON can carry without NUL or lone surrogates, and finds one planted anywhere', () => {
    // JSON.stringify writes U+0000 and lone surrogates (only those) as \u escapes: a value without them is clean.
    const clean = fc.jsonValue().filter((v) => !/\\u(0000|d[89a-f])/i.test(JSON.stringify(v)));
    fc.assert(
      fc.property(clean, (v) => findRefusedInput(v) === undefined),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), fc.nat(), (keys, n) => {
        // keys[0..] as nested objects, the NUL string as the leaf at array index n % 3.
        const leaf = ['a', 'b', 'c'];
        leaf[n % 3] = 'bad\u0000';
        let body: unknown = leaf;
        for (const k of [...keys].reverse()) body = { [k]: body };
        const found = findRefusedInput(body);
        return found !== undefined && found.path.endsWith(`[${n % 3}]`) && !found.inKey;
      }),
      { numRuns: 300 },
    );
  });

  it('is never needed for JSON that jsonCannotHoldRefused vouches for (pure ASCII without a \\u escape)', () => {
    // Any JSON value, its text as JSON.stringify writes it (\u escapes only for control characters and lone
    // surrogates) and as ASCII with every non-ASCII character escaped: whenever the check vouches for the bytes,
    // the parsed value holds nothing refused.
    const asciiJson = (v: unknown) => JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        for (const text of [JSON.stringify(v), asciiJson(v)]) {
          if (jsonCannotHoldRefused(Buffer.from(text))) expect(findRefusedInput(JSON.parse(text))).toBeUndefined();
        }
      }),
      { numRuns: 500 },
    );
    expect(jsonCannotHoldRefused(Buffer.from('{"serialNumber":"ABC\\n123","tag":"x\\\\y"}'))).toBe(true);
    expect(jsonCannotHoldRefused(Buffer.from('{"serialNumber":"A\\u0000B"}'))).toBe(false);
    expect(jsonCannotHoldRefused(Buffer.from('{"serialNumber":"\\ud800"}'))).toBe(false);
    expect(jsonCannotHoldRefused(Buffer.from('{"serialNumber":"é"}'))).toBe(false);
  });
});
