import Link from 'next/link';
import { ApiClientError } from '@/lib/client/api.ts';

// Pieces the custom resource pages share: the breadcrumb trail and the loading/error line.

export function Breadcrumbs({ trail }: { trail: [label: string, href?: string][] }) {
  return (
    <nav aria-label="Breadcrumb" className="muted" style={{ marginBottom: 12 }}>
      <ol style={{ listStyle: 'none', display: 'flex', flexWrap: 'wrap', gap: 6, padding: 0, margin: 0 }}>
        {trail.map(([label, href], i) => (
          <li key={`${label}-${i}`}>
            {i > 0 && (
              <span aria-hidden="true" style={{ marginRight: 6 }}>
                /
              </span>
            )}
            {href ? (
              <Link href={href}>{label}</Link>
            ) : (
              <span aria-current={i === trail.length - 1 ? 'page' : undefined}>{label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** "Loading …", or the API's message (with a hint when the API does not serve CRDs or the user may not read them). */
export function LoadState({ pending, error, what }: { pending: boolean; error: Error | null; what: string }) {
  if (pending) return <p className="muted">Loading {what}…</p>;
  if (!error) return null;
  const hint =
    error instanceof ApiClientError && error.code === 403
      ? ' Your role may not read this resource.'
      : error instanceof ApiClientError && error.code === 404
        ? ' It may have been deleted, or this server does not serve it (yet).'
        : '';
  return (
    <p className="alert alert-error" role="alert">
      {error.message}
      {hint}
    </p>
  );
}

/** The text filter above a table, with the count of what it shows. */
export function FilterField({
  id,
  label,
  value,
  onChange,
  count,
  countTestId,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  count: string;
  countTestId: string;
}) {
  return (
    <div className="row">
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          type="search"
          data-search
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder="press / to search"
        />
      </div>
      <p className="muted" data-testid={countTestId}>
        {count}
      </p>
    </div>
  );
}
