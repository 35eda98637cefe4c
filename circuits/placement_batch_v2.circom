pragma circom 2.1.0;

include "placement_v2_core.circom";

// K placements in one proof. Public signals: for each slot in turn
// freeCpu, freeMemory, freePods, commitment, bindingId (5 × K values).
// A partial batch is padded with the neutral placement (free 0/0/1,
// requests 0/0, salt 0, binding id 0), which verifiers skip.
template PlacementBatchV2(K) {
    signal input freeCpu[K];
    signal input freeMemory[K];
    signal input freePods[K];
    signal input commitment[K];
    signal input bindingId[K];
    signal input cpu[K];
    signal input memory[K];
    signal input salt[K];

    component slots[K];
    for (var i = 0; i < K; i++) {
        slots[i] = PlacementV2();
        slots[i].freeCpu <== freeCpu[i];
        slots[i].freeMemory <== freeMemory[i];
        slots[i].freePods <== freePods[i];
        slots[i].commitment <== commitment[i];
        slots[i].bindingId <== bindingId[i];
        slots[i].cpu <== cpu[i];
        slots[i].memory <== memory[i];
        slots[i].salt <== salt[i];
    }
}

component main {public [freeCpu, freeMemory, freePods, commitment, bindingId]} = PlacementBatchV2(16);
