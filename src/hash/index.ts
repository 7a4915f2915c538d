// The hardware-hash codec: decode + validate, encode, identity, OA3.xml, synthetic devices. The Node entry point:
// it installs Node's native byte primitives first (platform-node.ts), then exports the same API as browser.ts.
import './platform-node.js';

export * from './browser.js';
