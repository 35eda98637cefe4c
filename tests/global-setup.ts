import { buildServerBundle } from './helpers/server-bundle.ts';

export default async function setup() {
  await buildServerBundle();
}
