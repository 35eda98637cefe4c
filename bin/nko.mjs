#!/usr/bin/env node
// `npx nko --server http://host:3000 --token T --nodes 20 --profile edge`: a standalone node agent.
// One process (tsx registered in-process), so killing it kills its nodes' heartbeats.
import { register } from 'tsx/esm/api';

register();
await import('../lib/nko.ts');
