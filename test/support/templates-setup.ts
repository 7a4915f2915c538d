// Global setup of the 'unit' project: a directory for this run's database templates (templates.ts builds them on
// first use), removed when the run ends, with the PostgreSQL template databases made in it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { postgresTemplates } from './templates.js';
import { withAdmin } from './test-databases.js';

export default function setup(project: TestProject): () => Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tarmac-templates-'));
  project.provide('testTemplatesDir', dir);
  return async () => {
    try {
      const databases = postgresTemplates(dir);
      if (databases.length > 0) {
        await withAdmin(async (client) => {
          for (const name of databases) await client.query(`drop database if exists ${name} with (force)`);
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
