import type { KubeObject } from '../apimachinery/object.ts';
import { ENCRYPTED_RESOURCES, rowContext, type SecretCipher } from './secret-cipher.ts';
import type { ReplicatedChange } from './watch-cache.ts';

// The leader publishes its commits to the other instances over Redis. A Secret travels as its row is stored:
// encrypted under the cluster's key, with only the metadata that routes it (name, namespace, uid,
// resourceVersion) in the clear, so Redis — its pub/sub traffic, a MONITOR, a replica of it — never holds a
// Secret's values. Followers have the same key (ENTROOS_SECRET_KEY is required with REDIS_URL) and open it.

/** Where the ciphertext rides inside the replicated object. */
const SEALED = 'entroos.io/sealed';

export function sealChanges(cipher: SecretCipher, changes: ReplicatedChange[]): ReplicatedChange[] {
  return changes.map((change) => {
    if (!ENCRYPTED_RESOURCES.has(change.resource)) return change;
    const { metadata } = change.object;
    const sealed: KubeObject = {
      apiVersion: change.object.apiVersion,
      kind: change.object.kind,
      metadata: {
        name: metadata.name,
        namespace: metadata.namespace,
        uid: metadata.uid,
        resourceVersion: metadata.resourceVersion,
      },
      [SEALED]: cipher.encrypt(
        JSON.stringify(change.object),
        rowContext(change.resource, metadata.namespace ?? '', metadata.name),
      ),
    };
    return { ...change, object: sealed };
  });
}

export function openChanges(cipher: SecretCipher, changes: ReplicatedChange[]): ReplicatedChange[] {
  return changes.map((change) => {
    const sealed = change.object[SEALED];
    if (typeof sealed !== 'string') return change;
    const { metadata } = change.object;
    const text = cipher.decrypt(sealed, rowContext(change.resource, metadata.namespace ?? '', metadata.name));
    return { ...change, object: JSON.parse(text) as KubeObject };
  });
}
