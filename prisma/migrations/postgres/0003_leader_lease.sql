-- CreateTable
CREATE TABLE "LeaderLease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "term" INTEGER NOT NULL,
    "renewedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LeaderLease_pkey" PRIMARY KEY ("name")
);

