import type { Decorator, Preview } from '@storybook/react-vite';
import { EntroosProvider, ThemeScope, snarkjsVerifier, type ThemeName } from '../src/index.ts';
import { fixtureClient } from '../stories/fixture-client.ts';
import placementVkey from '../../../public/zk/placement.vkey.json';
import '../src/styles.css';

// Every story runs inside a provider whose client answers from fixtures (stories that need live data bring their
// own) and inside ThemeScope, switched from the toolbar. Proofs are checked by the real snarkjs browser build.
// Live lists follow HTTP watches (transport "http", in the stories too): the fixtures answer those, and there is
// no router socket to connect to.
const client = fixtureClient();
const verifier = snarkjsVerifier('', {
  scriptUrl: 'vendor/snarkjs.min.js',
  vkey: async () => placementVkey,
});

const withProviders: Decorator = (Story, context) => (
  <EntroosProvider transport="http" client={client} verifier={verifier}>
    <ThemeScope theme={(context.globals.theme as ThemeName | undefined) ?? 'light'}>
      <div style={{ padding: 16, minHeight: 120 }}>
        <Story />
      </div>
    </ThemeScope>
  </EntroosProvider>
);

const preview: Preview = {
  decorators: [withProviders],
  globalTypes: {
    theme: {
      description: 'Theme tokens (ThemeScope)',
      toolbar: { title: 'Theme', icon: 'mirror', items: ['light', 'dark', 'system'], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'light' },
  parameters: { layout: 'fullscreen', controls: { expanded: true } },
  tags: ['autodocs'],
};
export default preview;
