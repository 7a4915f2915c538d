// Output for people and for scripts: tables and colour when stdout is a terminal, plain text otherwise,
// JSON on request. Commands write through these helpers so the choice is made in one place.
import pc from 'picocolors';
import Table from 'cli-table3';

export interface Output {
  /** True when writing to a terminal (tables with borders and colour); false for pipes and files. */
  readonly tty: boolean;
  line(text?: string): void;
  error(text: string): void;
  json(value: unknown): void;
  table(head: string[], rows: (string | number | null | undefined)[][]): void;
  color: Colors;
}

export interface Colors {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
}

const plain: Colors = {
  red: (s) => s,
  yellow: (s) => s,
  green: (s) => s,
  dim: (s) => s,
  bold: (s) => s,
  cyan: (s) => s,
};

export function createOutput(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Output {
  const tty = Boolean(stdout.isTTY) && !process.env.NO_COLOR;
  const color: Colors = tty ? { red: pc.red, yellow: pc.yellow, green: pc.green, dim: pc.dim, bold: pc.bold, cyan: pc.cyan } : plain;
  return {
    tty,
    color,
    line: (text = '') => void stdout.write(text + '\n'),
    error: (text) => void stderr.write(text + '\n'),
    json: (value) => void stdout.write(JSON.stringify(value, null, 2) + '\n'),
    table(head, rows) {
      const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
      if (tty) {
        const t = new Table({ head: head.map((h) => pc.bold(h)), style: { head: [], border: [] }, wordWrap: true });
        t.push(...cells);
        stdout.write(t.toString() + '\n');
        return;
      }
      // Plain: tab-separated with a header row, easy to read and to cut/awk.
      stdout.write([head, ...cells].map((r) => r.join('\t')).join('\n') + '\n');
    },
  };
}

export function severityLabel(out: Output, severity: 'error' | 'warning' | 'info'): string {
  if (severity === 'error') return out.color.red('error');
  if (severity === 'warning') return out.color.yellow('warning');
  return out.color.dim('info');
}
