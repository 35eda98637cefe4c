// The import rules of the tree (docs/architecture.md explains the layers).
// `npm test` runs `depcruise` with this file; a violation fails the run.
//
// Layers, lowest first. A folder may import (at run time) only from its own
// layer or lower ones; `import type` is allowed downwards and sideways but the
// shared machinery imports nothing at all from the rest of lib/.
const LAYERS = [
  ['apimachinery'],
  ['store'],
  ['auth'],
  ['apiserver'],
  ['graphql'],
  ['router', 'controllers', 'scheduler'],
  ['kubelet', 'proofs'],
  // Applications (lib/apps/NAME) sit on the platform: they use the API server, controllers and provers, never the reverse.
  ['apps'],
  ['history', 'backup'],
  ['audit'],
  ['http'],
];

const folders = LAYERS.flat();
const higherThan = (index) => LAYERS.slice(index + 1).flat();

const layerRules = LAYERS.flatMap((layer, index) =>
  higherThan(index).length === 0
    ? []
    : layer.map((folder) => ({
        name: `layer-${folder}`,
        comment: `lib/${folder} is below ${higherThan(index).join(', ')}: it must not import them (pass what it needs in when it is constructed)`,
        severity: 'error',
        from: { path: `^lib/${folder}/` },
        to: { path: `^lib/(${higherThan(index).join('|')})/`, dependencyTypesNot: ['type-only'] },
      })),
);

// Siblings in one layer stay apart too (scheduler ↔ controllers, kubelet ↔ proofs).
const siblingRules = LAYERS.filter((layer) => layer.length > 1).flatMap((layer) =>
  layer.map((folder) => ({
    name: `sibling-${folder}`,
    comment: `lib/${folder} must not import its siblings (${layer.filter((f) => f !== folder).join(', ')}) at run time`,
    severity: 'error',
    from: { path: `^lib/${folder}/` },
    to: { path: `^lib/(${layer.filter((f) => f !== folder).join('|')})/`, dependencyTypesNot: ['type-only'] },
  })),
);

module.exports = {
  forbidden: [
    {
      name: 'apimachinery-is-a-leaf',
      comment:
        'lib/apimachinery is shared by the server, controllers, node agents and the browser: it imports nothing else from lib/',
      severity: 'error',
      from: { path: '^lib/apimachinery/' },
      to: { path: '^lib/(?!apimachinery/)' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles (run time) between modules',
      severity: 'error',
      from: { path: '^(lib|app|components|server\\.ts)' },
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'lib-not-ui',
      comment: 'domain code never depends on pages or components',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(app|components)/' },
    },
    {
      name: 'platform-only-at-the-edge',
      comment:
        'lib/platform.ts is the composition root read by route handlers, server.ts and lib/http; domain modules receive their dependencies instead',
      severity: 'error',
      from: { path: '^lib/', pathNot: ['^lib/(http/|start\\.ts|platform\\.ts)'] },
      to: { path: '^lib/platform\\.ts$' },
    },
    {
      name: 'prisma-only-in-the-store',
      comment: 'the store is the only module that touches Prisma',
      severity: 'error',
      from: { pathNot: '^lib/store/' },
      to: { path: '(^lib/store/generated/|node_modules/(@prisma|\\.prisma|prisma)/)' },
    },
    {
      name: 'client-never-imports-server',
      comment: 'browser code (lib/client, components) must not import server-only modules at run time',
      severity: 'error',
      from: { path: '^(lib/client|components)/' },
      to: {
        path: '^lib/(store|apiserver|controllers|kubelet/(?!runtime/known-images\\.ts)|scheduler/(?!(decisions|lab|profiles)\\.ts)|router/(?!(protocol|bus)\\.ts)|http|proofs/(?!(verify|certified-custody|ballot-check|placement-checks)\\.ts)|auth/(?!(rbac|principal)\\.ts)|platform\\.ts|start\\.ts|config\\.ts|log\\.ts|metrics\\.ts)',
        dependencyTypesNot: ['type-only'],
      },
    },
    ...layerRules,
    ...siblingRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.next[^/]*|lib/store/generated)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

void folders;
