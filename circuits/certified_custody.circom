pragma circom 2.1.0;

include "../node_modules/circomlib/circuits/poseidon.circom";
include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/mux1.circom";

// A batch passed through a facility of a CertifiedSet, without saying which
// (docs/apps/supply-chain.md). The prover knows the two 128-bit halves of a
// member's ed25519 public key whose leaf Poseidon(hi, lo) is in the set's
// depth-D Poseidon Merkle tree with the public root, and binds the proof to one
// batch: commitment = Poseidon(leaf, batch, salt) is public and the salt is
// not, so the commitment cannot be matched against the (public) members'
// leaves, and a proof for one batch says nothing about another.
//
// Nothing aliases modulo the field: the key halves are 128-bit integers, the
// batch element is below 2^248 (the batch digest cut to 31 bytes), path
// indices are bits. The public signals are, in order: commitment, root, batch.
template CertifiedCustody(D) {
    signal input root;
    signal input batch;
    signal input keyHi;
    signal input keyLo;
    signal input salt;
    signal input pathElements[D];
    signal input pathIndices[D];
    signal output commitment;

    component hiBits = Num2Bits(128);
    hiBits.in <== keyHi;
    component loBits = Num2Bits(128);
    loBits.in <== keyLo;
    component batchBits = Num2Bits(248);
    batchBits.in <== batch;

    component leaf = Poseidon(2);
    leaf.inputs[0] <== keyHi;
    leaf.inputs[1] <== keyLo;

    component hashes[D];
    component left[D];
    component right[D];
    signal levels[D + 1];
    levels[0] <== leaf.out;
    for (var i = 0; i < D; i++) {
        pathIndices[i] * (1 - pathIndices[i]) === 0;
        left[i] = Mux1();
        left[i].c[0] <== levels[i];
        left[i].c[1] <== pathElements[i];
        left[i].s <== pathIndices[i];
        right[i] = Mux1();
        right[i].c[0] <== pathElements[i];
        right[i].c[1] <== levels[i];
        right[i].s <== pathIndices[i];
        hashes[i] = Poseidon(2);
        hashes[i].inputs[0] <== left[i].out;
        hashes[i].inputs[1] <== right[i].out;
        levels[i + 1] <== hashes[i].out;
    }
    root === levels[D];

    component bound = Poseidon(3);
    bound.inputs[0] <== leaf.out;
    bound.inputs[1] <== batch;
    bound.inputs[2] <== salt;
    commitment <== bound.out;
}

component main {public [root, batch]} = CertifiedCustody(20);
