// Lists the pods of a namespace, then prints changes for 30 seconds.
//   npm run build:packages && KUBECONFIG=~/.kube/entroos node examples/list-pods.mjs [namespace]
import { clientFromKubeconfig } from '@entroos/client/node';

const namespace = process.argv[2] ?? 'default';
const client = clientFromKubeconfig();
const pods = client.resource('pods');
const list = await pods.list({ namespace });
for (const pod of list.items) console.log(`${pod.metadata.name}\t${pod.status?.phase}\t${pod.spec?.nodeName ?? '-'}`);

const signal = AbortSignal.timeout(30_000);
try {
  for await (const event of pods.watch({ namespace, resourceVersion: list.metadata.resourceVersion, signal }))
    if (event.type !== 'BOOKMARK') console.log(event.type, event.object.metadata.name, event.object.status?.phase);
} catch (err) {
  if (!signal.aborted) throw err;
}
