// The hardware-hash codec, browser-safe entry point: the same API as index.ts, on the portable byte primitives
// (platform.ts). No Node built-in, no Buffer, no process anywhere below it (ESLint and
// test/architecture/isomorphic.test.ts enforce it).
export * from './types.js';
export { decodeHardwareHash, hashTextBytes, skuAndFamilyOf, validateHardwareHash, type SkuAndFamily } from './decode.js';
export { encodeHardwareHash, recordLayout, HashEncodeError } from './encode.js';
export {
  deviceIdentity,
  buildIdentity,
  sameDevice,
  isPlaceholder,
  isPlaceholderUuid,
  normalizeKeyPart,
  collapseWhitespace,
} from './identity.js';
export { readOa3Xml, type Oa3XmlHash } from './oa3-xml.js';
export { syntheticInventory, type SyntheticOverrides, type SyntheticVendor, type DeepPartial } from './synthetic.js';
export { useBytePlatform, portableBytes, type BytePlatform } from './platform.js';
