// The CI controller's knobs, from the environment (documented in docs/apps/ci.md).

export interface CiSettings {
  /** Finished runs kept per pipeline (ENTROOS_CI_RUNS_KEPT). */
  runsKept: number;
  /** Bytes of distinct artifact content a namespace may hold (ENTROOS_CI_ARTIFACT_QUOTA_BYTES). */
  quotaBytes: number;
  /** How often unreferenced artifact files are collected (ENTROOS_CI_GC_SECONDS). */
  gcIntervalMs: number;
  /** How old an unreferenced file must be to be collected (ENTROOS_CI_GC_GRACE_SECONDS): its Artifact may be on its way. */
  gcGraceMs: number;
  /** The supply-chain Participant whose key is the cluster's: image outputs are attested as its builds. */
  builderParticipant: string;
}

const positive = (text: string | undefined, fallback: number): number => {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(n) && n >= 0 ? n : fallback;
};

export function ciSettings(env: NodeJS.ProcessEnv = process.env): CiSettings {
  return {
    runsKept: Math.floor(positive(env.ENTROOS_CI_RUNS_KEPT, 100)),
    quotaBytes: positive(env.ENTROOS_CI_ARTIFACT_QUOTA_BYTES, 1024 ** 3),
    gcIntervalMs: positive(env.ENTROOS_CI_GC_SECONDS, 300) * 1000 || 300_000,
    gcGraceMs: positive(env.ENTROOS_CI_GC_GRACE_SECONDS, 60) * 1000,
    builderParticipant: env.ENTROOS_CI_BUILDER_PARTICIPANT || 'entroos-ci',
  };
}
