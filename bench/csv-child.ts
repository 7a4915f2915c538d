// One side of the csv benchmark, in its own process: `read <file>` streams the file and counts lines (the
// baseline); `validate <file> <threads>` runs what `tarmac csv validate <file>` runs (validateCsvFile, from the
// compiled dist/ as the CLI runs it: worker threads load plain JavaScript there). Prints one JSON line with time,
// peak RSS and counts.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './lib.js';

const [mode, file, threadsArg] = process.argv.slice(2);
type ValidateFile = (file: string, o: { strict: boolean; threads: number }) => Promise<{ rows: number; errors: number }>;
const validateCsvFile: ValidateFile | null =
  mode === 'validate'
    ? ((await import(pathToFileURL(path.join(repoRoot, 'dist/csv/node/validate-parallel.js')).href)) as { validateCsvFile: ValidateFile }).validateCsvFile
    : null;
const start = performance.now();
const startCpu = process.cpuUsage();
let rows = 0;
let errors = 0;
if (mode === 'read') {
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) {
    const buf = chunk as Buffer;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) rows++;
  }
  rows -= 1; // the header
} else if (mode === 'validate' && validateCsvFile !== null) {
  const r = await validateCsvFile(file, { strict: false, threads: Number(threadsArg) });
  rows = r.rows;
  errors = r.errors;
} else {
  throw new Error(`unknown mode ${mode}`);
}
const ms = performance.now() - start;
// CPU time of every thread (the workers' too) over the measured part; maxRSS is in kilobytes.
const cpu = process.cpuUsage(startCpu);
const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
console.log(JSON.stringify({ ms: Math.round(ms), cpuMs, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), rows, errors }));
