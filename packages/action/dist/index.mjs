// packages/action/src/main.ts
import { appendFileSync } from "node:fs";

// packages/client/src/generated/resources.ts
var BUILTIN_RESOURCES = [
  { group: "", version: "v1", apiVersion: "v1", kind: "Namespace", plural: "namespaces", singular: "namespace", shortNames: ["ns"], namespaced: false, subresources: ["status"] },
  { group: "", version: "v1", apiVersion: "v1", kind: "Node", plural: "nodes", singular: "node", shortNames: ["no"], namespaced: false, subresources: ["status"] },
  { group: "", version: "v1", apiVersion: "v1", kind: "Pod", plural: "pods", singular: "pod", shortNames: ["po"], namespaced: true, subresources: ["status", "binding", "log", "eviction", "exec"] },
  { group: "", version: "v1", apiVersion: "v1", kind: "Service", plural: "services", singular: "service", shortNames: ["svc"], namespaced: true, subresources: ["status"] },
  { group: "", version: "v1", apiVersion: "v1", kind: "Endpoints", plural: "endpoints", singular: "endpoints", shortNames: ["ep"], namespaced: true, subresources: [] },
  { group: "", version: "v1", apiVersion: "v1", kind: "Event", plural: "events", singular: "event", shortNames: ["ev"], namespaced: true, subresources: [] },
  { group: "", version: "v1", apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", singular: "configmap", shortNames: ["cm"], namespaced: true, subresources: [] },
  { group: "", version: "v1", apiVersion: "v1", kind: "Secret", plural: "secrets", singular: "secret", shortNames: [], namespaced: true, subresources: [] },
  { group: "", version: "v1", apiVersion: "v1", kind: "ServiceAccount", plural: "serviceaccounts", singular: "serviceaccount", shortNames: ["sa"], namespaced: true, subresources: ["token"] },
  { group: "apps", version: "v1", apiVersion: "apps/v1", kind: "Deployment", plural: "deployments", singular: "deployment", shortNames: ["deploy"], namespaced: true, subresources: ["status", "scale"] },
  { group: "apps", version: "v1", apiVersion: "apps/v1", kind: "ReplicaSet", plural: "replicasets", singular: "replicaset", shortNames: ["rs"], namespaced: true, subresources: ["status", "scale"] },
  { group: "apps", version: "v1", apiVersion: "apps/v1", kind: "StatefulSet", plural: "statefulsets", singular: "statefulset", shortNames: ["sts"], namespaced: true, subresources: ["status", "scale"] },
  { group: "apps", version: "v1", apiVersion: "apps/v1", kind: "DaemonSet", plural: "daemonsets", singular: "daemonset", shortNames: ["ds"], namespaced: true, subresources: ["status"] },
  { group: "apps", version: "v1", apiVersion: "apps/v1", kind: "ControllerRevision", plural: "controllerrevisions", singular: "controllerrevision", shortNames: [], namespaced: true, subresources: [] },
  { group: "batch", version: "v1", apiVersion: "batch/v1", kind: "Job", plural: "jobs", singular: "job", shortNames: [], namespaced: true, subresources: ["status"] },
  { group: "batch", version: "v1", apiVersion: "batch/v1", kind: "CronJob", plural: "cronjobs", singular: "cronjob", shortNames: ["cj"], namespaced: true, subresources: ["status"] },
  { group: "policy", version: "v1", apiVersion: "policy/v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", singular: "poddisruptionbudget", shortNames: ["pdb"], namespaced: true, subresources: ["status"] },
  { group: "autoscaling", version: "v2", apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers", singular: "horizontalpodautoscaler", shortNames: ["hpa"], namespaced: true, subresources: ["status"] },
  { group: "authorization.k8s.io", version: "v1", apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews", singular: "selfsubjectaccessreview", shortNames: [], namespaced: false, subresources: [] },
  { group: "authorization.k8s.io", version: "v1", apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", plural: "selfsubjectrulesreviews", singular: "selfsubjectrulesreview", shortNames: [], namespaced: false, subresources: [] },
  { group: "apiextensions.k8s.io", version: "v1", apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions", singular: "customresourcedefinition", shortNames: ["crd", "crds"], namespaced: false, subresources: ["status"] },
  { group: "scheduling.k8s.io", version: "v1", apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", plural: "priorityclasses", singular: "priorityclass", shortNames: ["pc"], namespaced: false, subresources: [] },
  { group: "coordination.k8s.io", version: "v1", apiVersion: "coordination.k8s.io/v1", kind: "Lease", plural: "leases", singular: "lease", shortNames: [], namespaced: true, subresources: [] },
  { group: "rbac.authorization.k8s.io", version: "v1", apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", plural: "roles", singular: "role", shortNames: [], namespaced: true, subresources: [] },
  { group: "rbac.authorization.k8s.io", version: "v1", apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", plural: "rolebindings", singular: "rolebinding", shortNames: [], namespaced: true, subresources: [] },
  { group: "rbac.authorization.k8s.io", version: "v1", apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", plural: "clusterroles", singular: "clusterrole", shortNames: [], namespaced: false, subresources: [] },
  { group: "rbac.authorization.k8s.io", version: "v1", apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings", singular: "clusterrolebinding", shortNames: [], namespaced: false, subresources: [] }
];

// packages/client/src/errors.ts
var StatusError = class extends Error {
  code;
  reason;
  status;
  /** Seconds the server asked to wait (Retry-After, or Status details.retryAfterSeconds). */
  retryAfterSeconds;
  constructor(status, code, retryAfterSeconds) {
    super(status.message || `${code} ${status.reason ?? "error"}`);
    this.name = "StatusError";
    this.code = code;
    this.reason = status.reason ?? "";
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds ?? status.details?.retryAfterSeconds;
  }
  get details() {
    return this.status.details;
  }
};
var BadRequestError = class extends StatusError {
  name = "BadRequestError";
};
var UnauthorizedError = class extends StatusError {
  name = "UnauthorizedError";
};
var ForbiddenError = class extends StatusError {
  name = "ForbiddenError";
};
var NotFoundError = class extends StatusError {
  name = "NotFoundError";
};
var ConflictError = class extends StatusError {
  name = "ConflictError";
};
var AlreadyExistsError = class extends ConflictError {
  name = "AlreadyExistsError";
};
var GoneError = class extends StatusError {
  name = "GoneError";
};
var InvalidError = class extends StatusError {
  name = "InvalidError";
  get causes() {
    return this.status.details?.causes ?? [];
  }
};
var TooManyRequestsError = class extends StatusError {
  name = "TooManyRequestsError";
};
var ServerError = class extends StatusError {
  name = "ServerError";
};
var ConnectionError = class extends Error {
  constructor(url, cause) {
    super(`cannot reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.url = url;
  }
  url;
  name = "ConnectionError";
};
function statusError(code, body, retryAfter) {
  const status = body && typeof body === "object" && body.kind === "Status" ? body : {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    code,
    message: typeof body === "string" && body ? body.slice(0, 500) : ""
  };
  if (!status.message && body && typeof body === "object") {
    const message = body.message;
    if (typeof message === "string") status.message = message;
  }
  if (!status.message) status.message = `the server answered ${code}`;
  const seconds = retryAfter != null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : void 0;
  const reason = status.reason ?? "";
  const make = (C) => new C(status, code, seconds);
  if (reason === "AlreadyExists") return make(AlreadyExistsError);
  switch (code) {
    case 400:
      return make(BadRequestError);
    case 401:
      return make(UnauthorizedError);
    case 403:
      return make(ForbiddenError);
    case 404:
      return make(NotFoundError);
    case 409:
      return make(ConflictError);
    case 410:
      return make(GoneError);
    case 422:
      return make(InvalidError);
    case 429:
      return make(TooManyRequestsError);
  }
  return code >= 500 ? make(ServerError) : make(StatusError);
}

// packages/client/src/transport.ts
async function* readerChunks(stream) {
  if (!stream) return;
  const reader = stream.getReader();
  try {
    for (; ; ) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
    await stream.cancel().catch(() => void 0);
  }
}
function fetchTransport(options = {}) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  return async (req) => {
    const res = await doFetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      credentials: options.credentials
    });
    return { status: res.status, header: (name) => res.headers.get(name), body: readerChunks(res.body) };
  };
}
async function readAll(body) {
  const chunks = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.length;
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
async function* lines(body) {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of body) {
    rest += decoder.decode(chunk, { stream: true });
    let at;
    while ((at = rest.indexOf("\n")) >= 0) {
      const line = rest.slice(0, at);
      rest = rest.slice(at + 1);
      yield line;
    }
  }
  rest += decoder.decode();
  if (rest) yield rest;
}

// packages/client/src/resource.ts
var PATCH_TYPES = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml"
};
var TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
var ResourceApi = class {
  constructor(client, info) {
    this.client = client;
    this.info = info;
  }
  client;
  info;
  /** The collection or object path; `namespace` is ignored for cluster-scoped resources. */
  async path(namespace, name, subresource) {
    const r = await this.info;
    let path = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    if (r.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
    path += `/${r.plural}`;
    if (name !== void 0) path += `/${encodeURIComponent(name)}`;
    if (subresource) path += `/${subresource}`;
    return path;
  }
  ns(namespace, object) {
    return namespace ?? object?.metadata?.namespace ?? this.client.namespace;
  }
  listQuery(o) {
    return { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.limit, continue: o.continue };
  }
  async list(options = {}) {
    return this.client.request({
      path: await this.path(options.namespace),
      query: this.listQuery(options),
      signal: options.signal
    });
  }
  /** Every page of a list (follows `continue`). */
  async listAll(options = {}) {
    const first = await this.list({ limit: 500, ...options });
    let next = first.metadata.continue;
    while (next) {
      const page = await this.list({ limit: 500, ...options, continue: next });
      first.items.push(...page.items);
      next = page.metadata.continue;
    }
    first.metadata.continue = void 0;
    return first;
  }
  /**
   * The list as the server renders it for kubectl (columns and rows). Each row carries its object's metadata unless
   * `includeObject: 'None'` — a tenth of the bytes for pods, whose managed fields are most of their metadata.
   */
  async table(options = {}) {
    return this.client.request({
      path: await this.path(options.namespace, options.name),
      query: { ...this.listQuery(options), includeObject: options.includeObject ?? "Metadata" },
      accept: TABLE_ACCEPT,
      signal: options.signal
    });
  }
  async get(name, options = {}) {
    return this.client.request({ path: await this.path(this.ns(options.namespace), name), signal: options.signal });
  }
  async create(object, options = {}) {
    return this.client.request({
      method: "POST",
      path: await this.path(this.ns(options.namespace, object)),
      query: writeQuery(options),
      body: object,
      signal: options.signal
    });
  }
  /** PUT: replaces the object (a stale metadata.resourceVersion is a ConflictError). */
  async update(object, options = {}) {
    const name = object.metadata?.name ?? "";
    return this.client.request({
      method: "PUT",
      path: await this.path(this.ns(options.namespace, object), name),
      query: writeQuery(options),
      body: object,
      signal: options.signal
    });
  }
  async updateStatus(object, options = {}) {
    const name = object.metadata?.name ?? "";
    return this.client.request({
      method: "PUT",
      path: await this.path(this.ns(options.namespace, object), name, "status"),
      query: writeQuery(options),
      body: object,
      signal: options.signal
    });
  }
  async patch(name, patch, options = {}) {
    const type = options.type ?? "merge";
    return this.client.request({
      method: "PATCH",
      path: await this.path(this.ns(options.namespace), name, options.subresource),
      query: { ...writeQuery(options), force: options.force },
      body: typeof patch === "string" ? patch : JSON.stringify(patch),
      contentType: PATCH_TYPES[type],
      signal: options.signal
    });
  }
  /** Server-side apply (fieldManager defaults to "entroos"). */
  async apply(object, options = {}) {
    const name = object.metadata?.name ?? "";
    return this.patch(name, object, {
      ...options,
      namespace: this.ns(options.namespace, object),
      type: "apply",
      fieldManager: options.fieldManager ?? "entroos"
    });
  }
  async delete(name, options = {}) {
    return this.client.request({
      method: "DELETE",
      path: await this.path(this.ns(options.namespace), name),
      query: {
        ...writeQuery(options),
        propagationPolicy: options.propagationPolicy,
        gracePeriodSeconds: options.gracePeriodSeconds
      },
      signal: options.signal
    });
  }
  async getScale(name, options = {}) {
    return this.client.request({ path: await this.path(this.ns(options.namespace), name, "scale") });
  }
  async scale(name, replicas, options = {}) {
    return this.client.request({
      method: "PATCH",
      path: await this.path(this.ns(options.namespace), name, "scale"),
      query: writeQuery(options),
      body: JSON.stringify({ spec: { replicas } }),
      contentType: PATCH_TYPES.merge,
      signal: options.signal
    });
  }
  /**
   * A watch as an async iterator of events. It ends when the server ends the watch (timeoutSeconds); an ERROR
   * event is thrown as its typed error (a GoneError for 410: list again). Break out of the loop, or abort
   * `signal`, to stop it.
   */
  watch(options = {}) {
    return this.events(options, "application/json");
  }
  /** A watch whose events carry the server's Table rendering of each object (what `kubectl get -w` prints). */
  watchTable(options = {}) {
    return this.events(options, TABLE_ACCEPT);
  }
  async *events(options, accept) {
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const res = await this.client.send({
        path: await this.path(options.namespace),
        query: {
          watch: "true",
          resourceVersion: options.resourceVersion,
          allowWatchBookmarks: options.allowWatchBookmarks ?? true,
          timeoutSeconds: options.timeoutSeconds,
          labelSelector: options.labelSelector,
          fieldSelector: options.name ? `metadata.name=${options.name}` : options.fieldSelector
        },
        signal: controller.signal,
        accept,
        retry: false
      });
      for await (const line of lines(res.body)) {
        if (!line.trim()) continue;
        const event = JSON.parse(line);
        if (event.type === "ERROR") {
          const status = event.object;
          throw statusError(status.code ?? 500, status);
        }
        yield event;
      }
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      controller.abort();
    }
  }
};
function writeQuery(o) {
  return { dryRun: o.dryRun ? "All" : void 0, fieldManager: o.fieldManager };
}

// packages/client/src/entroos.ts
var API = "/apis/entroos.io/v1";
var EntroosApi = class {
  constructor(client) {
    this.client = client;
  }
  client;
  get(path, query) {
    return this.client.request({ path: `${API}${path}`, query });
  }
  post(path, body, query) {
    return this.client.request({ method: "POST", path: `${API}${path}`, body, query });
  }
  whoami() {
    return this.get("/whoami");
  }
  /** Scheduling decisions: one pod's ("namespace/name" or uid) latest, or the recent ones. */
  scheduler = {
    decision: (pod) => this.get("/scheduler/decisions", { pod }),
    decisions: (limit = 50) => this.get("/scheduler/decisions", { limit }).then((l) => l.items),
    status: () => this.get("/scheduler")
  };
  /** The policy lab: replays a workload under several profiles in isolated clusters. */
  lab = {
    run: (request) => this.post("/scheduler/lab", request).then((r) => r.results)
  };
  proofs = {
    list: (query = {}) => this.get("/proofs", query),
    get: (id) => this.get(`/proofs/${encodeURIComponent(id)}`),
    /** Verifies stored proofs on the server ({ids}, or the oldest 1,000 when none are named). */
    verify: (ids) => this.post("/proofs/verify", ids ? { ids } : {}),
    /** Every proof plus the verification keys, for offline checking (`npx entroos-verify FILE`). */
    export: (limit) => this.get("/proofs/export", { limit })
  };
  /** The cluster history the overview charts (window 15m, 1h or 24h), and nodes' sampled usage. */
  history = {
    cluster: (window = "15m") => this.get("/history", { window }),
    nodes: () => this.get("/history/nodes"),
    node: (name) => this.get(`/history/nodes/${encodeURIComponent(name)}`)
  };
  backups = {
    list: () => this.get("/backups").then((l) => l.items),
    /** Takes a backup (stored on the server too) and returns the file. */
    create: async () => {
      const res = await this.client.bytes({ method: "POST", path: `${API}/backups`, query: { download: "true" } });
      return { name: res.header("x-entroos-backup-name") ?? "entroos-backup.tar.gz", file: res.data };
    },
    download: async (name) => (await this.client.bytes({ path: `${API}/backups/${encodeURIComponent(name)}` })).data,
    restore: (file, options = {}) => this.client.request({
      method: "POST",
      path: `${API}/restores`,
      query: { dryRun: String(options.dryRun ?? false), trustKey: options.trustKeyIds },
      body: file,
      contentType: "application/gzip"
    })
  };
  namespaces = {
    export: (namespace, options = {}) => this.client.text({
      path: `${API}/namespaces/${encodeURIComponent(namespace)}/export`,
      query: { includeSecrets: options.includeSecrets ? "true" : void 0 },
      accept: "application/yaml"
    }),
    import: (namespace, yaml) => this.client.request({
      method: "POST",
      path: `${API}/namespaces/${encodeURIComponent(namespace)}/import`,
      body: yaml,
      contentType: "application/yaml"
    })
  };
  audit = {
    verify: () => this.get("/audit/verify")
  };
  chaos = {
    status: () => this.get("/chaos"),
    start: (spec) => this.client.request({ method: "PUT", path: `${API}/chaos`, body: spec }),
    stop: () => this.client.request({ method: "DELETE", path: `${API}/chaos` }),
    nodeFault: (node, action, extra = {}) => this.post(`/nodes/${encodeURIComponent(node)}/faults`, { action, ...extra })
  };
  /** A pod's log, line by line; with follow it goes on until the container ends or `signal` aborts. */
  async *logs(pod, options = {}) {
    const namespace = options.namespace ?? this.client.namespace;
    const res = await this.client.send({
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
      query: {
        container: options.container,
        follow: options.follow ? "true" : void 0,
        tailLines: options.tailLines,
        previous: options.previous ? "true" : void 0,
        timestamps: options.timestamps ? "true" : void 0
      },
      accept: "text/plain, */*",
      signal: options.signal,
      retry: !options.follow
    });
    yield* lines(res.body);
  }
};

// packages/client/src/client.ts
var sleep = (ms, signal) => new Promise((resolve, reject) => {
  const onAbort = () => {
    clearTimeout(timer);
    reject(signal?.reason);
  };
  const timer = setTimeout(() => {
    signal?.removeEventListener("abort", onAbort);
    resolve();
  }, ms);
  signal?.addEventListener("abort", onAbort, { once: true });
});
function queryString(query) {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === void 0 || value === null || value === "") continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
function retryDelay(attempt, retryAfterSeconds, options = {}) {
  const max = options.maxDelayMs ?? 3e4;
  if (retryAfterSeconds !== void 0) {
    const base = retryAfterSeconds * 1e3;
    return Math.min(max, base + Math.random() * Math.max(100, base * 0.2));
  }
  const ceiling = Math.min(max, (options.baseDelayMs ?? 200) * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
var Client = class {
  server;
  namespace;
  entroos;
  transport;
  options;
  discovered;
  constructor(options) {
    this.options = options;
    this.server = options.server.replace(/\/+$/, "");
    this.namespace = options.namespace ?? "default";
    this.transport = options.transport ?? fetchTransport({ credentials: options.credentials });
    this.entroos = new EntroosApi(this);
  }
  /** Sends a request; answers the response when it is 2xx, else throws the typed error (after retries). */
  async send(req) {
    const method = req.method ?? "GET";
    const url = `${this.server}${req.path}${queryString(req.query)}`;
    const headers = { accept: req.accept ?? "application/json", ...this.options.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let body;
    if (req.body !== void 0) {
      if (typeof req.body === "string" || req.body instanceof Uint8Array) body = req.body;
      else body = JSON.stringify(req.body);
      headers["content-type"] = req.contentType ?? "application/json";
    }
    const retries = req.retry === false ? 0 : this.options.retry?.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      let res;
      try {
        res = await this.transport({ method, url, headers, body, signal: req.signal });
      } catch (err) {
        if (req.signal?.aborted) throw err;
        if (attempt < retries && (method === "GET" || method === "HEAD")) {
          await sleep(retryDelay(attempt, void 0, this.options.retry), req.signal);
          continue;
        }
        throw new ConnectionError(url.split("?")[0], err);
      }
      if (res.status < 400) return res;
      const text = new TextDecoder().decode(await readAll(res.body));
      let parsed = text;
      try {
        parsed = JSON.parse(text);
      } catch {
      }
      const error = statusError(res.status, parsed, res.header("retry-after"));
      if ((res.status === 429 || res.status === 503) && attempt < retries) {
        await sleep(retryDelay(attempt, error.retryAfterSeconds, this.options.retry), req.signal);
        continue;
      }
      throw error;
    }
  }
  /** Sends a request and parses the JSON answer. */
  async request(req) {
    const res = await this.send(req);
    const text = new TextDecoder().decode(await readAll(res.body));
    const type = res.header("content-type") ?? "";
    if (!text) return void 0;
    return type.includes("json") ? JSON.parse(text) : text;
  }
  /** Sends a request and answers the body as text (YAML exports, logs without follow). */
  async text(req) {
    return new TextDecoder().decode(await readAll((await this.send(req)).body));
  }
  /** Sends a request and answers the body as bytes (backups). */
  async bytes(req) {
    const res = await this.send(req);
    return { data: await readAll(res.body), header: res.header };
  }
  resource(name) {
    if (typeof name !== "string") return new ResourceApi(this, Promise.resolve(name));
    const builtin = findBuiltin(name);
    return new ResourceApi(this, builtin ? Promise.resolve(builtin) : this.resolve(name));
  }
  /** Resolves a kubectl-style name (pods, pod, po, Pod, deployments.apps, crontabs.stable.example.com, ct). */
  async resolve(name) {
    const builtin = findBuiltin(name);
    if (builtin) return builtin;
    const found = matchResource(await this.discover(), name);
    if (found) return found;
    this.discovered = void 0;
    const again = matchResource(await this.discover(), name);
    if (again) return again;
    throw statusError(404, {
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      reason: "NotFound",
      code: 404,
      message: `the server doesn't have a resource type "${name}"`
    });
  }
  /** Every resource the server serves (built-ins and custom resources), from discovery. */
  discover() {
    this.discovered ??= discoverAll(this).catch((err) => {
      this.discovered = void 0;
      throw err;
    });
    return this.discovered;
  }
};
async function discoverAll(client) {
  const groups = await client.request({
    path: "/apis"
  });
  const versions = ["/api/v1"];
  for (const g of groups.groups) {
    const preferred = g.preferredVersion?.version ?? g.versions[0]?.version;
    for (const v of g.versions)
      versions.push(v.version === preferred ? `/apis/${g.name}/${v.version}` : `/apis/${g.name}/${v.version}#other`);
  }
  versions.sort((a, b) => Number(a.endsWith("#other")) - Number(b.endsWith("#other")));
  const lists = await Promise.all(
    versions.map(
      (path) => client.request({ path: path.replace("#other", "") }).catch((err) => {
        if (err instanceof StatusError && err.code === 404) return { groupVersion: "", resources: [] };
        throw err;
      })
    )
  );
  const out = [];
  for (const list of lists) {
    const [group, version] = list.groupVersion.includes("/") ? list.groupVersion.split("/") : ["", list.groupVersion];
    const subresources = /* @__PURE__ */ new Map();
    for (const r of list.resources) {
      const [main2, sub] = r.name.split("/");
      if (sub) subresources.set(main2, [...subresources.get(main2) ?? [], sub]);
    }
    for (const r of list.resources) {
      if (r.name.includes("/")) continue;
      out.push({
        group,
        version,
        plural: r.name,
        kind: r.kind,
        namespaced: r.namespaced,
        singular: r.singularName || r.kind.toLowerCase(),
        shortNames: r.shortNames ?? [],
        categories: r.categories,
        subresources: subresources.get(r.name) ?? []
      });
    }
  }
  return out;
}
function matchResource(all, name) {
  const lower = name.toLowerCase();
  const direct = (r, n) => r.plural === n || r.singular === n || r.kind.toLowerCase() === n || (r.shortNames ?? []).includes(n);
  const plain = all.find((r) => direct(r, lower));
  if (plain) return plain;
  const dot = lower.indexOf(".");
  if (dot < 0) return void 0;
  const head = lower.slice(0, dot);
  const rest = lower.slice(dot + 1);
  return all.find((r) => direct(r, head) && (r.group === rest || `${r.version}.${r.group}` === rest));
}
function findBuiltin(name) {
  return matchResource(BUILTIN_RESOURCES, name);
}

// packages/action/src/params.ts
function parseParams(text) {
  const params = {};
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (!line) continue;
    const at = line.indexOf("=");
    if (at <= 0) throw new Error(`params: "${line}" is not NAME=VALUE`);
    params[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return params;
}

// packages/action/src/main.ts
var FINISHED = /* @__PURE__ */ new Set(["Succeeded", "Failed", "Cancelled"]);
function input(name, fallback) {
  const value = process.env[`INPUT_${name.toUpperCase()}`]?.trim();
  if (value) return value;
  if (fallback !== void 0) return fallback;
  throw new Error(`the input "${name}" is required`);
}
function output(name, value) {
  const file = process.env.GITHUB_OUTPUT;
  if (file) appendFileSync(file, `${name}=${value}
`);
  console.log(`${name}: ${value}`);
}
async function main() {
  const namespace = input("namespace", "default");
  const pipeline = input("pipeline");
  const timeoutMs = Number(input("timeout-seconds", "1800")) * 1e3;
  const client = new Client({ server: input("server"), token: input("token"), namespace });
  const runs = client.resource("pipelineruns.ci.entroos.io");
  const created = await runs.create(
    {
      metadata: { generateName: `${pipeline}-` },
      spec: {
        pipeline,
        params: parseParams(input("params", "")),
        trigger: {
          type: "github",
          event: process.env.GITHUB_EVENT_NAME,
          repository: process.env.GITHUB_REPOSITORY,
          ref: process.env.GITHUB_REF,
          sha: process.env.GITHUB_SHA,
          sender: process.env.GITHUB_ACTOR
        }
      }
    },
    { namespace }
  );
  const name = created.metadata.name ?? "";
  output("run", name);
  console.log(`started ${namespace}/${name} of pipeline ${pipeline}`);
  if (input("wait", "true") !== "true") {
    output("phase", created.status?.phase ?? "Pending");
    return;
  }
  const deadline = Date.now() + timeoutMs;
  const reported = /* @__PURE__ */ new Set();
  for (; ; ) {
    const run = await runs.get(name, { namespace });
    for (const step of run.status?.steps ?? []) {
      if (!FINISHED.has(step.phase) && step.phase !== "Skipped") continue;
      if (reported.has(step.name)) continue;
      reported.add(step.name);
      const code = step.exitCode !== void 0 ? `, exit code ${step.exitCode}` : "";
      console.log(`  ${step.name}: ${step.phase}${code}${step.message ? ` \u2014 ${step.message}` : ""}`);
    }
    const phase = run.status?.phase ?? "Pending";
    if (FINISHED.has(phase)) {
      output("phase", phase);
      if (phase !== "Succeeded")
        throw new Error(
          `run ${namespace}/${name} ${phase.toLowerCase()}${run.status?.message ? `: ${run.status.message}` : ""}`
        );
      console.log(`run ${namespace}/${name} succeeded`);
      return;
    }
    if (Date.now() > deadline) {
      output("phase", phase);
      throw new Error(`run ${namespace}/${name} did not finish within ${timeoutMs / 1e3} s (it goes on)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2e3));
  }
}
main().catch((err) => {
  console.log(`::error::${err.message}`);
  process.exitCode = 1;
});
