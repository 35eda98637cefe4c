import type { Groth16Proof } from 'snarkjs';
import type { KubeObject } from '../../apimachinery/object.ts';

// The shapes of the supplychain.entroos.io/v1 objects as the CRDs in crds.ts define them.

export const GROUP = 'supplychain.entroos.io';
export const VERSION = 'v1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const RESOURCES = {
  participants: `participants.${GROUP}`,
  products: `products.${GROUP}`,
  batches: `batches.${GROUP}`,
  attestations: `attestations.${GROUP}`,
  certifiedSets: `certifiedsets.${GROUP}`,
} as const;

export const ROLES = ['farm', 'cooperative', 'factory', 'roaster', 'carrier', 'lab', 'retailer', 'builder'] as const;
export const ACTIONS = ['produce', 'process', 'handover', 'receive', 'inspect', 'sell'] as const;
/** The Attestation action of an image build (SLSA provenance, by a `builder`), not a custody step. */
export const BUILD_ACTION = 'build';
export type CustodyAction = (typeof ACTIONS)[number];

/** What a batch's public verification view may show besides the verdict. */
export const DISCLOSABLE = ['product', 'producer', 'quantity', 'custody', 'inputs', 'certified'] as const;
export type Disclosable = (typeof DISCLOSABLE)[number];

export type Participant = KubeObject & {
  spec: { displayName?: string; roles: string[]; location?: string; publicKey: string };
};

export type Product = KubeObject & { spec: { displayName: string; description?: string; unit?: string } };

export type BatchPhase = 'Pending' | 'Complete' | 'BrokenChain' | 'Tampered' | 'Recalled';

export interface CustodyEntry {
  attestation: string;
  participant: string;
  action: string;
  time: string;
  to?: string;
  verified: boolean;
  /** Why this step fails verification or breaks the chain. */
  problem?: string;
}

/** A zero-knowledge proof that the batch passed through a facility of a CertifiedSet (certification.ts). */
export interface Certification {
  set: string;
  setDisplayName?: string;
  /** The set's Merkle root the proof is against (decimal). */
  root: string;
  depth: number;
  /** The batch as the circuit sees it: its digest's first 31 bytes (decimal). */
  batch: string;
  /** Poseidon(leaf, batch, salt): binds the proof to this batch without naming the facility. */
  commitment: string;
  proof: Groth16Proof;
  /** [commitment, root, batch]. */
  publicSignals: string[];
  provedAt: string;
  proveMs?: number;
}

export interface BatchStatus {
  phase: BatchPhase;
  reason: string;
  /** Who holds the batch after its last attested step. */
  holder?: string;
  custody: CustodyEntry[];
  /** The recalled batch this one is recalled because of (itself, or an input upstream). */
  recalledBy?: string;
  digest: string;
  observedGeneration?: number;
  /** Zero-knowledge certified-custody proofs, one per CertifiedSet a custody step's signer is in (disclose: certified). */
  certifications?: Certification[];
  /** Why no certification could be made (no signer in any set, no provers, ...). */
  certificationProblem?: string;
}

export type Batch = KubeObject & {
  spec: {
    product: string;
    producer: string;
    quantity: number;
    unit: string;
    inputs?: string[];
    recall?: { reason: string; time?: string };
    disclose?: Disclosable[];
  };
  status?: BatchStatus;
};

export interface Envelope {
  payloadType: string;
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

export type Attestation = KubeObject & {
  spec: { batch: string; participant: string; action: string; envelope: Envelope };
};

export type CertifiedSet = KubeObject & {
  spec: { displayName?: string; members: string[] };
  status?: {
    root: string;
    depth: number;
    size: number;
    leaves: { participant: string; index: number; leaf: string }[];
    missing?: string[];
    observedGeneration?: number;
  };
};
