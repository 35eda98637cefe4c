-- CreateTable
CREATE TABLE "ProofBatch" (
    "id" TEXT NOT NULL,
    "circuit" TEXT NOT NULL,
    "vkeyId" TEXT NOT NULL,
    "publicSignals" TEXT NOT NULL,
    "proof" TEXT NOT NULL,
    "proveMs" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "verifiedAt" TIMESTAMP(3),

    CONSTRAINT "ProofBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Placement" (
    "bindingId" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "podUid" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "node" TEXT NOT NULL,
    "commitment" TEXT NOT NULL,
    "cpu" TEXT NOT NULL,
    "memory" TEXT NOT NULL,
    "salt" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Placement_pkey" PRIMARY KEY ("bindingId")
);

-- CreateIndex
CREATE INDEX "ProofBatch_status_idx" ON "ProofBatch"("status");

-- CreateIndex
CREATE INDEX "Placement_namespace_name_idx" ON "Placement"("namespace", "name");

-- CreateIndex
CREATE INDEX "Placement_node_idx" ON "Placement"("node");

-- CreateIndex
CREATE INDEX "Placement_batchId_idx" ON "Placement"("batchId");

-- AddForeignKey
ALTER TABLE "Placement" ADD CONSTRAINT "Placement_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "ProofBatch"("id") ON DELETE CASCADE ON UPDATE CASCADE;

