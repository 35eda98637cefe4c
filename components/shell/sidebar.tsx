'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

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
    links: [{ href: '/apps/supply-chain', label: 'Supply chain' }],
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
  return (
    <nav className="sidebar" aria-label="Main">
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
  );
}
