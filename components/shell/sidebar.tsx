'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useState, useSyncExternalStore } from 'react';

const SECTIONS = [
  {
    title: 'Cluster',
    links: [
      { href: '/', label: 'Overview' },
      { href: '/nodes', label: 'Nodes' },
      { href: '/pods', label: 'Pods' },
      { href: '/deployments', label: 'Deployments' },
      { href: '/services', label: 'Services' },
      { href: '/namespaces', label: 'Namespaces' },
      { href: '/events', label: 'Events' },
      { href: '/map', label: 'Relations map' },
      { href: '/custom-resources', label: 'Custom resources' },
      { href: '/resources', label: 'All resources' },
    ],
  },
  {
    title: 'Insight',
    links: [
      { href: '/scheduler', label: 'Scheduler' },
      { href: '/proofs', label: 'Proofs' },
    ],
  },
  {
    // One link per application on the platform (lib/apps, app/(dashboard)/apps/NAME).
    title: 'Applications',
    links: [
      { href: '/apps/supply-chain', label: 'Supply chain' },
      { href: '/apps/ci', label: 'CI/CD' },
      { href: '/apps/convert', label: 'File conversion' },
      { href: '/apps/voting', label: 'Voting' },
    ],
  },
  {
    title: 'Developers',
    links: [
      { href: '/docs/api', label: 'API reference' },
      // Served by a route handler, not a page: a full page load, not a client-side navigation.
      { href: '/graphql', label: 'GraphQL explorer', document: true },
    ],
  },
  {
    title: 'Settings',
    links: [
      { href: '/settings/tokens', label: 'API tokens' },
      { href: '/settings/users', label: 'Users', adminOnly: true },
      { href: '/settings/backups', label: 'Backups', adminOnly: true },
      { href: '/settings/audit', label: 'Audit', adminOnly: true },
    ],
  },
];

export function Sidebar({ role }: { role?: string }) {
  const pathname = usePathname();
  // Below 800 px the navigation is a drawer behind a Menu button (globals.css); it closes on navigation and Escape.
  // Remembered with the page it was opened on, so moving to another page closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const setOpen = (next: boolean) => setOpenOn(next ? pathname : null);
  // A tap before React has hydrated the page would do nothing: the button is enabled once it works.
  const hydrated = useSyncExternalStore(
    () => () => {},
    () => true,
    () => false,
  );
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpenOn(null);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <>
      <button
        type="button"
        className="nav-toggle btn"
        aria-expanded={open}
        aria-controls="main-nav"
        disabled={!hydrated}
        onClick={() => setOpen(!open)}
      >
        {open ? 'Close menu' : 'Menu'}
      </button>
      {open && <div className="nav-backdrop" aria-hidden="true" onClick={() => setOpen(false)} />}
      <nav className="sidebar" id="main-nav" aria-label="Main" data-open={open || undefined}>
        <div className="brand">
          Entro<span>OS</span>
        </div>
        {SECTIONS.map((section) => (
          <div key={section.title}>
            <div className="nav-section">{section.title}</div>
            {section.links
              .filter((link) => !('adminOnly' in link && link.adminOnly) || role === 'admin')
              .map((link) =>
                'document' in link && link.document ? (
                  <a key={link.href} href={link.href} className="nav-link">
                    {link.label}
                  </a>
                ) : (
                  <Link
                    key={link.href}
                    href={link.href}
                    className="nav-link"
                    aria-current={pathname === link.href ? 'page' : undefined}
                  >
                    {link.label}
                  </Link>
                ),
              )}
          </div>
        ))}
      </nav>
    </>
  );
}
