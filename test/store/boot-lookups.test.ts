// BootLookups (src/store/device-repository.ts): PostgreSQL's boot lookups asked during one turn of the event loop run
// as one statement; every caller gets its own answer, a failure rejects its group only. No database: the statement is
// a function here (its SQL runs in the store conformance battery, registry-conformance.ts, on PostgreSQL).
import { describe, expect, it } from 'vitest';
import { BootLookups } from '../../src/store/device-repository.js';
import type { BootDevice } from '../../src/registry/ports.js';

const digest = (n: number): Buffer => Buffer.alloc(32, n);
const device = (n: number): BootDevice => ({ id: `device-${n}` }) as BootDevice;

/** Lookups answered from `registered` (digest byte → device), each call recorded with the digests it got. */
function lookups(registered: Set<number>, fail?: (call: number) => boolean) {
  const calls: number[][] = [];
  const group = new BootLookups(async (digests) => {
    calls.push(digests.map((d) => d[0]!));
    if (fail?.(calls.length)) throw new Error(`statement ${calls.length} failed`);
    return new Map(digests.filter((d) => registered.has(d[0]!)).map((d) => [d.toString('latin1'), device(d[0]!)]));
  });
  return { group, calls };
}

describe('BootLookups', () => {
  it('runs the lookups of one turn as one call, each digest once, and answers every caller with its own device or none', async () => {
    const { group, calls } = lookups(new Set([1, 2, 3]));
    const asked = [1, 2, 9, 2, 3, 1].map((n) => group.find(digest(n)));
    expect(calls).toEqual([]); // nothing before the turn ends
    const answers = await Promise.all(asked);
    expect(calls).toEqual([[1, 2, 9, 3]]);
    expect(answers.map((d) => d?.id)).toEqual(['device-1', 'device-2', undefined, 'device-2', 'device-3', 'device-1']);
    // The next turn: a call of its own.
    expect((await group.find(digest(3)))?.id).toBe('device-3');
    expect(calls).toEqual([[1, 2, 9, 3], [3]]);
  });

  it('a failed call rejects its own callers only', async () => {
    const { group } = lookups(new Set([1, 2]), (call) => call === 1);
    const failed = [group.find(digest(1)), group.find(digest(2))];
    await expect(Promise.all(failed)).rejects.toThrow('statement 1 failed');
    await expect(failed[1]).rejects.toThrow('statement 1 failed');
    expect((await group.find(digest(2)))?.id).toBe('device-2');
  });

  it('splits a large turn into calls of at most 500 digests', async () => {
    const registered = new Set(Array.from({ length: 256 }, (_, i) => i));
    const calls: number[] = [];
    const group = new BootLookups(async (digests) => {
      calls.push(digests.length);
      return new Map(digests.map((d) => [d.toString('latin1'), device(d[0]!)]));
    });
    const many = Array.from({ length: 1200 }, (_, i) => Buffer.concat([Buffer.from([i % 256]), Buffer.alloc(31, i >> 8)]));
    const answers = await Promise.all(many.map((d) => group.find(d)));
    expect(calls).toEqual([500, 500, 200]);
    expect(answers.every((d, i) => d?.id === `device-${i % 256}` && registered.has(i % 256))).toBe(true);
  });
});
