-- CreateTable
CREATE TABLE "KubeObject" (
    "resource" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "uid" TEXT NOT NULL,
    "resourceVersion" BIGINT NOT NULL,
    "data" TEXT NOT NULL,

    CONSTRAINT "KubeObject_pkey" PRIMARY KEY ("resource","namespace","name")
);

-- CreateTable
CREATE TABLE "Counter" (
    "key" TEXT NOT NULL,
    "value" BIGINT NOT NULL,

    CONSTRAINT "Counter_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "KubeObject_uid_key" ON "KubeObject"("uid");

