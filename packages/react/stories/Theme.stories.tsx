import type { Meta, StoryObj } from '@storybook/react-vite';
import { EntropyGauge, StatusBadge, ThemeScope } from '../src/index.ts';

const TOKENS = [
  'bg',
  'surface',
  'border',
  'text',
  'muted',
  'accent',
  'ok',
  'warn',
  'error',
  'info',
  'heat-0',
  'heat-1',
  'heat-2',
  'heat-3',
  'heat-4',
];

function Tokens() {
  return (
    <div style={{ display: 'flex', gap: 16 }}>
      {(['light', 'dark'] as const).map((theme) => (
        <ThemeScope key={theme} theme={theme}>
          <section style={{ padding: 12, border: '1px solid var(--eos-border)' }} aria-label={`${theme} tokens`}>
            <h3 style={{ marginTop: 0 }}>{theme}</h3>
            <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {TOKENS.map((t) => (
                <li key={t} style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
                  <span
                    aria-hidden="true"
                    style={{
                      width: 18,
                      height: 18,
                      borderRadius: 4,
                      background: `var(--eos-${t})`,
                      border: '1px solid var(--eos-border)',
                    }}
                  />
                  <code>--eos-{t}</code>
                </li>
              ))}
            </ul>
            <p>
              <StatusBadge status="Ready" tone="ok" /> <StatusBadge status="Pending" tone="warn" />{' '}
              <StatusBadge status="Failed" tone="error" />
            </p>
            <EntropyGauge value={2.1} nodes={12} size={120} />
          </section>
        </ThemeScope>
      ))}
    </div>
  );
}

const meta = {
  title: 'Theme/Tokens',
  component: Tokens,
  parameters: {
    docs: {
      description: {
        component:
          "Import '@entroos/react/styles.css' and wrap the components in ThemeScope (light, dark or system). Every colour is a CSS variable (--eos-*) you can override; inside the EntroOS dashboard an ancestor's data-theme=\"dark\" selects the dark tokens.",
      },
    },
  },
} satisfies Meta<typeof Tokens>;
export default meta;
export const LightAndDark: StoryObj<typeof meta> = {};
