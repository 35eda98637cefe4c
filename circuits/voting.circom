pragma circom 2.1.0;

include "../node_modules/circomlib/circuits/poseidon.circom";
include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "../node_modules/circomlib/circuits/mux1.circom";

// An anonymous vote (docs/apps/voting.md): the voter knows a secret whose
// commitment Poseidon(secret) is a leaf of the group's depth-D Poseidon Merkle
// tree with the public root, and casts `vote` (< numOptions ≤ 16) on ballot
// `ballotId`. The nullifier Poseidon(secret, ballotId) is public, so a second
// vote on the same ballot by the same member carries the same nullifier, while
// the nullifiers of different ballots are unlinkable.
//
// Nothing aliases modulo the field: the secret is below 2^253 (so exactly one
// field element and one integer name it; a witness ≥ 2^253 has no proof), path
// indices are bits, the option and the option count are small integers.
// The public signals are, in order: nullifier, root, ballotId, vote, numOptions.
template Vote(D, MAX_OPTIONS_BITS) {
    signal input root;
    signal input ballotId;
    signal input vote;
    signal input numOptions;
    signal input secret;
    signal input pathElements[D];
    signal input pathIndices[D];
    signal output nullifier;

    // The secret is a 253-bit integer.
    component secretBits = Num2Bits(253);
    secretBits.in <== secret;

    // 1 ≤ numOptions ≤ 2^MAX_OPTIONS_BITS and vote < numOptions, all small integers (no wrap-around).
    component optionsBits = Num2Bits(MAX_OPTIONS_BITS + 1);
    optionsBits.in <== numOptions;
    component voteBits = Num2Bits(MAX_OPTIONS_BITS);
    voteBits.in <== vote;
    component atMost = LessThan(MAX_OPTIONS_BITS + 1);
    atMost.in[0] <== numOptions;
    atMost.in[1] <== (1 << MAX_OPTIONS_BITS) + 1;
    atMost.out === 1;
    component inRange = LessThan(MAX_OPTIONS_BITS + 1);
    inRange.in[0] <== vote;
    inRange.in[1] <== numOptions;
    inRange.out === 1;

    component commitment = Poseidon(1);
    commitment.inputs[0] <== secret;

    component hashes[D];
    component left[D];
    component right[D];
    signal levels[D + 1];
    levels[0] <== commitment.out;
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

    component nullifierHash = Poseidon(2);
    nullifierHash.inputs[0] <== secret;
    nullifierHash.inputs[1] <== ballotId;
    nullifier <== nullifierHash.out;
}

component main {public [root, ballotId, vote, numOptions]} = Vote(20, 4);
