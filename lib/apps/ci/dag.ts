import type { StatusCause } from '../../apimachinery/errors.ts';
import type { PipelineStep } from './types.ts';

// A pipeline's steps as a DAG: the checks admission answers with (each problem a cause naming the field), and
// the order the controller starts steps in.

export const DEFAULT_TIMEOUT_SECONDS = 600;
/** A day: longer is a mistake more often than a build. */
export const MAX_TIMEOUT_SECONDS = 86_400;

const invalid = (field: string, value: unknown, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
  field,
});

/** Every problem of a pipeline's steps: duplicate names, unknown needs and inputs, cycles, bad timeouts. */
export function validateSteps(steps: PipelineStep[]): StatusCause[] {
  const causes: StatusCause[] = [];
  const index = new Map<string, number>();
  steps.forEach((s, i) => {
    if (index.has(s.name))
      causes.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: ${JSON.stringify(s.name)}: step names must be unique (also spec.steps[${index.get(s.name)}])`,
        field: `spec.steps[${i}].name`,
      });
    else index.set(s.name, i);
  });
  steps.forEach((s, i) => {
    (s.needs ?? []).forEach((n, j) => {
      if (!index.has(n))
        causes.push({
          reason: 'FieldValueNotFound',
          message: `Not found: ${JSON.stringify(n)}: step "${s.name}" needs a step the pipeline does not have`,
          field: `spec.steps[${i}].needs[${j}]`,
        });
      else if (n === s.name) causes.push(invalid(`spec.steps[${i}].needs[${j}]`, n, 'a step cannot need itself'));
    });
    const t = s.timeoutSeconds;
    if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > MAX_TIMEOUT_SECONDS))
      causes.push(
        invalid(
          `spec.steps[${i}].timeoutSeconds`,
          t,
          `must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`,
        ),
      );
    if (!s.script && !s.command?.length)
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value: a step runs a script or a command',
        field: `spec.steps[${i}].script`,
      });
    if (s.script && s.command?.length)
      causes.push(invalid(`spec.steps[${i}].command`, s.command, 'a step runs a script or a command, not both'));
  });
  steps.forEach((s, i) => {
    if (!s.matrix) return;
    const combos = Object.values(s.matrix).reduce((n, values) => n * values.length, 1);
    if (!Object.keys(s.matrix).length || combos > MAX_MATRIX)
      causes.push(
        invalid(`spec.steps[${i}].matrix`, combos, `a matrix runs 1 to ${MAX_MATRIX} combinations of its values`),
      );
    steps.forEach((other, j) =>
      (other.inputs ?? []).forEach((input, k) => {
        if (input.step === s.name)
          causes.push(
            invalid(
              `spec.steps[${j}].inputs[${k}].step`,
              input.step,
              'an input cannot come from a matrix step (which of its runs would it be?)',
            ),
          );
      }),
    );
  });
  const cycle = findCycle(steps);
  if (cycle)
    causes.push(
      invalid(
        `spec.steps[${index.get(cycle[0])}].needs`,
        cycle[0],
        `the steps' needs form a cycle: ${cycle.join(' → ')}`,
      ),
    );
  if (!cycle) {
    const upstream = ancestors(steps);
    steps.forEach((s, i) =>
      (s.inputs ?? []).forEach((input, j) => {
        const from = steps[index.get(input.step) ?? -1];
        if (!from || !upstream.get(s.name)?.has(input.step))
          causes.push({
            reason: 'FieldValueNotFound',
            message: `Not found: ${JSON.stringify(input.step)}: an input comes from a step this one needs (directly or further up)`,
            field: `spec.steps[${i}].inputs[${j}].step`,
          });
        else if (!(from.outputs ?? []).some((o) => o.name === input.output))
          causes.push({
            reason: 'FieldValueNotFound',
            message: `Not found: ${JSON.stringify(input.output)}: step "${input.step}" declares no such output`,
            field: `spec.steps[${i}].inputs[${j}].output`,
          });
      }),
    );
  }
  return causes;
}

export const MAX_MATRIX = 64;

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/**
 * The steps as they run: a matrix step becomes one step per combination (`test-node-20`), with MATRIX_<KEY> in
 * its env, and a need of the matrix step becomes a need of every one of them.
 */
export function expandMatrix(steps: PipelineStep[]): PipelineStep[] {
  const expansions = new Map<string, string[]>();
  const out: PipelineStep[] = [];
  for (const s of steps) {
    if (!s.matrix || !Object.keys(s.matrix).length) {
      out.push(s);
      continue;
    }
    let combos: [string, string][][] = [[]];
    for (const [key, values] of Object.entries(s.matrix))
      combos = combos.flatMap((c) => values.map((v) => [...c, [key, v] as [string, string]]));
    const names: string[] = [];
    for (const combo of combos) {
      const name = `${s.name}-${slug(combo.map(([, v]) => v).join('-'))}`;
      names.push(name);
      const { matrix: _matrix, ...rest } = s;
      out.push({
        ...rest,
        name,
        env: [
          ...(s.env ?? []),
          ...combo.map(([k, v]) => ({ name: `MATRIX_${k.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`, value: v })),
        ],
      });
    }
    expansions.set(s.name, names);
  }
  return out.map((s) =>
    s.needs?.some((n) => expansions.has(n)) ? { ...s, needs: s.needs.flatMap((n) => expansions.get(n) ?? [n]) } : s,
  );
}

/** A cycle of needs as step names, first repeated last (`a → b → a`), or undefined. */
export function findCycle(steps: PipelineStep[]): string[] | undefined {
  const needs = new Map(steps.map((s) => [s.name, s.needs ?? []]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const seen = state.get(name);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const n of needs.get(name) ?? []) {
      // Unknown needs and a step needing itself are reported on their own.
      if (!needs.has(n) || n === name) continue;
      const cycle = visit(n);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const s of steps) {
    const cycle = visit(s.name);
    if (cycle) return cycle.reverse();
  }
  return undefined;
}

/** Each step's transitive needs (an acyclic pipeline). */
export function ancestors(steps: PipelineStep[]): Map<string, Set<string>> {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const memo = new Map<string, Set<string>>();
  const of = (name: string): Set<string> => {
    const hit = memo.get(name);
    if (hit) return hit;
    const out = new Set<string>();
    memo.set(name, out);
    for (const n of byName.get(name)?.needs ?? []) {
      if (n === name) continue;
      out.add(n);
      for (const a of of(n)) out.add(a);
    }
    return out;
  };
  for (const s of steps) of(s.name);
  return memo;
}

/** The steps in an order where each comes after what it needs (Kahn's; ties keep the declared order). */
export function topologicalOrder(steps: PipelineStep[]): string[] {
  const names = new Set(steps.map((s) => s.name));
  const remaining = new Map(steps.map((s) => [s.name, new Set((s.needs ?? []).filter((n) => names.has(n)))]));
  const order: string[] = [];
  while (remaining.size) {
    const ready = [...remaining].filter(([, needs]) => needs.size === 0).map(([n]) => n);
    if (!ready.length) throw new Error('the steps form a cycle');
    for (const name of ready) {
      remaining.delete(name);
      order.push(name);
      for (const needs of remaining.values()) needs.delete(name);
    }
  }
  return order;
}

/** What a step's dependencies decide: it may start, it must wait, or it will never run. */
export function readiness(
  step: PipelineStep,
  phaseOf: (name: string) => string | undefined,
): 'ready' | 'waiting' | 'blocked' {
  let waiting = false;
  for (const n of step.needs ?? []) {
    const phase = phaseOf(n);
    if (phase === 'Failed' || phase === 'Skipped' || phase === 'Cancelled') return 'blocked';
    if (phase !== 'Succeeded') waiting = true;
  }
  return waiting ? 'waiting' : 'ready';
}
