// Splitting long value lists for SQL: multi-row INSERTs and IN (…) lists stay under PostgreSQL's 65535 bind
// parameters and SQLite's variable limit.
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Identity keys grouped by kind (distinct values), in chunks of at most `size` values: for `(kind = ? AND value IN
 * (…)) OR …`, which both engines answer from an index that starts with (kind, value).
 */
export function keyChunks(keys: readonly { kind: string; value: string }[], size: number): Map<string, string[]>[] {
  const byKind = new Map<string, Set<string>>();
  for (const k of keys) {
    const values = byKind.get(k.kind);
    if (values) values.add(k.value);
    else byKind.set(k.kind, new Set([k.value]));
  }
  const out: Map<string, string[]>[] = [];
  let current = new Map<string, string[]>();
  let n = 0;
  for (const [kind, values] of byKind) {
    for (const value of values) {
      if (n === size) {
        out.push(current);
        current = new Map();
        n = 0;
      }
      const list = current.get(kind);
      if (list) list.push(value);
      else current.set(kind, [value]);
      n++;
    }
  }
  if (n > 0) out.push(current);
  return out;
}
