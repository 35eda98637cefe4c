import { describe, expect, it } from 'vitest';
import { runLayout } from '@/lib/apps/ci/run-layout.ts';
import type { PipelineStep } from '@/lib/apps/ci/types.ts';

const step = (name: string, needs: string[] = [], more: Partial<PipelineStep> = {}): PipelineStep => ({
  name,
  image: 'node:22',
  script: 'true',
  needs,
  ...more,
});

describe('a run drawn as a graph', () => {
  it('puts each step after the longest chain of what it needs, a matrix as one box per combination', () => {
    const { nodes, edges } = runLayout(
      [
        step('lint'),
        step('test', ['lint'], { matrix: { node: ['18', '20'] } }),
        step('build', ['lint']),
        step('package', ['test', 'build']),
      ],
      [{ name: 'lint', phase: 'Succeeded', attempts: 1 }],
    );
    const at = Object.fromEntries(nodes.map((n) => [n.name, [n.column, n.row]]));
    expect(at).toEqual({
      lint: [0, 0],
      'test-18': [1, 0],
      'test-20': [1, 1],
      build: [1, 2],
      package: [2, 0],
    });
    expect(nodes.find((n) => n.name === 'lint')?.status?.phase).toBe('Succeeded');
    expect(edges.map((e) => `${e.from.name}→${e.to.name}`).sort()).toEqual(
      ['lint→test-18', 'lint→test-20', 'lint→build', 'test-18→package', 'test-20→package', 'build→package'].sort(),
    );
  });

  it('survives a stored cycle', () => {
    const { nodes } = runLayout([step('a', ['b']), step('b', ['a'])], []);
    expect(nodes.map((n) => n.name)).toEqual(['a', 'b']);
  });
});
