import { describe, expect, it } from 'vitest';
import { can } from '@/lib/auth/rbac.ts';

describe('can', () => {
  it('lets viewers read workloads and nodes but write nothing', () => {
    for (const verb of ['get', 'list', 'watch'] as const) {
      expect(can('viewer', verb, 'pods')).toBe(true);
      expect(can('viewer', verb, 'nodes')).toBe(true);
    }
    for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection'] as const) {
      expect(can('viewer', verb, 'pods')).toBe(false);
      expect(can('viewer', verb, 'tokens')).toBe(false);
    }
  });

  it('lets operators write workloads and their tokens, not nodes or users', () => {
    expect(can('operator', 'create', 'deployments')).toBe(true);
    expect(can('operator', 'delete', 'pods')).toBe(true);
    expect(can('operator', 'create', 'tokens')).toBe(true);
    expect(can('operator', 'delete', 'nodes')).toBe(false);
    expect(can('operator', 'list', 'users')).toBe(false);
    expect(can('operator', 'get', 'metrics')).toBe(false);
  });

  it('treats every workload kind alike: viewers read, operators write (Jobs, StatefulSets, budgets …)', () => {
    const kinds = ['statefulsets', 'daemonsets', 'controllerrevisions', 'jobs', 'cronjobs'];
    for (const resource of [...kinds, 'poddisruptionbudgets', 'horizontalpodautoscalers']) {
      expect(can('viewer', 'list', resource)).toBe(true);
      expect(can('viewer', 'create', resource)).toBe(false);
      expect(can('operator', 'create', resource)).toBe(true);
      expect(can('operator', 'delete', resource)).toBe(true);
    }
  });

  it('lets admins do everything and treats unknown resources as admin-only', () => {
    expect(can('admin', 'delete', 'users')).toBe(true);
    expect(can('admin', 'create', 'nodes')).toBe(true);
    expect(can('operator', 'get', 'widgets')).toBe(false);
    expect(can('viewer', 'list', 'somethingnew')).toBe(false);
  });
});
