-- CreateTable
CREATE TABLE "AuditRecord" (
    "seq" BIGINT NOT NULL PRIMARY KEY,
    "time" DATETIME NOT NULL,
    "auditId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "user" TEXT NOT NULL,
    "verb" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "code" INTEGER NOT NULL,
    "decision" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "seq" BIGINT NOT NULL PRIMARY KEY,
    "hash" TEXT NOT NULL,
    "time" DATETIME NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "AuditRecord_user_seq_idx" ON "AuditRecord"("user", "seq");

-- CreateIndex
CREATE INDEX "AuditRecord_resource_namespace_name_seq_idx" ON "AuditRecord"("resource", "namespace", "name", "seq");

-- CreateIndex
CREATE INDEX "AuditRecord_verb_seq_idx" ON "AuditRecord"("verb", "seq");

-- CreateIndex
CREATE INDEX "AuditRecord_time_idx" ON "AuditRecord"("time");

