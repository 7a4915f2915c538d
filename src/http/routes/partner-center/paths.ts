// Partner Center clients spell paths loosely: the docs write both batchJobStatus and batchjobstatus, CIPP writes
// DeviceBatches, the .NET SDK DevicePolicyUpdates, and CIPP joins `/v1/` with a Location header into `/v1//customers/…`
// (partner-center-reference §1.5). Routes are declared once, in canonical spelling; this rewrites what clients send
// to it before routing: `//` collapsed, a trailing `/` dropped, and the fixed segments of /v1/customers/… matched
// case-insensitively. Only fixed positions are rewritten, so a batch or device id that happens to read "devices"
// keeps its case.

/** Fixed segments by position after /v1/customers/{customer-id}/ (0: the resource, 2: the sub-resource). */
const RESOURCES = ['deviceBatches', 'batchJobStatus', 'DevicePolicyUpdates', 'policies'];
const SUB_RESOURCES = ['devices'];
const TOP = ['customers'];

function canonical(segment: string, names: string[]): string {
  const lower = segment.toLowerCase();
  return names.find((n) => n.toLowerCase() === lower) ?? segment;
}

/** The URL with its Partner Center path in canonical spelling; URLs outside /v1 come back unchanged. */
export function canonicalPartnerCenterUrl(url: string): string {
  if (!/^\/+v1(\/|\?|$)/i.test(url)) return url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  const segments = path.split('/').filter((s) => s !== '');
  segments[0] = 'v1';
  if (segments.length > 1) segments[1] = canonical(segments[1] ?? '', TOP);
  if (segments[1] === 'customers') {
    if (segments.length === 3 && (segments[2] ?? '').toLowerCase() === 'relationshiprequests') segments[2] = 'relationshiprequests';
    if (segments.length > 3) segments[3] = canonical(segments[3] ?? '', RESOURCES);
    if (segments.length > 5) segments[5] = canonical(segments[5] ?? '', SUB_RESOURCES);
  }
  return `/${segments.join('/')}${query}`;
}
