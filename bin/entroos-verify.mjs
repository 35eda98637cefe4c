#!/usr/bin/env node
// `npx entroos-verify proofs.json`: checks an exported proof file offline,
// trusting nothing but the file's verification keys (compare their vkeyId
// with the one EntroOS publishes).
import { register } from 'tsx/esm/api';

register();
await import('../lib/proofs/verify-cli.ts');
