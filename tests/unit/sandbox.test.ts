import { describe, expect, it } from 'vitest';
import { confine, describeIsolation, resolveIsolation } from '@/lib/kubelet/sandbox.ts';

// nko --isolation: what each choice resolves to when bubblewrap is missing, and what an unsandboxed agent says.

describe('resolveIsolation', () => {
  it('refuses bwrap without bubblewrap, saying what to install; auto falls back and says why', () => {
    expect(resolveIsolation('bwrap', '/nonexistent/bwrap')).toEqual({
      error: "bubblewrap is not installed (install Debian's bubblewrap)",
    });
    const auto = resolveIsolation('auto', '/nonexistent/bwrap');
    expect(auto).toEqual({ kind: 'none', reason: 'bubblewrap is not installed' });
    expect(describeIsolation(auto as { kind: 'none'; reason: string })).toBe(
      'warning: processes run unisolated, as this user with its files and network (bubblewrap is not installed)',
    );
  });

  it('reports a bubblewrap that cannot make namespaces', () => {
    // `false` stands in for a bwrap that fails its probe.
    expect(resolveIsolation('auto', 'false')).toEqual({
      kind: 'none',
      reason: 'bubblewrap cannot make namespaces here: exit 1',
    });
  });

  it('leaves a command as it is with none', () => {
    const env = { PATH: '/usr/bin', TMPDIR: '/var/tmp' };
    expect(
      confine(
        ['sh', '-ec', 'true'],
        { kind: 'none', reason: '--isolation none' },
        { workspace: '/w', hide: ['/a'] },
        env,
      ),
    ).toEqual({ argv: ['sh', '-ec', 'true'], env });
  });
});
