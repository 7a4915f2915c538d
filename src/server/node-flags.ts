// V8 flags for the processes that serve. Tarmac's heaviest request is a Graph import of 500 devices (a 2 MB JSON
// body of 4 KB hashes, ~20 MB of short-lived objects to accept it): with V8's default young generation (16 MB
// semi-spaces) the garbage from parsing a few such bodies at once is promoted before it dies, and the old space grows
// to hold it; with 4 MB semi-spaces a POST spent more time in scavenges than anywhere else (~25 ms of ~80). 8 MB is
// the middle (2026-12-05, SQLite 100k import, one run each: 4 MB POST p50 262 ms and peak RSS 223 MB, 8 MB 190 ms and
// 248 MB, 16 MB 200 ms and 259 MB with idle RSS 136 MB). And after each full GC V8 lets the old space grow to a
// multiple of what survived, chosen from its GC speed: up to 4×, far more than a server whose live data is small and
// steady needs. `--heap-growing-percent=100` fixes it at 2×: a 100k import on SQLite peaked at 236 MB instead of
// 319 MB at the same rate (2026-12-05; 50 %: 205 MB but ~4 % slower, more full GCs). No hard cap: a heap that needs
// more still gets it. V8 takes these only at start, so they are given to the worker processes `serve --workers N`
// forks, and to `npm start` on its command line (NODE_OPTIONS does not accept the second one).
export const SERVER_V8_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=100'];

/** `execArgv` plus every server flag that neither it nor NODE_OPTIONS already sets (an operator's choice wins). */
export function withServerFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((a) => a.split('=')[0].replace(/_/g, '-'));
  return [...execArgv, ...SERVER_V8_FLAGS.filter((flag) => !given.includes(flag.split('=')[0]))];
}
