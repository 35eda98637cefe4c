import type { StatusCause } from '../../apimachinery/errors.ts';
import type { ObjectApi, ValidatingAdmission } from '../../apiserver/object-api.ts';
import { validateSteps } from './dag.ts';
import { validateExecStep } from './exec-plan.ts';
import { RESOURCES, type Artifact, type Pipeline, type PipelineRun } from './types.ts';

// Admission for the CI kinds: a Pipeline is stored only as a DAG (unique step names, needs and inputs that
// exist, no cycle — named — and sane timeouts); a PipelineRun's cancellation cannot be taken back, and its
// pipeline cannot be swapped under it; an Artifact's digest cannot change. Status writes are the controller's.

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export function ciAdmission(_api: ObjectApi): Record<string, ValidatingAdmission> {
  return {
    [RESOURCES.pipelines]: (_t, obj, _old, subresource) => {
      if (subresource || obj.metadata.deletionTimestamp) return [];
      const spec = (obj as Pipeline).spec;
      const causes = validateSteps(spec.steps ?? []);
      (spec.steps ?? []).forEach((s, i) => causes.push(...validateExecStep(s, i)));
      const repo = spec.triggers?.github?.repository;
      if (repo !== undefined && !REPOSITORY.test(repo))
        causes.push(invalid('spec.triggers.github.repository', repo, 'must be owner/name as GitHub spells it'));
      const names = new Set<string>();
      (spec.params ?? []).forEach((p, i) => {
        if (names.has(p.name))
          causes.push({
            reason: 'FieldValueDuplicate',
            message: `Duplicate value: ${JSON.stringify(p.name)}`,
            field: `spec.params[${i}].name`,
          });
        names.add(p.name);
      });
      return causes;
    },
    [RESOURCES.runs]: (_t, obj, old, subresource) => {
      if (subresource || !old || obj.metadata.deletionTimestamp) return [];
      const next = (obj as PipelineRun).spec;
      const prev = (old as PipelineRun).spec;
      const causes: StatusCause[] = [];
      if (prev.cancelled && !next.cancelled)
        causes.push(invalid('spec.cancelled', next.cancelled ?? false, 'a cancelled run stays cancelled'));
      if (prev.pipeline !== next.pipeline)
        causes.push(invalid('spec.pipeline', next.pipeline, 'field is immutable: start a new run instead'));
      return causes;
    },
    [RESOURCES.artifacts]: (_t, obj, old, subresource) => {
      if (subresource || !old || obj.metadata.deletionTimestamp) return [];
      const next = (obj as Artifact).spec;
      const prev = (old as Artifact).spec;
      return next.digest !== prev.digest || next.size !== prev.size
        ? [invalid('spec.digest', next.digest, 'field is immutable: an artifact is its content')]
        : [];
    },
  };
}

const invalid = (field: string, value: unknown, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
  field,
});
