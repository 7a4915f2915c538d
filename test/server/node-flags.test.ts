// The V8 flags serving processes get (src/server/node-flags.ts): added once, never over an operator's own choice.
import { describe, expect, it } from 'vitest';
import { SERVER_V8_FLAGS, withServerFlags } from '../../src/server/node-flags.js';

describe('withServerFlags', () => {
  it('adds the server flags after the process own arguments', () => {
    expect(withServerFlags(['--enable-source-maps'])).toEqual(['--enable-source-maps', ...SERVER_V8_FLAGS]);
  });

  it('keeps a size the operator gave on the command line or in NODE_OPTIONS, in either spelling', () => {
    expect(withServerFlags(['--max-semi-space-size=16'])).toEqual(['--max-semi-space-size=16', '--heap-growing-percent=100']);
    expect(withServerFlags([], '--max_semi_space_size=32 --trace-warnings')).toEqual(['--heap-growing-percent=100']);
    expect(withServerFlags(['--heap_growing_percent=50', '--max-semi-space-size=2'])).toEqual(['--heap_growing_percent=50', '--max-semi-space-size=2']);
  });

  it('does not add a flag twice when the process already runs with it (npm start passes it)', () => {
    expect(withServerFlags([...SERVER_V8_FLAGS])).toEqual([...SERVER_V8_FLAGS]);
  });
});

describe('npm start', () => {
  it('starts node with the server flags (V8 takes heap sizes only at start)', async () => {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
    for (const flag of SERVER_V8_FLAGS) expect(pkg.scripts.start.split(' ')).toContain(flag);
  });
});
