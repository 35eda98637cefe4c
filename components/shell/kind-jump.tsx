'use client';

import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useApiResources } from '@/lib/client/discovery.ts';
import { kindSuggestions, resolveKind } from '@/lib/client/kind-route.ts';

/** k9s's `:kind`: a prompt that takes a kind as kubectl names it and opens its list. */
export function KindJump({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const resources = useApiResources();
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      setTyped('');
      setProblem(null);
      d.showModal();
    }
    if (!open && d.open) d.close();
  }, [open]);

  const go = (e: React.FormEvent) => {
    e.preventDefault();
    if (!resources.data) {
      setProblem(
        resources.error
          ? `Cannot read the server's kinds: ${resources.error.message}`
          : 'Still reading the server’s kinds…',
      );
      return;
    }
    const match = resolveKind(typed, resources.data);
    if (!match) {
      setProblem(
        `The server serves no kind named “${typed.trim()}”. Try its plural (configmaps), a short name (cm) or plural.group.`,
      );
      return;
    }
    onClose();
    router.push(match.href);
  };

  return (
    <dialog ref={dialog} className="sheet" aria-labelledby="kind-jump-label" onClose={onClose} data-testid="kind-jump">
      <form onSubmit={go}>
        <label id="kind-jump-label" htmlFor="kind-jump-input">
          Go to kind
        </label>
        <div className="kind-jump-row">
          <span aria-hidden="true">:</span>
          <input
            id="kind-jump-input"
            autoFocus
            autoComplete="off"
            list="kind-jump-names"
            value={typed}
            onChange={(e) => {
              setTyped(e.target.value);
              setProblem(null);
            }}
            aria-describedby={problem ? 'kind-jump-problem' : undefined}
            aria-invalid={problem ? true : undefined}
          />
          <button type="submit">Go</button>
        </div>
        <datalist id="kind-jump-names">
          {kindSuggestions(resources.data ?? []).map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
        {problem && (
          <p id="kind-jump-problem" className="error" data-testid="kind-jump-problem">
            {problem}
          </p>
        )}
      </form>
    </dialog>
  );
}
