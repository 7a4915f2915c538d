// `npm run bench -- <name>...` runs the named benchmarks (all when none is named). Each compares Tarmac against a
// baseline measured in the same run and writes bench/results/<name>.json.
const benchmarks: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  hash: () => import('./hash.bench.js'),
  csv: () => import('./csv.bench.js'),
  query: () => import('./query.bench.js'),
  import: () => import('./import.bench.js'),
  lifecycle: () => import('./lifecycle.bench.js'),
  oobe: () => import('./oobe.bench.js'),
  partner: () => import('./partner.bench.js'),
  console: () => import('./console.bench.js'),
  scale: () => import('./scale.bench.js'),
  'scale-curve': () => import('./scale.bench.js'),
  workers: () => import('./workers.bench.js'),
  backup: () => import('./backup.bench.js'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(benchmarks).filter((n) => n !== 'scale-curve'); // an alias of scale
for (const name of names) {
  const load = benchmarks[name];
  if (!load) {
    console.error(`Unknown benchmark "${name}". Known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name}`);
  await (await load()).run();
}
