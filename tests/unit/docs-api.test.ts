import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourcesTable, withTable } from '../../scripts/api-docs-table.ts';
import { RESOURCE_TYPES } from '../../lib/apimachinery/registry.ts';

describe('docs/api.md', () => {
  const docs = readFileSync(join(import.meta.dirname, '../../docs/api.md'), 'utf8');

  it('lists every served kind with its verbs (run `npm run docs:api` when this fails)', () => {
    expect(withTable(docs)).toBe(docs);
  });

  it('has a row per kind of the registry', () => {
    const table = resourcesTable();
    for (const t of RESOURCE_TYPES) expect(table).toMatch(new RegExp(`\\| ${t.kind} +\\| ${t.plural} +\\|`));
  });
});
