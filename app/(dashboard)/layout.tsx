import { requireUser } from '@/lib/http/current-user.ts';
import { Sidebar } from '@/components/shell/sidebar';
import { UserMenu } from '@/components/shell/user-menu';
import { ThemeToggle } from '@/components/shell/theme-toggle';
import { ConnectionIndicator } from '@/components/shell/connection-indicator';
import { NamespaceScope } from '@/components/shell/namespace-scope';
import { Shortcuts } from '@/components/shell/shortcuts';
import { Providers } from '@/components/providers';
import { SessionKeeper } from '@/components/shell/session-keeper';
import { getPlatform } from '@/lib/platform.ts';

export const dynamic = 'force-dynamic';

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <Providers>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Shortcuts />
      <SessionKeeper idleMinutes={getPlatform().config.sessionIdleMinutes} />
      <div className="shell">
        <Sidebar role={user.role} />
        <div>
          <header className="topbar">
            <NamespaceScope />
            <ConnectionIndicator />
            <ThemeToggle />
            <UserMenu username={user.username} role={user.role} />
          </header>
          <main className="content" id="main" tabIndex={-1}>
            {children}
          </main>
        </div>
      </div>
    </Providers>
  );
}
