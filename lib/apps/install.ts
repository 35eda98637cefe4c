import type { CustomResourceDefinition } from '../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../apimachinery/object.ts';
import { jsonEqual } from '../apimachinery/patch.ts';
import { lookupKey, onTypesChanged, typeByKey } from '../apimachinery/registry.ts';
import type { ObjectApi } from '../apiserver/object-api.ts';
import { CRD_RESOURCE } from '../apiserver/crd/registrar.ts';
import { withCrdDefaults } from '../apiserver/crd/validate-crd.ts';

// An application's CRDs are installed the way an operator installs its own: created if missing, their spec
// brought up to date if a newer release changed it; then the app waits until this instance serves them (the
// CRD controller establishes them, the registrar registers their types).

const SERVE_TIMEOUT_MS = 30_000;

export async function installCrds(api: ObjectApi, crds: CustomResourceDefinition[]): Promise<void> {
  const CRDS = typeByKey(CRD_RESOURCE);
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    const live = api.peek(CRDS, undefined, name) as (KubeObject & CustomResourceDefinition) | undefined;
    if (!live) await api.create(CRDS, undefined, crd);
    else if (!jsonEqual(live.spec, withCrdDefaults(crd).spec))
      await api.replace(CRDS, live, {
        ...live,
        spec: crd.spec,
        metadata: { ...live.metadata, labels: crd.metadata?.labels },
      });
  }
  await served(crds.map((c) => `${c.spec.names.plural}.${c.spec.group}`));
}

function served(keys: string[]): Promise<void> {
  const missing = () => keys.filter((k) => !lookupKey(k));
  if (!missing().length) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`the applications' CRDs were not served in time: ${missing().join(', ')}`));
    }, SERVE_TIMEOUT_MS);
    timer.unref();
    const stop = onTypesChanged(() => {
      if (missing().length) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}
