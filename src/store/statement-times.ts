// Time spent in SQL statements, summed by kind: the statement's verb and the first table it names ("insert
// autopilot_devices", "update imported_device_identities", "commit"). Fed by the statement log (openDatabase's
// `log` option). The import bench runs its server and its raw baseline with it, so that the report
// says which statements Tarmac pays for beyond the raw inserts of the same rows.
//
// What a time is: on SQLite the statement's own run, a commit's included, timed by Tarmac's driver (sqlite-driver.ts:
// not the wait for the writer, nor the event loop's turns a transaction gives), and each WAL checkpoint the writer
// waited for in the server's checkpoint thread, as `pragma`; on PostgreSQL Kysely's, from handing the statement to
// the driver until its result, a round trip, so concurrent statements overlap and the sum can exceed the wall clock.
import type { LogEvent } from 'kysely';

export interface StatementKindTime {
  kind: string;
  statements: number;
  milliseconds: number;
  /** The longest one. On SQLite a statement holds the event loop for its whole time (a checkpoint excepted). */
  maxMilliseconds: number;
}

/** One of the slowest statements: its kind, its time, and when it ended (Date.now(), to match with other clocks). */
export interface SlowStatement {
  kind: string;
  milliseconds: number;
  endedAt: number;
}

/** How many of the slowest statements StatementTimes keeps. */
const SLOWEST_KEPT = 20;

const NAME = String.raw`"?([A-Za-z_][A-Za-z0-9_]*)"?`;
const FIRST_FROM = new RegExp(String.raw`\sfrom\s+${NAME}`, 'i');
/** Where each verb names its table (a select or with: its first FROM). */
const TABLE_OF_VERB: Record<string, RegExp> = {
  insert: new RegExp(String.raw`^insert\s+(?:or\s+\w+\s+)?into\s+${NAME}`, 'i'),
  update: new RegExp(String.raw`^update\s+${NAME}`, 'i'),
  delete: new RegExp(String.raw`^delete\s+from\s+${NAME}`, 'i'),
  select: FIRST_FROM,
  with: FIRST_FROM,
};

/** The kind of a statement: its verb and first table, or the verb alone (begin, commit, pragma, …). */
export function statementKind(sql: string): string {
  const text = sql.replace(/\/\*[\s\S]*?\*\//g, ' ').trim();
  const verb = /^[a-z]+/i.exec(text)?.[0]?.toLowerCase() ?? '';
  const table = Object.hasOwn(TABLE_OF_VERB, verb) ? TABLE_OF_VERB[verb]!.exec(text) : null;
  const kind = verb === 'with' ? 'select' : verb;
  return table ? `${kind} ${table[1]}` : kind || '(empty)';
}

/** Sums statement times by kind; `log` is the function to give openDatabase as its `log` option. */
export class StatementTimes {
  readonly #byKind = new Map<string, { statements: number; milliseconds: number; maxMilliseconds: number }>();
  /** The slowest statements so far, slowest first, at most SLOWEST_KEPT. */
  readonly #slowest: SlowStatement[] = [];

  readonly log = (event: LogEvent): void => {
    const kind = statementKind(event.query.sql);
    const ms = event.queryDurationMillis;
    const sum = this.#byKind.get(kind) ?? { statements: 0, milliseconds: 0, maxMilliseconds: 0 };
    sum.statements++;
    sum.milliseconds += ms;
    sum.maxMilliseconds = Math.max(sum.maxMilliseconds, ms);
    this.#byKind.set(kind, sum);
    if (this.#slowest.length < SLOWEST_KEPT || ms > this.#slowest.at(-1)!.milliseconds) {
      const at = this.#slowest.findIndex((s) => s.milliseconds < ms);
      this.#slowest.splice(at === -1 ? this.#slowest.length : at, 0, { kind, milliseconds: ms, endedAt: Date.now() });
      this.#slowest.length = Math.min(this.#slowest.length, SLOWEST_KEPT);
    }
  };

  /** Forgets what was summed so far (say, a migration before the measured work). */
  reset(): void {
    this.#byKind.clear();
    this.#slowest.length = 0;
  }

  /** The slowest statements since the last reset (at most 20), slowest first. */
  slowest(): SlowStatement[] {
    return this.#slowest.map((s) => ({ ...s }));
  }

  /** Each kind with its sums, the most time first. */
  summary(): StatementKindTime[] {
    return [...this.#byKind]
      .map(([kind, sum]) => ({ kind, ...sum }))
      .sort((a, b) => b.milliseconds - a.milliseconds || a.kind.localeCompare(b.kind));
  }
}
