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
// Contacts nobody waits for go further: they gather for up to BEHIND_GATHER_MS (a waited contact, a full batch or
// settled() takes them along sooner), since a turn held only ~3 of them. A reader may then see the previous contact
// time for up to that long, and a crash loses that much more of them; as above, neither lasts.
//
// Invariants: at most one batch is being written per process at a time; the window never holds back a contact someone
// waits for (nor any other contact while one is gathering); a batch holds at most MAX_BATCH contacts,
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
/**
 * How long contacts nobody waits for (recordBehind) gather before they are written, unless a waited contact, a full
 * batch or settled() writes them sooner. Written at the end of each turn instead, as waited ones are, a returning
 * fleet's contact times went in ~3 a statement (oobe bench, SQLite 10k, one process: 3,161 statements for 9,998
 * contacts; two processes 2,017–2,377 each): SQLite spends 43–72 µs a contact in a statement of one, 25–28 in one of
 * four, 13 in one of 500 (recordContacts on a 10k registry, 2026-12-07). With this window: 152–170 statements in the
 * same runs, and in process, 10,000 contacts arriving 3 a turn cost 119–161 ms of CPU instead of 240–464 (four
 * alternating rounds). Under the oobe bench's load that is 1–2 % of the server's CPU, less than the machine's noise.
 */
export const BEHIND_GATHER_MS = 50;

interface Waiting {
  contact: DeviceContact;
  settle: { resolve: () => void; reject: (err: unknown) => void }[];
}

export class ContactWriter {
  /** Gathering: by tenant and device id. */
  private gathering = new Map<string, Waiting>();
  /** How many of the gathering contacts someone waits for (record, settled()). */
  private waited = 0;
  /** A drain to come: at the end of this turn (setImmediate) or when the behind window closes (setTimeout). */
  private scheduled: { due: number; cancel: () => void } | undefined;
  /** A drain is writing. */
  private draining = false;
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

  /** Stored with the next batch, at the latest BEHIND_GATHER_MS from now; nobody waits for it (see the header). */
  recordBehind(contact: DeviceContact): void {
    this.add(contact, undefined);
  }

  /** Resolves once nothing is gathering or being written: every contact recorded before it is stored or has failed. */
  settled(): Promise<void> {
    if (!this.draining && this.scheduled === undefined) return Promise.resolve();
    // Whoever waits for the contacts gathering behind the answers gets them written now, not when the window closes.
    if (this.gathering.size > 0) this.schedule(0);
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private add(contact: DeviceContact, settle: Waiting['settle'][number] | undefined): void {
    const key = `${contact.tenantId}/${contact.id}`;
    const waiting = this.gathering.get(key);
    if (waiting) {
      if (waiting.contact.at <= contact.at) waiting.contact = contact;
      if (settle) {
        if (waiting.settle.length === 0) this.waited++;
        waiting.settle.push(settle);
      }
    } else {
      this.gathering.set(key, { contact, settle: settle ? [settle] : [] });
      if (settle) this.waited++;
    }
    this.scheduleNext();
  }

  /** The next drain: at the end of this turn when it must write, else when the behind window closes. */
  private scheduleNext(): void {
    this.schedule(this.mustWrite() ? 0 : BEHIND_GATHER_MS);
  }

  /** Write at the end of this turn rather than when the behind window closes: someone waits, or a batch is full. */
  private mustWrite(): boolean {
    return this.waited > 0 || this.idle.length > 0 || this.gathering.size >= MAX_BATCH;
  }

  /** A drain in delayMs (0: at the end of this turn), unless one comes sooner or is writing (it looks again after). */
  private schedule(delayMs: number): void {
    if (this.draining) return;
    const due = performance.now() + delayMs;
    if (this.scheduled && this.scheduled.due <= due) return;
    this.scheduled?.cancel();
    const run = (): void => {
      this.scheduled = undefined;
      void this.drain();
    };
    if (delayMs === 0) {
      const immediate = setImmediate(run);
      this.scheduled = { due, cancel: () => clearImmediate(immediate) };
    } else {
      const timeout = setTimeout(run, delayMs);
      this.scheduled = { due, cancel: () => clearTimeout(timeout) };
    }
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      // The first batch is written whatever it holds (its window closed, or someone waits); the ones after it only
      // when they must be, else they gather on.
      for (let first = true; this.gathering.size > 0 && (first || this.mustWrite()); first = false) {
        const batch = [...this.gathering.values()].slice(0, MAX_BATCH);
        for (const w of batch) {
          this.gathering.delete(`${w.contact.tenantId}/${w.contact.id}`);
          if (w.settle.length > 0) this.waited--;
        }
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
      this.draining = false;
      if (this.gathering.size > 0) this.scheduleNext();
      else for (const resolve of this.idle.splice(0)) resolve();
    }
  }
}
