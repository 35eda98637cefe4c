import { batchDigest, subjectName } from './attestation.ts';
import type { Verdict } from './verify.ts';
import type { Attestation, Batch, BatchPhase, BatchStatus, CustodyEntry } from './types.ts';

// A batch's status from its own attestations and its inputs' statuses: a pure function, so the rules are tested
// without a server. Precedence: Recalled (an operative fact) > Tampered (a signature or subject that no longer
// matches) > BrokenChain (a missing or out-of-turn step) > Complete. An input's status flows into every batch made
// from it, so a recall or a tampered input reaches all derived batches as the controller re-evaluates them.

export interface InputState {
  name: string;
  /** undefined when the input batch does not exist. */
  status?: Pick<BatchStatus, 'phase' | 'reason' | 'recalledBy'>;
  exists: boolean;
}

export interface ChainFacts {
  namespace: string;
  batch: Batch;
  attestations: { attestation: Attestation; verdict: Verdict }[];
  inputs: InputState[];
}

const byTime = (a: CustodyEntry, b: CustodyEntry) =>
  a.time.localeCompare(b.time) || a.attestation.localeCompare(b.attestation);

export function evaluateBatch({ namespace, batch, attestations, inputs }: ChainFacts): BatchStatus {
  const name = batch.metadata.name;
  const digest = batchDigest(namespace, name, batch.spec);
  const declaredInputs = [...(batch.spec.inputs ?? [])].sort();
  let tampered: string | undefined;
  const custody: CustodyEntry[] = attestations.map(({ attestation, verdict }) => {
    const predicate = verdict.statement?.predicate;
    const entry: CustodyEntry = {
      attestation: attestation.metadata.name,
      participant: attestation.spec.participant,
      action: attestation.spec.action,
      time: predicate?.time ?? '',
      verified: verdict.ok,
    };
    if (predicate?.to) entry.to = predicate.to;
    if (!verdict.ok) entry.problem = verdict.problem;
    else {
      const subject = verdict.statement.subject.find((s) => s.name === subjectName(namespace, name));
      if (subject?.digest.sha256 !== digest) {
        entry.verified = false;
        entry.problem =
          'the batch was changed after this attestation was signed (its subject digest no longer matches)';
      }
    }
    if (entry.problem) tampered ??= `attestation ${entry.attestation}: ${entry.problem}`;
    return entry;
  });
  custody.sort(byTime);

  // Who signed last holds the batch, unless the chain broke (then the holder at the break is given).
  const result = (phase: BatchPhase, reason: string, extra: Partial<BatchStatus> = {}): BatchStatus => ({
    phase,
    reason,
    custody,
    digest,
    ...(custody.length ? { holder: holderAfter(custody) } : {}),
    ...extra,
  });

  // Recalls: this batch's own, else the first recalled input's origin.
  if (batch.spec.recall) return result('Recalled', `recalled: ${batch.spec.recall.reason}`, { recalledBy: name });
  const recalledInput = inputs.find((i) => i.status?.phase === 'Recalled');
  if (recalledInput) {
    const origin = recalledInput.status?.recalledBy ?? recalledInput.name;
    return result(
      'Recalled',
      `made from recalled batch ${origin}${origin === recalledInput.name ? '' : ` (via ${recalledInput.name})`}`,
      {
        recalledBy: origin,
      },
    );
  }
  if (tampered) return result('Tampered', tampered);
  const tamperedInput = inputs.find((i) => i.status?.phase === 'Tampered');
  if (tamperedInput) return result('Tampered', `input ${tamperedInput.name} is tampered`);

  const broken = chainProblem(batch, custody, declaredInputs, attestations);
  if (broken) return result('BrokenChain', broken.reason, broken.holder ? { holder: broken.holder } : {});
  const missing = inputs.find((i) => !i.exists);
  if (missing) return result('BrokenChain', `input ${missing.name} does not exist`);
  const brokenInput = inputs.find((i) => i.status?.phase === 'BrokenChain');
  if (brokenInput) return result('BrokenChain', `input ${brokenInput.name} has a broken chain`);
  const pendingInput = inputs.find((i) => !i.status || i.status.phase === 'Pending');
  if (pendingInput) return result('Pending', `input ${pendingInput.name} is not verified yet`);
  return result('Complete', `${custody.length} custody steps verified`);
}

const holderAfter = (custody: CustodyEntry[]): string => custody[custody.length - 1].participant;

/** The first break in the custody chain: an origin by the producer, then each step by whoever holds the batch. */
function chainProblem(
  batch: Batch,
  custody: CustodyEntry[],
  declaredInputs: string[],
  attestations: ChainFacts['attestations'],
): { reason: string; holder?: string } | undefined {
  if (!custody.length) return { reason: 'no custody attestations' };
  const origin = custody[0];
  const originAction = declaredInputs.length ? 'process' : 'produce';
  if (origin.participant !== batch.spec.producer || origin.action !== originAction)
    return {
      reason: `missing origin: the first step is "${origin.action}" by ${origin.participant}, not "${originAction}" by the producer ${batch.spec.producer}`,
    };
  if (declaredInputs.length) {
    const signed = attestations.find((a) => a.attestation.metadata.name === origin.attestation)?.verdict.statement
      ?.predicate.inputs;
    const names = (signed ?? []).map((i) => i.name).sort();
    if (JSON.stringify(names) !== JSON.stringify(declaredInputs))
      return {
        reason: `the processing attestation ${origin.attestation} consumed [${names.join(', ')}], but the batch declares inputs [${declaredInputs.join(', ')}]`,
      };
  }
  let holder = origin.participant;
  let pending: string | undefined = origin.to;
  for (const step of custody.slice(1)) {
    if (step.participant === pending) {
      holder = step.participant;
      pending = undefined;
    } else if (step.participant !== holder) {
      return {
        reason: `step "${step.action}" (${step.attestation}) is by ${step.participant}, but custody was with ${pending ? `${holder}, handing over to ${pending}` : holder}`,
        holder,
      };
    }
    if (step.action === 'handover') {
      if (!step.to) return { reason: `handover ${step.attestation} names no recipient`, holder };
      pending = step.to;
    }
  }
  if (pending) return { reason: `handed over to ${pending}, who has not attested receipt`, holder };
  return undefined;
}
