// Keeps a cache of the cluster's deployments and prints what changes, until Ctrl-C.
//   npm run build:packages && KUBECONFIG=~/.kube/entroos node examples/informer.mjs
import { clientFromKubeconfig, Informer } from '@entroos/client/node';

const client = clientFromKubeconfig();
const informer = new Informer(client.resource('deployments'));
informer.on('add', (d) => console.log('added', `${d.metadata.namespace}/${d.metadata.name}`));
informer.on('update', (d, old) => {
  if (d.spec?.replicas !== old.spec?.replicas)
    console.log('scaled', d.metadata.name, old.spec?.replicas, '→', d.spec?.replicas);
});
informer.on('delete', (d) => console.log('deleted', `${d.metadata.namespace}/${d.metadata.name}`));
informer.on('error', (err) => console.error('reconnecting:', err.message));
await informer.start();
console.log(`${informer.list().length} deployments cached; watching (Ctrl-C to stop)`);
process.on('SIGINT', async () => {
  await informer.stop();
  process.exit(0);
});
