// securityHeaders (src/http/plugins/security-headers.ts): helmet's headers, taken once. The wire golden test checks
// them on every route family's responses; here, what the options change.
import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../src/http/plugins/security-headers.js';

describe('securityHeaders', () => {
  it("gives helmet's defaults with Tarmac's changes, lower-cased", () => {
    const headers = securityHeaders({ hsts: false, contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } }, crossOriginResourcePolicy: { policy: 'cross-origin' } });
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'cross-origin-resource-policy': 'cross-origin', 'x-frame-options': 'SAMEORIGIN' });
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(headers).not.toHaveProperty('strict-transport-security');
    expect(Object.keys(headers).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('adds HSTS when asked, and keeps helmet’s own option errors', () => {
    expect(securityHeaders({ hsts: true })['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { 'default-src': ["'self'", 'not a source;'] } } })).toThrow();
  });
});
