pragma circom 2.1.0;

include "../node_modules/circomlib/circuits/poseidon.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "../node_modules/circomlib/circuits/bitify.circom";

// One placement: the pod's requests (private) fit the node's free capacity
// (public) for cpu (millicores), memory (bytes) and pod slots, and they are
// the requests committed to by Poseidon(cpu, memory, salt) (public).
// Every quantity is range-checked to 48 bits first: without that, a value
// near the field order would wrap around and "fit" any node.
template Placement() {
    signal input freeCpu;
    signal input freeMemory;
    signal input freePods;
    signal input commitment;
    signal input bindingId;

    signal input cpu;
    signal input memory;
    signal input salt;

    component bits[5];
    var values[5] = [freeCpu, freeMemory, freePods, cpu, memory];
    for (var i = 0; i < 5; i++) {
        bits[i] = Num2Bits(48);
        bits[i].in <== values[i];
    }

    component cpuFits = LessEqThan(48);
    cpuFits.in[0] <== cpu;
    cpuFits.in[1] <== freeCpu;
    cpuFits.out === 1;

    component memoryFits = LessEqThan(48);
    memoryFits.in[0] <== memory;
    memoryFits.in[1] <== freeMemory;
    memoryFits.out === 1;

    // A pod needs one free pod slot.
    component slotFree = LessEqThan(48);
    slotFree.in[0] <== 1;
    slotFree.in[1] <== freePods;
    slotFree.out === 1;

    component hash = Poseidon(3);
    hash.inputs[0] <== cpu;
    hash.inputs[1] <== memory;
    hash.inputs[2] <== salt;
    hash.out === commitment;

    // Ties the proof to its binding id so it cannot be replayed for another.
    signal bindingSquare;
    bindingSquare <== bindingId * bindingId;
}
