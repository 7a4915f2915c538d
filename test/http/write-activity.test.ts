// WriteActivity: when the SQLite import worker may take a full batch (src/http/write-activity.ts). A fake clock.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WriteActivity } from '../../src/http/write-activity.js';

function clocked(quietMs = 50) {
  let t = 1_000;
  const activity = new WriteActivity(quietMs, () => t);
  return { activity, advance: (ms: number) => (t += ms) };
}

describe('WriteActivity', () => {
  it('is not busy before any request', () => {
    expect(clocked().activity.busy()).toBe(false);
  });

  it('is busy while a request is in flight, however long it takes', () => {
    const { activity, advance } = clocked();
    const request = {};
    activity.started(request);
    advance(10_000);
    expect(activity.busy()).toBe(true);
  });

  it('stays busy for the quiet period after the last request ended, then not', () => {
    const { activity, advance } = clocked(50);
    const request = {};
    activity.started(request);
    advance(5);
    activity.ended(request);
    advance(49);
    expect(activity.busy()).toBe(true);
    advance(1);
    expect(activity.busy()).toBe(false);
  });

  it('answers for a longer period when asked: busy(1000) holds a second after the last request', () => {
    const { activity, advance } = clocked(50);
    const request = {};
    activity.started(request);
    activity.ended(request);
    advance(60);
    expect([activity.busy(), activity.busy(1_000)]).toEqual([false, true]);
    advance(940);
    expect(activity.busy(1_000)).toBe(false);
  });

  it('counts each request once: ending one of two leaves the other in flight', () => {
    const { activity, advance } = clocked(50);
    const a = {};
    const b = {};
    activity.started(a);
    activity.started(b);
    activity.ended(a);
    activity.ended(a);
    advance(1_000);
    expect(activity.busy()).toBe(true);
    activity.ended(b);
    advance(50);
    expect(activity.busy()).toBe(false);
  });

  it('ignores the end of a request it never saw start (reads, the PC’s calls): no quiet period from it', () => {
    const { activity, advance } = clocked(50);
    advance(100);
    activity.ended({});
    expect(activity.busy()).toBe(false);
  });

  it('is busy exactly when a request is open or the last start/end is under quietMs ago (any sequence)', () => {
    type Step = { kind: 'start' | 'end'; request: number; after: number };
    const step = fc.record({ kind: fc.constantFrom<'start' | 'end'>('start', 'end'), request: fc.integer({ min: 0, max: 3 }), after: fc.integer({ min: 0, max: 120 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), fc.integer({ min: 0, max: 120 }), (steps: Step[], wait) => {
        const { activity, advance } = clocked(50);
        const requests = [{}, {}, {}, {}];
        const open = new Set<number>();
        let now = 0;
        let last = -Infinity;
        for (const s of steps) {
          advance(s.after);
          now += s.after;
          if (s.kind === 'start') {
            activity.started(requests[s.request]!);
            open.add(s.request);
            last = now;
          } else {
            activity.ended(requests[s.request]!);
            if (open.delete(s.request)) last = now;
          }
        }
        advance(wait);
        now += wait;
        expect(activity.busy()).toBe(open.size > 0 || now - last < 50);
      }),
    );
  });
});
