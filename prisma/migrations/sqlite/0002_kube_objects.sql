-- CreateTable
CREATE TABLE "KubeObject" (
    "resource" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "uid" TEXT NOT NULL,
    "resourceVersion" BIGINT NOT NULL,
    "data" TEXT NOT NULL,

    PRIMARY KEY ("resource", "namespace", "name")
);

-- CreateTable
CREATE TABLE "Counter" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" BIGINT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "KubeObject_uid_key" ON "KubeObject"("uid");

