import type { PipelineStep, StepOutput } from './types.ts';

// What a step's declared output holds on the simulated runtime, where no script really runs: a small document
// derived only from what determines a build — the step's image and script, the output, and the digests of its
// inputs — so the same inputs give the same bytes (and digest) in every run, and tests can predict them.

export const SIMULATED_MEDIA_TYPE = 'application/vnd.entroos.ci.simulated+json';

export function simulatedOutput(
  pipeline: string,
  step: Pick<PipelineStep, 'name' | 'image' | 'script' | 'command'>,
  output: StepOutput,
  inputDigests: string[],
): Buffer {
  const doc = {
    pipeline,
    step: step.name,
    image: step.image,
    script: step.script ?? null,
    command: step.command ?? null,
    output: output.name,
    path: output.path ?? null,
    inputs: [...inputDigests].sort(),
  };
  return Buffer.from(`${JSON.stringify(doc)}\n`);
}

/** The media type an output is stored and served with. */
export const mediaTypeOf = (output: StepOutput): string => output.mediaType ?? SIMULATED_MEDIA_TYPE;
