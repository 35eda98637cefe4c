pragma circom 2.1.0;

include "../node_modules/circomlib/circuits/poseidon.circom";
include "../node_modules/circomlib/circuits/bitify.circom";

// One placement, version 2: the pod's requests (private) fit the node's free
// capacity (public) for cpu (millicores) and memory (bytes), and they are the
// requests committed to by Poseidon(cpu, memory, salt) (public).
//
// What is checked where (the soundness argument is in docs/proofs.md):
// - the public free capacities are range-checked by every verifier, not here
//   (freeCpu < 2^32, freeMemory < 2^48, 1 <= freePods < 2^48:
//   lib/proofs/placement-checks.ts); the verifier holds them, so checking them
//   in the circuit proved nothing the verifier could not see for itself;
// - the requests are private, so their ranges are proved here: cpu < 2^32,
//   memory < 2^48 (Num2Bits: with n < 253 bits a sum of n boolean bits cannot
//   reach the field order, so the bits are the integer's own);
// - "request <= free" is the difference free - request proved to fit in the
//   same width. No value can wrap around the field: the request is below 2^n,
//   so if it exceeded free (any value below the field order) the difference
//   would be the field order minus at most 2^n, far above 2^n, and Num2Bits(n)
//   would fail; if it does not exceed free, the difference is the integer one.
template PlacementV2() {
    signal input freeCpu;
    signal input freeMemory;
    signal input freePods;
    signal input commitment;
    signal input bindingId;

    signal input cpu;
    signal input memory;
    signal input salt;

    component cpuBits = Num2Bits(32);
    cpuBits.in <== cpu;
    component memoryBits = Num2Bits(48);
    memoryBits.in <== memory;

    component cpuLeft = Num2Bits(32);
    cpuLeft.in <== freeCpu - cpu;
    component memoryLeft = Num2Bits(48);
    memoryLeft.in <== freeMemory - memory;

    component hash = Poseidon(3);
    hash.inputs[0] <== cpu;
    hash.inputs[1] <== memory;
    hash.inputs[2] <== salt;
    hash.out === commitment;

    // Tie the proof to its binding id and to freePods (which no other
    // constraint uses) so neither can be swapped for another value.
    signal bindingSquare;
    bindingSquare <== bindingId * bindingId;
    signal podsSquare;
    podsSquare <== freePods * freePods;
}
