// Group commit for the writes a profile download makes: a device's lastContactedDateTime, and on its first download
// after a profile was assigned (or changed) the delivered profile and assignedInSync (DeviceContact.delivery).
//
// Every PC asks for its profile at every boot. One UPDATE and one commit per ask would serialise the boots of the
// whole registry on SQLite's single writer and on PostgreSQL's WAL flush. Here a download's contact joins the batch
// that is being gathered; a batch is written by one statement (DeviceRepository.recordContacts) once the previous one
// has committed, and each download answers only after its own contact is stored — so a caller that reads the device
// next sees it (read-your-writes), and a crash of Tarmac loses nothing that was answered. (On PostgreSQL the store
// commits contact times asynchronously: a crash of the database server itself may lose the last fraction of a second
// of them; see recordContacts in src/store/device-repository.ts.)
//
// The first batch after a pause is written at the end of the event loop's turn (setImmediate), not at once: the
// downloads read from the sockets in the same turn join it. On SQLite a statement runs synchronously, so a batch
// started at once held one contact and the next could gather only while it ran, which is never: under the oobe
// bench's load 9,575 statements wrote ~10,000 contacts, 47 µs each, where a batch of 16 costs 5–8 µs a contact.
//
// Invariants: at most one batch is being written per process at a time; a batch holds at most MAX_BATCH contacts,
// one per device (the latest, by time and then by arrival: its download read the device last, so its delivery, or
// the lack of one, is the one that holds); a failed batch rejects every download in it and the next batch starts afresh.
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

  constructor(private readonly store: Store) {}

  /** Resolves once the contact is stored (with others that arrived meanwhile). */
  record(contact: DeviceContact): Promise<void> {
    return new Promise((resolve, reject) => {
      const key = `${contact.tenantId}/${contact.id}`;
      const waiting = this.gathering.get(key);
      if (waiting) {
        if (waiting.contact.at <= contact.at) waiting.contact = contact;
        waiting.settle.push({ resolve, reject });
      } else {
        this.gathering.set(key, { contact, settle: [{ resolve, reject }] });
      }
      if (!this.writing) {
        this.writing = true; // gathering until the end of this turn (see the header)
        setImmediate(() => void this.drain());
      }
    });
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
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
