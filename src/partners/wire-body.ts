// Partner Center's clients write request property names in any case (the .NET SDK PascalCase, CIPP camelCase, the
// PowerShell module either), and Partner Center reads them without regard to case. Every partner and OEM body is read
// through these.

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object's properties by lower-case name; undefined when `value` is not a JSON object. */
export function propertiesOf(value: unknown): Map<string, unknown> | undefined {
  if (!isJsonObject(value)) return undefined;
  return new Map(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
}

/** One property of a body, its name compared without case; undefined when absent or when `body` is no object. */
export function property(body: unknown, name: string): unknown {
  if (!isJsonObject(body)) return undefined;
  const lower = name.toLowerCase();
  return Object.entries(body).find(([k]) => k.toLowerCase() === lower)?.[1];
}
