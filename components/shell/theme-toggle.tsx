'use client';

import { useState, useSyncExternalStore } from 'react';

type Theme = 'light' | 'dark';

// The page's theme is set on <html> before React runs; the server cannot know it, so the button
// appears once hydrated (the server snapshot is null).
const noSubscription = () => () => {};
const pageTheme = (): Theme => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');
const unknownTheme = () => null;

export function ThemeToggle() {
  const initial = useSyncExternalStore(noSubscription, pageTheme, unknownTheme);
  const [chosen, setTheme] = useState<Theme | null>(null);
  const theme = chosen ?? initial;
  if (!theme) return <span style={{ width: 110 }} />;
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      className="btn"
      type="button"
      aria-label={`Switch to ${next} theme`}
      data-testid="theme-toggle"
      onClick={() => {
        document.documentElement.dataset.theme = next;
        localStorage.setItem('entroos-theme', next);
        setTheme(next);
      }}
    >
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}
