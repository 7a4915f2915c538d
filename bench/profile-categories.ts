// A download's CPU by what it was doing, from a --cpu-prof file of the OOBE bench (BENCH_OOBE_CPU_PROF): the samples
// between the first and the last one handling a request, each counted under the first category its stack matches
// (in the order of CATEGORIES), in µs a request.
//   node --import tsx bench/profile-categories.ts <file.cpuprofile> <requests served during the load>
// The bench prints req/s for 15 s loads: requests = req/s × 15. Used for docs/performance.md ("Where a download's CPU
// goes beyond the floor's").
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A stack's frames as `function|url`, innermost first. */
type Stack = string[];
const calls = (stack: Stack, ...names: string[]) => stack.some((f) => names.some((n) => f.startsWith(`${n}|`)));

const CATEGORIES: [string, (s: Stack) => boolean][] = [
  ['idle', (s) => s[0]!.startsWith('(idle)')],
  ['GC', (s) => s[0]!.startsWith('(garbage collector)')],
  ['(program)', (s) => s[0]!.startsWith('(program)')],
  ['socket write (writev)', (s) => calls(s, 'writevGeneric', 'writeGeneric')],
  ['response headers (writeHead)', (s) => calls(s, 'writeHead')],
  ['boot lookup: SQLite statements', (s) => calls(s, 'readManyAtOnce')],
  ['boot lookup: SHA-256, row mapping', (s) => calls(s, 'bootDeviceFromRow', 'digestOf')],
  ['base64 of the hash', (s) => calls(s, 'hashTextBytes')],
  ['JSON body parse', (s) => calls(s, '_parse')],
  ['input guard', (s) => calls(s, 'jsonCannotHoldRefused', 'refusal', 'markRefusalFree')],
  ['rate limit', (s) => calls(s, 'applyRateLimit')],
  ['request id, child logger', (s) => calls(s, 'createChildLogger', 'getGenReqId')],
  ["Tarmac's onRequest hooks setting headers", (s) => calls(s, 'Reply.headers', 'Reply.header')],
  ['contact writes', (s) => calls(s, 'recordContacts', 'drain')],
  ['profile document', (s) => calls(s, 'autopilotConfigurationFile', 'toAsciiJson')],
  ['deliverProfile itself', (s) => calls(s, 'deliverProfile')],
  [
    "Node's HTTP parser, Fastify's routing, hooks, reply",
    (s) => calls(s, 'parserOnHeadersComplete', 'parserOnIncoming', 'parserOnMessageComplete', 'onEnd', 'endReadableNT', 'Reply.send', 'onSendEnd', 'hookRunner', 'routeHandler', 'handleRequest', 'afterWriteTick', 'resume_', 'emit'),
  ],
  ['other', () => true],
];

const [file, requestsArg] = process.argv.slice(2);
const requests = Number(requestsArg);
if (!file || !(requests > 0)) throw new Error('usage: profile-categories.ts <file.cpuprofile> <requests>');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const stackOf = (id: number): Stack => {
  const frames: Stack = [];
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) frames.push(`${byId.get(at)!.callFrame.functionName}|${byId.get(at)!.callFrame.url}`);
  return frames;
};
const stacks = profile.samples.map(stackOf);
const serving = (s: Stack) => calls(s, 'parserOnIncoming');
const first = stacks.findIndex(serving);
const last = stacks.findLastIndex(serving);
const totals = new Map(CATEGORIES.map(([name]) => [name, 0]));
for (let i = first; i <= last; i++) {
  const [name] = CATEGORIES.find(([, matches]) => matches(stacks[i]!))!;
  totals.set(name, totals.get(name)! + (profile.timeDeltas[i] ?? 0));
}
let busy = 0;
for (const [name, us] of totals) {
  if (name !== 'idle') busy += us;
  console.log(`${(us / requests).toFixed(1).padStart(7)}  ${name}`);
}
console.log(`${(busy / requests).toFixed(1).padStart(7)}  busy, total (µs a request)`);
