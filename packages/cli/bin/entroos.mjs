#!/usr/bin/env node
// The entroos command: the prebuilt bundle (npm run build -w entroos), so start-up loads no TypeScript.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('entroos: the CLI is not built. Try: npm run build:packages (in the EntroOS checkout)\n');
  process.exit(1);
}
await import(bundle.href);
