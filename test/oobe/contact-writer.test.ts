// ContactWriter (src/oobe/contact-writer.ts) on both engines: concurrent downloads' contacts are written in a few
// batches, each download resolves only once its contact is stored, and a failed batch rejects exactly its downloads.
// Contacts written behind the answer (recordBehind) join the same batches, are stored once settled() resolves, and a
// failed batch reports them to onError. Alone, they gather for up to BEHIND_GATHER_MS (setTimeout is faked in those
// tests, so the window closes only when the test says), unless a batch fills up.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seedRegistry } from '../../bench/seed-registry.js';
import { BEHIND_GATHER_MS, ContactWriter } from '../../src/oobe/contact-writer.js';
import type { Store } from '../../src/ports.js';
import { ENGINES, registryFixture, type RegistryFixture } from '../support/registry-fixture.js';

describe.each(ENGINES)('ContactWriter on %s', (engine) => {
  let f: RegistryFixture;
  let ids: string[];
  beforeEach(async () => {
    f = await registryFixture(engine);
    ids = (await seedRegistry(f.db, f.contoso.tenant.id, 1, 60, () => true)).kept.map((k) => k.id);
  });
  afterEach(async () => f.cleanup());

  /** The store, counting recordContacts calls (the real one does the work). */
  function counting(fail = 0): { store: Store; calls: number[] } {
    const calls: number[] = [];
    const devices = Object.create(f.store.devices) as Store['devices'];
    devices.recordContacts = async (contacts) => {
      calls.push(contacts.length);
      if (calls.length <= fail) throw new Error('the database went away');
      return f.store.devices.recordContacts(contacts);
    };
    return { store: { ...f.store, devices }, calls };
  }

  it('writes concurrent contacts in batches, and each resolves with its contact stored', async () => {
    const { store, calls } = counting();
    const writer = new ContactWriter(store);
    const at = '2026-12-01T10:00:00.000Z';
    await Promise.all(
      ids.map(async (id) => {
        await writer.record({ tenantId: f.contoso.tenant.id, id, at });
        // Read-your-writes: stored when the download answers.
        expect((await f.store.devices.find(f.contoso.tenant.id, id))?.lastContactedAt).toBe(at);
      }),
    );
    // Recorded in one turn of the event loop: one batch, one statement (not the first alone, then the rest).
    expect(calls).toEqual([ids.length]);
  });

  it('one device twice in a batch: written once, with the later time', async () => {
    const { store, calls } = counting();
    const writer = new ContactWriter(store);
    const [first, second] = [ids[0]!, ids[1]!];
    const other = writer.record({ tenantId: f.contoso.tenant.id, id: first, at: '2026-12-01T10:00:00.000Z' });
    const early = writer.record({ tenantId: f.contoso.tenant.id, id: second, at: '2026-12-01T10:00:01.000Z' });
    const late = writer.record({ tenantId: f.contoso.tenant.id, id: second, at: '2026-12-01T10:00:02.000Z' });
    await Promise.all([other, early, late]);
    expect(calls).toEqual([2]);
    expect((await f.store.devices.find(f.contoso.tenant.id, second))?.lastContactedAt).toBe('2026-12-01T10:00:02.000Z');
  });

  it('a delivered profile rides in the same batch as plain contacts; of two downloads of one device, the later one’s holds', async () => {
    const { store, calls } = counting();
    const writer = new ContactWriter(store);
    const tenantId = f.contoso.tenant.id;
    const [delivered, overtaken, plain] = [ids[0]!, ids[1]!, ids[2]!];
    await Promise.all([
      writer.record({ tenantId, id: delivered, at: '2026-12-01T10:00:00.000Z', delivery: { profileId: null, assignedInSync: true } }),
      writer.record({ tenantId, id: overtaken, at: '2026-12-01T10:00:00.000Z', delivery: { profileId: null, assignedInSync: true } }),
      writer.record({ tenantId, id: overtaken, at: '2026-12-01T10:00:00.000Z' }), // read the device after the first: nothing to deliver
      writer.record({ tenantId, id: plain, at: '2026-12-01T10:00:00.000Z' }),
    ]);
    expect(calls).toEqual([3]);
    expect((await f.store.devices.find(tenantId, delivered))?.deploymentProfileAssignmentStatus).toBe('assignedInSync');
    expect((await f.store.devices.find(tenantId, overtaken))?.deploymentProfileAssignmentStatus).not.toBe('assignedInSync');
    expect((await f.store.devices.find(tenantId, plain))).toMatchObject({ lastContactedAt: '2026-12-01T10:00:00.000Z' });
  });

  it('a failed batch rejects its downloads only; the next batch is written', async () => {
    const { store } = counting(1);
    const writer = new ContactWriter(store);
    const failed = writer.record({ tenantId: f.contoso.tenant.id, id: ids[0]!, at: '2026-12-01T10:00:00.000Z' }).then(
      () => 'stored',
      (err: Error) => err.message,
    );
    await new Promise((resolve) => setImmediate(resolve)); // its batch is being written
    const next = writer.record({ tenantId: f.contoso.tenant.id, id: ids[1]!, at: '2026-12-01T10:00:00.000Z' });
    expect(await failed).toBe('the database went away');
    await expect(next).resolves.toBeUndefined();
    expect((await f.store.devices.find(f.contoso.tenant.id, ids[0]!))?.lastContactedAt).toBeNull();
    expect((await f.store.devices.find(f.contoso.tenant.id, ids[1]!))?.lastContactedAt).toBe('2026-12-01T10:00:00.000Z');
  });
  it('contacts written behind the answer: one batch with the waited ones, stored once settled() resolves', async () => {
    const { store, calls } = counting();
    const writer = new ContactWriter(store);
    const tenantId = f.contoso.tenant.id;
    const at = '2026-12-01T10:00:00.000Z';
    await writer.settled(); // nothing recorded: at once
    for (const id of ids.slice(1)) writer.recordBehind({ tenantId, id, at });
    // Nobody waited: nothing is written before the end of this turn of the event loop.
    expect(calls).toEqual([]);
    await writer.record({ tenantId, id: ids[0]!, at, delivery: { profileId: null, assignedInSync: true } });
    expect(calls).toEqual([ids.length]);
    // A contact recorded while a batch is being written goes into the next one, and settled() waits for it too.
    const written = writer.record({ tenantId, id: ids[0]!, at: '2026-12-01T10:10:00.000Z' });
    await new Promise((resolve) => setImmediate(resolve));
    writer.recordBehind({ tenantId, id: ids[1]!, at: '2026-12-01T10:10:00.000Z' });
    await writer.settled();
    await written;
    expect(calls).toEqual([ids.length, 1, 1]);
    for (const id of ids.slice(2)) expect((await f.store.devices.find(tenantId, id))?.lastContactedAt).toBe(at);
    expect((await f.store.devices.find(tenantId, ids[1]!))?.lastContactedAt).toBe('2026-12-01T10:10:00.000Z');
    expect((await f.store.devices.find(tenantId, ids[0]!))).toMatchObject({ lastContactedAt: '2026-12-01T10:10:00.000Z', deploymentProfileAssignmentStatus: 'assignedInSync' });
  });

  it('a failed batch reports the contacts nobody waited for, rejects the waiting ones, and the next batch is written', async () => {
    const { store } = counting(1);
    const reported: [string, number][] = [];
    const writer = new ContactWriter(store, (err, unwaited) => reported.push([(err as Error).message, unwaited]));
    const tenantId = f.contoso.tenant.id;
    const at = '2026-12-01T10:00:00.000Z';
    writer.recordBehind({ tenantId, id: ids[0]!, at });
    writer.recordBehind({ tenantId, id: ids[1]!, at });
    const waited = writer.record({ tenantId, id: ids[2]!, at }).then(
      () => 'stored',
      (err: Error) => err.message,
    );
    await writer.settled();
    expect(await waited).toBe('the database went away');
    expect(reported).toEqual([['the database went away', 2]]);
    writer.recordBehind({ tenantId, id: ids[0]!, at });
    await writer.settled();
    expect(reported).toHaveLength(1);
    expect((await f.store.devices.find(tenantId, ids[0]!))?.lastContactedAt).toBe(at);
    expect((await f.store.devices.find(tenantId, ids[1]!))?.lastContactedAt).toBeNull();
  });

  describe('with setTimeout faked (the window closes when the test moves the clock)', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

    it('contacts nobody waits for gather over many turns until the window closes, then go in one statement', async () => {
      const { store, calls } = counting();
      const writer = new ContactWriter(store);
      const tenantId = f.contoso.tenant.id;
      for (const id of ids) {
        writer.recordBehind({ tenantId, id, at: '2026-12-01T10:00:00.000Z' });
        await turn();
      }
      expect(calls).toEqual([]);
      vi.advanceTimersByTime(BEHIND_GATHER_MS - 1);
      await turn();
      expect(calls).toEqual([]);
      vi.advanceTimersByTime(1);
      await turn();
      expect(calls).toEqual([ids.length]);
      await writer.settled();
      for (const id of ids) expect((await f.store.devices.find(tenantId, id))?.lastContactedAt).toBe('2026-12-01T10:00:00.000Z');
      // Nothing left behind: no other statement when the (faked) clock moves on.
      vi.advanceTimersByTime(10 * BEHIND_GATHER_MS);
      await turn();
      expect(calls).toEqual([ids.length]);
    });

    it('a full batch of contacts nobody waits for is written at the end of the turn, and settled() writes the rest at once', async () => {
      const { store, calls } = counting();
      const writer = new ContactWriter(store);
      const tenantId = f.contoso.tenant.id;
      // Unknown ids update nothing; they only fill the batch (500, MAX_BATCH).
      for (let i = 0; i < 500; i++) writer.recordBehind({ tenantId, id: randomUUID(), at: '2026-12-01T10:00:00.000Z' });
      await turn();
      await turn();
      expect(calls).toEqual([500]);
      writer.recordBehind({ tenantId, id: ids[0]!, at: '2026-12-01T10:00:00.000Z' });
      await turn();
      expect(calls).toEqual([500]);
      await writer.settled(); // without the window closing: the clock is faked and stands still
      expect(calls).toEqual([500, 1]);
      expect((await f.store.devices.find(tenantId, ids[0]!))?.lastContactedAt).toBe('2026-12-01T10:00:00.000Z');
    });
  });
});
