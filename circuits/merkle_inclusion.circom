pragma circom 2.1.0;

include "../node_modules/circomlib/circuits/poseidon.circom";
include "../node_modules/circomlib/circuits/mux1.circom";

// Knowledge of a leaf in a Poseidon Merkle tree of depth D with the public
// root. pathIndices[i] = 0 when the node at level i is a left child.
template MerkleInclusion(D) {
    signal input root;
    signal input leaf;
    signal input pathElements[D];
    signal input pathIndices[D];

    component hashes[D];
    component left[D];
    component right[D];
    signal levels[D + 1];
    levels[0] <== leaf;
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
}

component main {public [root]} = MerkleInclusion(20);
