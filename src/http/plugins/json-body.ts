// `application/json` request bodies for the whole app: Fastify's own parser (secure-json-parse, its errors for an empty
// or invalid body, prototype poisoning refused), fed text decoded by jsonBodyText (Latin-1 when the body is ASCII;
// see src/http/json-text.ts). A body whose bytes cannot spell U+0000 or a lone surrogate is marked so for the input
// guard, which then need not walk its strings. Scopes with their own JSON rules (Partner Center's) replace it in their scope.
import { isAscii } from 'node:buffer';
import { jsonBodyText } from '../json-text.js';
import { jsonCannotHoldRefused, markRefusalFree } from './input-guard.js';
import { unencapsulated, type TarmacPlugin } from '../types.js';

export const jsonBody: TarmacPlugin = unencapsulated(async (app) => {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    const ascii = isAscii(bytes);
    parse(request, jsonBodyText(bytes, ascii), (err: Error | null, value: unknown) => {
      if (err === null && jsonCannotHoldRefused(bytes, ascii)) markRefusalFree(value);
      done(err, value);
    });
  });
}, 'tarmac-json-body');
