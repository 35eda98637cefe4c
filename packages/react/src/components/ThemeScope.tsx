import type { ReactNode } from 'react';

export type ThemeName = 'light' | 'dark' | 'system';

export interface ThemeScopeProps {
  /** light, dark, or system (follows prefers-color-scheme). Default system. */
  theme?: ThemeName;
  className?: string;
  children?: ReactNode;
}

/**
 * Sets the @entroos/react design tokens (CSS variables --eos-*, from '@entroos/react/styles.css') for what it
 * wraps. Override any token on the element or an ancestor to theme the components.
 */
export function ThemeScope({ theme = 'system', className, children }: ThemeScopeProps) {
  return (
    <div className={className ? `eos-root ${className}` : 'eos-root'} data-eos-theme={theme}>
      {children}
    </div>
  );
}
