-- CreateTable
CREATE TABLE "LeaderLease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "term" INTEGER NOT NULL,
    "renewedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

