// The bridge to the hardware-hash codec: the CSV toolkit decodes each hash once, through this function.
import { decodeHardwareHash } from '../hash/decode.js';
import type { HashDecoder } from './types.js';

export const decodeHash: HashDecoder = (text) => decodeHardwareHash(text);
