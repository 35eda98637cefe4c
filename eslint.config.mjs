// ESLint flat config (ESLint 9). Run: `node_modules/.bin/eslint .` (or a list of folders).
//
// Layers of rules, later ones overriding earlier ones:
//   1. ESLint's own recommended rules and typescript-eslint `strict` for every source file.
//   2. React hooks rules for the UI (app/, components/, and the client-side hooks in lib/client/).
//   3. Next.js recommended + core-web-vitals rules for app/ and components/.
//   4. Globals per environment, and the project's own adjustments.
//   5. eslint-config-prettier last: formatting belongs to Prettier, not to ESLint.
import js from '@eslint/js';
import nextPlugin from '@next/eslint-plugin-next';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// The globals of the Node.js that runs ESLint (the project's runtime, Node 20), read from the
// runtime itself so the list needs no extra package.
const nodeGlobals = Object.fromEntries(
  [...Object.getOwnPropertyNames(globalThis), 'process', 'Buffer', 'global'].map((name) => [name, 'readonly']),
);

// The browser APIs the UI uses. Only `.mjs` files are checked by `no-undef` — for TypeScript,
// typescript-eslint turns it off because the compiler already reports undefined names against
// the `dom` lib — so this list documents the environment rather than gating it.
const browserGlobals = Object.fromEntries(
  [
    'window',
    'document',
    'navigator',
    'location',
    'history',
    'localStorage',
    'sessionStorage',
    'fetch',
    'EventSource',
    'WebSocket',
    'Worker',
    'requestAnimationFrame',
    'cancelAnimationFrame',
    'ResizeObserver',
    'IntersectionObserver',
    'MutationObserver',
    'matchMedia',
    'getComputedStyle',
    'HTMLElement',
    'HTMLInputElement',
    'HTMLDivElement',
    'Element',
    'Event',
    'KeyboardEvent',
    'MouseEvent',
    'Blob',
    'File',
    'FormData',
    'URL',
    'URLSearchParams',
    'AbortController',
    'TextEncoder',
    'TextDecoder',
    'crypto',
    'performance',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'queueMicrotask',
    'structuredClone',
    'console',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  globalIgnores(
    [
      // generated code (Prisma clients, Kubernetes kinds from the OpenAPI definitions)
      'lib/store/generated/**',
      'lib/apimachinery/generated/**',
      'prisma/generated/**',
      'packages/client/src/generated/**',
      // build output, test output, bundled artifacts
      '.next*/**',
      'dist/**',
      'packages/*/dist/**',
      'packages/*/storybook-static/**',
      'node_modules/**',
      'public/zk/**',
      'public/vendor/**',
      'circuits/build/**',
      'test-results/**',
      'playwright-report/**',
      'data/**',
      // the test servers' bundle (tests/helpers/server-bundle.ts)
      '.server-test.mjs*',
      // declaration files describe untyped packages; they are not code
      '**/*.d.ts',
    ],
    'entroos/ignores',
  ),

  {
    name: 'entroos/files',
    files: ['**/*.{ts,tsx,mjs}'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  // 1. Base rules for every source file.
  { ...js.configs.recommended, files: ['**/*.{ts,tsx,mjs}'] },
  { extends: [tseslint.configs.strict], files: ['**/*.{ts,tsx,mjs}'] },

  // 2. React hooks (React Compiler-aware rules of v7) wherever hooks are written.
  {
    ...reactHooks.configs.flat['recommended-latest'],
    name: 'react-hooks/recommended-latest',
    files: [
      'app/**/*.{ts,tsx}',
      'components/**/*.{ts,tsx}',
      'lib/client/**/*.{ts,tsx}',
      'packages/react/**/*.{ts,tsx}',
      'tests/e2e/react-harness/**/*.tsx',
    ],
  },

  // 3. Next.js: recommended + core-web-vitals for the pages and components.
  {
    name: 'next/core-web-vitals',
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    plugins: { '@next/next': nextPlugin },
    settings: { next: { rootDir: '.' } },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
    },
  },

  // 4. Environments.
  {
    name: 'entroos/node',
    files: [
      'scripts/**',
      'bin/**',
      'bench/**',
      'tests/**',
      'lib/**',
      'packages/**',
      'examples/**',
      'server.ts',
      '*.config.{ts,mjs}',
    ],
    languageOptions: { globals: nodeGlobals },
  },
  {
    name: 'entroos/browser',
    files: ['components/**', 'app/**', 'lib/client/**'],
    languageOptions: { globals: browserGlobals },
  },

  // Project-wide adjustments.
  {
    name: 'entroos/rules',
    files: ['**/*.{ts,tsx,mjs}'],
    rules: {
      // `_`-prefixed names mark deliberately unused parameters, destructured leftovers and caught errors.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // The objects this code edits are JSON documents (API objects, patches, label maps, headers,
      // environments), not Maps: deleting a member by a computed key is how JSON merge patch, metadata
      // stripping and header filtering work. Turning them into Maps would rewrite correct code.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // Type-only imports are kept apart so the layer rules in .dependency-cruiser.cjs can tell
      // them from run-time imports (`import type` may cross layers, a value import may not).
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
    },
  },
  {
    name: 'entroos/tests-and-benchmarks',
    files: ['tests/**', 'bench/**'],
    rules: {
      // Tests and benchmarks reach into results they just checked or created (`rows[0]!.name`); a
      // guard before every such read would add noise and no safety, since a wrong assumption fails.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    name: 'entroos/tests',
    files: ['tests/**'],
    rules: {
      // Tests read JSON responses (tests/helpers/api.ts: `body` is whatever the test asserts it is)
      // and poke at objects in shapes the types forbid on purpose; typing every response would mean
      // rewriting correct tests with casts that add no safety. Production code keeps the rule.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  // 5. Prettier owns formatting: turn off every rule that would fight it. Keep last.
  { ...prettier, name: 'eslint-config-prettier' },
);
