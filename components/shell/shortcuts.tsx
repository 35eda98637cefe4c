'use client';

import { useEffect } from 'react';
import { useRouter } from 'next/navigation';

const GO: Record<string, string> = {
  p: '/pods',
  n: '/nodes',
  d: '/deployments',
  o: '/',
  s: '/scheduler',
  z: '/proofs',
};

/** Keyboard: `/` focuses the page's search field; `g` then p/n/d/o/z goes to pods, nodes, deployments, overview, proofs. */
export function Shortcuts() {
  const router = useRouter();
  useEffect(() => {
    let pendingG = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      if (e.key === '/') {
        const search = document.querySelector<HTMLInputElement>('[data-search]');
        if (search) {
          e.preventDefault();
          search.focus();
        }
        return;
      }
      if (e.key === 'g') {
        pendingG = Date.now();
        return;
      }
      if (pendingG && Date.now() - pendingG < 1500 && GO[e.key]) {
        e.preventDefault();
        router.push(GO[e.key]);
      }
      pendingG = 0;
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [router]);
  return null;
}
