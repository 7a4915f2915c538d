// Messages about the entity model's properties: unknown names with a did-you-mean. The model itself (EntityModel,
// resolveProperty) is shared with the store, in src/model/list-query.ts.
import type { EntityModel, PropertySpec } from '../../model/index.js';

/** "unknown property 'x' (known: a, b, …)", with a did-you-mean for near misses. */
export function unknownPropertyMessage(model: EntityModel, name: string, allowed?: (spec: PropertySpec) => boolean): string {
  const known = Object.entries(model.properties)
    .filter(([, spec]) => !allowed || allowed(spec))
    .map(([n]) => n);
  const near = known
    .map((n) => ({ n, d: editDistance(n.toLowerCase(), name.toLowerCase()) }))
    .filter((c) => c.d <= Math.max(2, Math.floor(name.length / 4)))
    .sort((a, b) => a.d - b.d)[0];
  const list = known.length > 12 ? `${known.slice(0, 12).join(', ')}, …` : known.join(', ');
  return `unknown property '${name}'${near ? `; did you mean '${near.n}'?` : ''} (known: ${list})`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
