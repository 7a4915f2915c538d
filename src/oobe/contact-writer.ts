// Group commit for the writes a profile download makes: a device's lastContactedDateTime, and on its first download
// after a profile was assigned (or changed) the delivered profile and assignedInSync (DeviceContact.delivery).
//
// Every PC asks for its profile at every boot. One UPDATE and one commit per ask would serialise the boots of the
// whole registry on SQLite's single writer and on PostgreSQL's WAL flush. Here a download's contact joins the batch
// that is being gathered; a batch is written by one statement (DeviceRepository.recordContacts) once the previous one
// has committed. Two ways in:
// - record: the download answers only after its contact is stored, so a caller that reads the device next sees it
//   (read-your-writes) and a crash of Tarmac loses nothing that was answered. For deliveries: the enrollment that
//   follows a download reads the delivered profile.
// - recordBehind: a contact time alone, written behind the answer (nobody waits). A returning PC's boot, the usual
//   write, no longer waits for the batch in flight and then its own (PostgreSQL 10k, 16 connections, every download
//   writing its contact: p99 16–25 → 12–17 ms, the database's CPU a request 167–264 → 91–139 µs, as the batches
//   grow while nobody waits). What it costs: a reader may see the previous contact time for the few milliseconds the
//   batch takes, and a crash of Tarmac loses the contact times gathered and in flight. Neither lasts: the stored time
//   stays older than the lost one, so the device's next download writes its contact again. A failed batch is reported
//   to onError. settled() waits for all of them (the server's shutdown; tests that read right after a download).
// (On PostgreSQL the store commits contact times asynchronously: a crash of the database server itself may lose the
// last fraction of a second of them; see recordContacts in src/store/device-repository.ts.)
//
// The first batch after a pause is written at the end of the event loop's turn (setImmediate), not at once: the
// downloads read from the sockets in the same turn join it. On SQLite a statement runs synchronously, so a batch
// started at once held one contact and the next could gather only while it ran, which is never: under the oobe
// bench's load 9,575 statements wrote ~10,000 contacts, 47 µs each, where a batch of 16 costs 5–8 µs a contact.
//
// Invariants: at most one batch is being written per process at a time; a batch holds at most MAX_BATCH contacts,
// one per device (the latest, by time and then by arrival: its download read the device last, so its delivery, or
// the lack of one, is the one that holds); a failed batch rejects every download that waits in it, reports the
// contacts nobody waits for, and the next batch starts afresh.
//
// Tried and not kept (2026-12-06): on PostgreSQL, up to 3 batches written at once (disjoint by device), so that a
// first boot's delivery need not wait for the batch in flight. 100k devices, every download the device's first after
// the assignment, 10 s loads alternating: one process 3,329 and 3,391 req/s (p99 15, 14 ms) with one batch against
// 3,240 and 2,882 (15, 16 ms) with three; two processes 2,674 and 2,308 (20, 25 ms) against 2,628 and 2,389 (23, 23
// ms). The wait is not what sets the p99: the two cores are saturated, and smaller batches cost PostgreSQL more CPU.
import type { DeviceContact } from '../registry/ports.js';
import type { Store } from '../ports.js';

const MAX_BATCH = 500;

interface Waiting {
  contact: DeviceContact;
  settle: { resolve: () => void; reject: (err: unknown) => void }[];
}

export class ContactWriter {
  /** Gathering: by tenant and device id. */
  private gathering = new Map<string, Waiting>();
  private writing = false;
  /** settled() callers, resolved when nothing is gathering or being written. */
  private idle: (() => void)[] = [];

  /** onError: a failed batch's error and how many of its contacts nobody waited for (recordBehind's). */
  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown, unwaited: number) => void = () => undefined,
  ) {}

  /** Resolves once the contact is stored (with others that arrived meanwhile). */
  record(contact: DeviceContact): Promise<void> {
    return new Promise((resolve, reject) => this.add(contact, { resolve, reject }));
  }

  /** Stored with the next batch; nobody waits for it (see the header). */
  recordBehind(contact: DeviceContact): void {
    this.add(contact, undefined);
  }

  /** Resolves once nothing is gathering or being written: every contact recorded before it is stored or has failed. */
  settled(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private add(contact: DeviceContact, settle: Waiting['settle'][number] | undefined): void {
    const key = `${contact.tenantId}/${contact.id}`;
    const waiting = this.gathering.get(key);
    if (waiting) {
      if (waiting.contact.at <= contact.at) waiting.contact = contact;
      if (settle) waiting.settle.push(settle);
    } else {
      this.gathering.set(key, { contact, settle: settle ? [settle] : [] });
    }
    if (!this.writing) {
      this.writing = true; // gathering until the end of this turn (see the header)
      setImmediate(() => void this.drain());
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.gathering.size > 0) {
        const batch = [...this.gathering.values()].slice(0, MAX_BATCH);
        for (const w of batch) this.gathering.delete(`${w.contact.tenantId}/${w.contact.id}`);
        try {
          await this.store.devices.recordContacts(batch.map((w) => w.contact));
          for (const w of batch) for (const s of w.settle) s.resolve();
        } catch (err) {
          for (const w of batch) for (const s of w.settle) s.reject(err);
          const unwaited = batch.filter((w) => w.settle.length === 0).length;
          if (unwaited > 0) this.onError(err, unwaited);
        }
      }
    } finally {
      this.writing = false;
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }
}
