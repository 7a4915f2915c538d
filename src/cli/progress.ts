// Progress of a long online command, on stderr: a bar on a terminal, a few plain lines otherwise, nothing with --json.
import cliProgress from 'cli-progress';
import type { Output } from './output.js';

export type ProgressReporter = ReturnType<typeof progressReporter>;

/** Progress on stderr: a bar on a terminal, a few plain lines otherwise, nothing with --json. */
export function progressReporter(out: Output, json: boolean) {
  const tty = Boolean(process.stderr.isTTY) && !json;
  let bar: cliProgress.SingleBar | undefined;
  let lastPlain = '';
  return {
    note(text: string): void {
      if (json) return;
      if (bar) bar.stop();
      bar = undefined;
      out.error(out.color.dim(text));
    },
    update(done: number, total: number, phase: string): void {
      if (json || total === 0) return;
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            { stream: process.stderr, format: ' {bar} {value}/{total} {phase}', hideCursor: true, clearOnComplete: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done, { phase });
        }
        bar.update(done, { phase });
      } else if (done === total && lastPlain !== `${phase} ${done}`) {
        // Plain output: one line when a phase completes.
        out.error(`${phase}: ${done}/${total}`);
        lastPlain = `${phase} ${done}`;
      }
    },
    stop(): void {
      bar?.stop();
      bar = undefined;
    },
  };
}

