'use client';

import { useEffect, useRef } from 'react';

export const SHORTCUTS: [keys: string, what: string][] = [
  ['?', 'Show this help'],
  [':', 'Jump to a kind by name, as kubectl names it (pods, deploy, cm, crontabs.stable.example.com …)'],
  [
    'Ctrl K',
    'Search objects of every kind: a name (web), a label (app=web), a kind and a name (deploy web); ⌘K on a Mac',
  ],
  ['/', "Focus the page's search field"],
  ['g o', 'Overview'],
  ['g p', 'Pods'],
  ['g n', 'Nodes'],
  ['g d', 'Deployments'],
  ['g s', 'Scheduler'],
  ['g z', 'Proofs'],
  ['Esc', 'Close a dialog'],
];

/** The `?` sheet: every keyboard shortcut, in a modal dialog (Esc or the button closes it). */
export function ShortcutHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className="sheet"
      aria-labelledby="shortcut-help-title"
      onClose={onClose}
      data-testid="shortcut-help"
    >
      <h2 id="shortcut-help-title">Keyboard shortcuts</h2>
      <table className="shortcut-table">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                {keys.split(' ').map((k) => (
                  <kbd key={k}>{k}</kbd>
                ))}
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">Shortcuts are off while you type in a field.</p>
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}
