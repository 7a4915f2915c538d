// The one error map (src/http/plugins/error-handler.ts): what a transaction the database gave up on answers.
import { describe, expect, it } from 'vitest';
import { mapDomainError } from '../../src/http/plugins/error-handler.js';
import { WriteConflictError } from '../../src/ports.js';

describe('mapDomainError', () => {
  it.each(['deadlock', 'serialization', 'busy'] as const)('answers a write conflict (%s) with 503 and Retry-After, not 500', (reason) => {
    const answer = mapDomainError(new WriteConflictError(reason));
    expect(answer).toMatchObject({ status: 503, code: 'ServiceUnavailable', headers: { 'retry-after': '1' } });
    expect(answer?.message).toContain(reason);
    expect(answer?.message).toMatch(/nothing was changed/);
  });
});
