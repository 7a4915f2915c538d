// All migrations, in code (not files found on disk at run time, which break once compiled to dist/).
// Names sort in the order they run; never rename or edit one that has shipped — add the next one.
import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { registry } from './0002-registry.js';
import { search } from './0003-search.js';
import { importQueue } from './0004-import-queue.js';
import { lifecycle } from './0005-lifecycle.js';
import { deviceFillfactor } from './0006-device-fillfactor.js';
import { partners } from './0007-partners.js';
import { users } from './0008-users.js';
import { searchAtScale } from './0009-search-at-scale.js';
import { importDecoded } from './0010-import-decoded.js';
import { tokenHardening } from './0011-token-hardening.js';
import { auditEvents } from './0012-audit-events.js';
import { prefixOrder } from './0013-prefix-order.js';
import { hashDigest } from './0014-hash-digest.js';
import { hashCompression } from './0015-hash-compression.js';
import { prefixCount } from './0016-prefix-count.js';
import { importedHashes } from './0017-imported-hashes.js';

export const migrations: Readonly<Record<string, Migration>> = {
  '0001_initial': initial,
  '0002_registry': registry,
  '0003_search': search,
  '0004_import_queue': importQueue,
  '0005_lifecycle': lifecycle,
  '0006_device_fillfactor': deviceFillfactor,
  '0007_partners': partners,
  '0008_users': users,
  '0009_search_at_scale': searchAtScale,
  '0010_import_decoded': importDecoded,
  '0011_token_hardening': tokenHardening,
  '0012_audit_events': auditEvents,
  '0013_prefix_order': prefixOrder,
  '0014_hash_digest': hashDigest,
  '0015_hash_compression': hashCompression,
  '0016_prefix_count': prefixCount,
  '0017_imported_hashes': importedHashes,
};
