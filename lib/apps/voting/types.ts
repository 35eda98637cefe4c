import type { KubeObject } from '../../apimachinery/object.ts';

// The shapes of the voting.entroos.io/v1 objects as the CRDs in crds.ts define them.

export const GROUP = 'voting.entroos.io';
export const VERSION = 'v1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const RESOURCES = {
  groups: `groups.${GROUP}`,
  members: `members.${GROUP}`,
  ballots: `ballots.${GROUP}`,
  votes: `votes.${GROUP}`,
} as const;

/** circuits/voting.circom's bound on the options of one ballot. */
export const MAX_OPTIONS = 16;

/** The order of the voting circuit's public signals. */
export const SIGNAL = { nullifier: 0, root: 1, ballotId: 2, vote: 3, numOptions: 4 } as const;

export type BallotState = 'Draft' | 'Open' | 'Closed' | 'Published';

/** A voter group: the sha256 of the invite codes it was given, never the codes or who holds them. */
export type Group = KubeObject & {
  spec: { displayName?: string; inviteCodeHashes?: string[] };
  status?: { size: number; root: string; depth: number; observedGeneration?: number };
};

/** One leaf of a group's tree: an identity commitment Poseidon(secret), never the identity. Named GROUP-INDEX. */
export type Member = KubeObject & {
  spec: { group: string; index: number; commitment: string; invite?: string };
};

export type Ballot = KubeObject & {
  spec: {
    question: string;
    options: string[];
    group: string;
    opensAt?: string;
    closesAt?: string;
    /** Set once the ballot is closed: the results are published (state Published). */
    publish?: boolean;
  };
  status?: {
    state: BallotState;
    /** Frozen when the ballot opened: the group's root, its size then, and the ballot's id in the circuit. */
    root?: string;
    groupSize?: number;
    ballotId?: string;
    openedAt?: string;
    closedAt?: string;
    tally: number[];
    votes: number;
    observedGeneration?: number;
  };
};

export interface Groth16ProofJson {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol?: string;
  curve?: string;
}

/** A vote: the proof and its public signals, nothing else. Named BALLOT-NULLIFIER(hex), so one per member. */
export type Vote = KubeObject & {
  spec: { ballot: string; proof: Groth16ProofJson; publicSignals: string[] };
};
