'use client';

import { useMemo } from 'react';
import type { Conversion, Workflow } from '@/lib/apps/convert/types.ts';

// The workflows, live: each one's steps with the phase and progress of the conversion each became, the output's
// download and its verification (the same check as a single conversion's).

interface Props {
  workflows: readonly Workflow[];
  conversions: readonly Conversion[];
  /** Verification verdicts by conversion (namespace/name). */
  verdicts: Record<string, string>;
  onVerify: (conversion: Conversion) => void;
}

export function WorkflowsTable({ workflows, conversions, verdicts, onVerify }: Props) {
  const byKey = useMemo(
    () => new Map(conversions.map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c])),
    [conversions],
  );
  const items = useMemo(
    () =>
      [...workflows].sort((a, b) =>
        String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)),
      ),
    [workflows],
  );
  if (!items.length) return null;
  return (
    <section className="card">
      <h2>Workflows</h2>
      <table className="table" data-testid="workflows">
        <thead>
          <tr>
            <th>Name</th>
            <th>Input</th>
            <th>Phase</th>
            <th>Steps</th>
          </tr>
        </thead>
        <tbody>
          {items.map((w) => {
            const key = `${w.metadata.namespace}/${w.metadata.name}`;
            return (
              <tr key={key}>
                <td>{key}</td>
                <td>{w.spec.input.filename}</td>
                <td>{w.status?.phase ?? 'Pending'}</td>
                <td>
                  <ul>
                    {w.spec.steps.map((step) => {
                      const status = w.status?.steps?.find((s) => s.name === step.name);
                      const ckey = status?.conversion ? `${w.metadata.namespace}/${status.conversion}` : undefined;
                      const conversion = ckey ? byKey.get(ckey) : undefined;
                      const phase = conversion?.status?.phase ?? status?.phase ?? 'Waiting';
                      const out = conversion?.status?.output ?? status?.output;
                      return (
                        <li key={step.name} data-testid={`step-${step.name}`}>
                          <strong>{step.name}</strong> → {step.target}: {phase}
                          {phase === 'Running' && (
                            <progress
                              max={100}
                              value={conversion?.status?.progress ?? 0}
                              aria-label={`${step.name} progress`}
                            />
                          )}
                          {status?.error && <span className="muted"> {status.error}</span>}
                          {out && (
                            <>
                              {' '}
                              <a href={`/apis/entroos.io/v1/files/${out.digest}?download=1`}>{out.filename}</a>{' '}
                              <span className="muted">({out.size} bytes)</span>
                            </>
                          )}
                          {out && conversion && (
                            <>
                              {' '}
                              <button
                                type="button"
                                className="btn"
                                aria-label={`Verify ${step.name}`}
                                onClick={() => onVerify(conversion)}
                              >
                                Verify
                              </button>
                            </>
                          )}
                          {ckey && verdicts[ckey] && <div role="status">{verdicts[ckey]}</div>}
                        </li>
                      );
                    })}
                  </ul>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
