// Worker thread of the parallel validator (validate-parallel.ts): checks the blocks it is sent (validate-block.ts).
// The first message is the setup (the file's dialect and options, known once the main thread has read the header);
// the workers start before that, so that loading this module overlaps the main thread's reading.
import { parentPort } from 'node:worker_threads';
import type { RowContext } from '../rules.js';
import { blockContext, checkBlock } from './validate-block.js';
import type { BlockJob, WorkerSetup } from './validate-protocol.js';

let setup: WorkerSetup | null = null;
let ctx: RowContext | null = null;

parentPort?.on('message', (message: BlockJob | WorkerSetup) => {
  if (!('buffer' in message)) {
    setup = message;
    ctx = blockContext(setup);
    return;
  }
  if (setup === null || ctx === null) throw new Error('csv validation worker: a block came before the setup');
  const result = checkBlock(message, setup, ctx);
  parentPort?.postMessage(result, [result.buffer]);
});
