import { requireUser } from '@/lib/auth/current-user.ts';
import { Sidebar } from '@/components/shell/sidebar';
import { UserMenu } from '@/components/shell/user-menu';
import { ThemeToggle } from '@/components/shell/theme-toggle';
import { ConnectionIndicator } from '@/components/shell/connection-indicator';
import { Providers } from '@/components/providers';

export const dynamic = 'force-dynamic';

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <Providers>
      <div className="shell">
        <Sidebar />
        <div>
          <header className="topbar">
            <ConnectionIndicator />
            <ThemeToggle />
            <UserMenu username={user.username} role={user.role} />
          </header>
          <main className="content">{children}</main>
        </div>
      </div>
    </Providers>
  );
}
