// One side of the csv benchmark, in its own process: `read <file>` streams the file and counts lines (the
// baseline); `validate <file>` runs Tarmac's validateCsv. Prints one JSON line with time, peak RSS and counts.
import { createReadStream } from 'node:fs';
import { validateCsv } from '../src/csv/index.js';

const [mode, file] = process.argv.slice(2);
const start = performance.now();
let rows = 0;
let errors = 0;
if (mode === 'read') {
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) {
    const buf = chunk as Buffer;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) rows++;
  }
  rows -= 1; // the header
} else if (mode === 'validate') {
  const r = await validateCsv(file, { strict: false });
  rows = r.rows;
  errors = r.errors;
} else {
  throw new Error(`unknown mode ${mode}`);
}
const ms = performance.now() - start;
// maxRSS is in kilobytes.
console.log(JSON.stringify({ ms: Math.round(ms), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), rows, errors }));
