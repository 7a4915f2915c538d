// Whether writing requests are keeping the server busy, for the SQLite import worker (registry-context.ts): it holds
// back its next batch while any is in flight, and for a short quiet period after the last one ended or started — a
// client that POSTs one list after another leaves only milliseconds between its requests, and a full batch started
// in such a gap (~1.3 s on the event loop) would hold up the next POST.
export class WriteActivity {
  readonly #inFlight = new Set<object>();
  #lastAt = -Infinity;

  constructor(
    /** How long after the last writing request started or ended the server still counts as busy. */
    private readonly quietMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  started(request: object): void {
    this.#inFlight.add(request);
    this.#lastAt = this.now();
  }

  /** The request was answered or aborted (a request never started is ignored). */
  ended(request: object): void {
    if (this.#inFlight.delete(request)) this.#lastAt = this.now();
  }

  /** A writing request is in flight, or one started or ended less than `withinMs` (default quietMs) ago. */
  busy(withinMs: number = this.quietMs): boolean {
    return this.#inFlight.size > 0 || this.now() - this.#lastAt < withinMs;
  }
}
