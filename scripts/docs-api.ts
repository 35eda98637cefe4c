import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTable } from './api-docs-table.ts';

// npm run docs:api — rewrites docs/api.md's Resources table from the registry.
const path = join(import.meta.dirname, '..', 'docs', 'api.md');
const before = readFileSync(path, 'utf8');
const after = withTable(before);
writeFileSync(path, after);
console.log(
  before === after ? 'docs/api.md: the Resources table is current' : 'docs/api.md: Resources table rewritten',
);
