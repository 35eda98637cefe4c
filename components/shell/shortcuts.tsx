'use client';

import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { ShortcutHelp } from './shortcut-help';
import { KindJump } from './kind-jump';
import { SearchDialog } from './search-dialog';

const GO: Record<string, string> = {
  p: '/pods',
  n: '/nodes',
  d: '/deployments',
  o: '/',
  s: '/scheduler',
  z: '/proofs',
};

/**
 * Keyboard: Ctrl-K (Cmd-K) searches objects across kinds (also from a field), `?` shows the shortcuts, `:` jumps to a kind by name (k9s), `/` focuses the page's search field, `g` then
 * p/n/d/o/s/z goes to pods, nodes, deployments, overview, scheduler, proofs. Off while typing in a field.
 */
export function Shortcuts() {
  const router = useRouter();
  const [open, setOpen] = useState<'help' | 'jump' | 'search' | null>(null);
  useEffect(() => {
    let pendingG = 0;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        if (document.querySelector('dialog[open]')) return;
        e.preventDefault();
        setOpen('search');
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      if (document.querySelector('dialog[open]')) return;
      if (e.key === '?' || e.key === ':') {
        e.preventDefault();
        setOpen(e.key === '?' ? 'help' : 'jump');
        return;
      }
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
  const close = () => setOpen(null);
  return (
    <>
      <ShortcutHelp open={open === 'help'} onClose={close} />
      <KindJump open={open === 'jump'} onClose={close} />
      <SearchDialog open={open === 'search'} onClose={close} />
    </>
  );
}
