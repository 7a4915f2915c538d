// OData query options for Graph collections: parse and validate, compile to Kysely, page with keyset $skiptoken.
// See README.md in this directory.
export { parseListQuery, type ListQueryOptions, type OrderByItem, type ParsedListQuery, type QueryInput } from './query.js';
export { parseFilter, canonicalFilter, type FilterNode, type FilterValue, type CompareOp, type StringFunction } from './filter.js';
export {
  applyFilter,
  applyListQuery,
  buildNextLink,
  compileFilter,
  countRows,
  fetchPage,
  nextSkipToken,
  projectSelect,
  selectContextSuffix,
  type Page,
} from './compile.js';
export { encodeSkipToken, decodeSkipToken, type KeysetPosition, type SortValue } from './skip-token.js';
export { resolveProperty, type EntityModel, type PropertySpec, type PropertyType, type SubstringIndex } from './model.js';
export { autopilotDeviceModel, ENROLLMENT_STATES, SERIAL_NUMBER_INDEX } from './autopilot-device-model.js';
export { queryOptionError, filterError, ODATA_ERROR_CODE } from './errors.js';
