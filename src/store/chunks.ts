// Splitting long value lists for SQL: multi-row INSERTs and IN (…) lists stay under PostgreSQL's 65535 bind
// parameters and SQLite's variable limit.
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
