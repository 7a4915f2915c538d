// Every response carries Graph's correlation headers: `request-id` (ours) and `client-request-id` (the caller's,
// echoed, or ours). Once the app is closing, responses also say `Connection: close`, so that a keep-alive client
// whose request was in flight does not hold shutdown open until its connection times out.
import { clientRequestId } from '../graph-errors.js';
import { unencapsulated, type TarmacPlugin } from '../types.js';

export const requestContext: TarmacPlugin = unencapsulated(async (app) => {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Callback hooks, not async ones: every request runs them, and an async hook costs a promise and a microtask each.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('request-id', request.id);
    reply.header('client-request-id', clientRequestId(request));
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}, 'tarmac-request-context');
