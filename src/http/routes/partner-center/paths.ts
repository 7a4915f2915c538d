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

/** The OEM API's fixed segments after /oem/v1/ (position 2), and AutopilotDeviceRegistration's (position 4). */
const OEM_RESOURCES = ['AutopilotDeviceRegistration', 'consentLink'];
const OEM_SUB_RESOURCES = ['validate'];

/** The same tolerance for Tarmac's OEM API (/oem/v1/…), which OEM tooling written against Partner Center will meet. */
function canonicalOemUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  const segments = path.split('/').filter((s) => s !== '');
  segments[0] = 'oem';
  if (segments.length > 1) segments[1] = 'v1';
  if (segments.length > 2) segments[2] = canonical(segments[2] ?? '', OEM_RESOURCES);
  if (segments.length > 3 && segments[2] === 'AutopilotDeviceRegistration') segments[3] = canonical(segments[3] ?? '', OEM_SUB_RESOURCES);
  return `/${segments.join('/')}${query}`;
}

/** The URL with its Partner Center (or OEM API) path in canonical spelling; other URLs come back unchanged. */
export function canonicalPartnerCenterUrl(url: string): string {
  if (/^\/+oem\/+v1(\/|\?|$)/i.test(url)) return canonicalOemUrl(url);
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
