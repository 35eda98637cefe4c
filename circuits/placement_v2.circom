pragma circom 2.1.0;

include "placement_v2_core.circom";

// Public signals, in order: freeCpu, freeMemory, freePods, commitment, bindingId.
component main {public [freeCpu, freeMemory, freePods, commitment, bindingId]} = PlacementV2();
