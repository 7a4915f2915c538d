// The hardware-hash codec: decode + validate, encode, identity, OA3.xml, synthetic devices.
export * from './types.js';
export { decodeHardwareHash, validateHardwareHash } from './decode.js';
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
