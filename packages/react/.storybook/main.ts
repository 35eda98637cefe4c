import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/react-vite';

// Storybook for @entroos/react: every component with fixture data (no server). `npm run storybook:build
// -w @entroos/react` writes the static site to storybook-static/ (npm test builds it, and
// tests/e2e/storybook.spec.ts opens each story in Chromium).
const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.tsx', '../stories/**/*.mdx'],
  addons: ['@storybook/addon-docs'],
  framework: { name: '@storybook/react-vite', options: {} },
  // The browser build of snarkjs the server serves, for ProofBadge's real in-browser check.
  // The upstream Kubernetes schemas the server serves, for ResourceForm's built-in kinds.
  staticDirs: [
    { from: fileURLToPath(new URL('../../../public/vendor', import.meta.url)), to: '/vendor' },
    { from: fileURLToPath(new URL('../../../lib/apimachinery/generated', import.meta.url)), to: '/k8s' },
  ],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // react-docgen reads the props for the docs pages without running the TypeScript compiler (faster builds).
  typescript: { reactDocgen: 'react-docgen' },
  // The framework leaves JSX to @vitejs/plugin-react. The docs pages' bundle is large, and only read locally.
  async viteFinal(config) {
    const { default: react } = await import('@vitejs/plugin-react');
    return {
      ...config,
      plugins: [...(config.plugins ?? []), react()],
      build: { ...config.build, chunkSizeWarningLimit: 2048 },
    };
  },
};
export default config;
