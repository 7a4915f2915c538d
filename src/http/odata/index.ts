// OData query options for Graph collections: parse and validate them into the ports' ListQuery, and shape the
// response (nextLink with keyset $skiptoken, $select). The store compiles a ListQuery to SQL (src/store/list-query).
// See README.md in this directory.
export { parseListQuery, type ListQueryOptions, type ParsedListQuery, type QueryInput } from './query.js';
export { parseFilter, canonicalFilter } from './filter.js';
export { buildNextLink, nextSkipToken, projectSelect, selectContextSuffix, type ListResult } from './next-link.js';
export { encodeSkipToken, decodeSkipToken } from './skip-token.js';
export { unknownPropertyMessage } from './model.js';
export { queryOptionError, filterError, ODATA_ERROR_CODE } from './errors.js';
