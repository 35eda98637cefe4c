-- AlterTable
-- (A plain ADD COLUMN rather than Prisma's table rebuild: the rebuild's DROP TABLE "User" runs inside the
-- migration's transaction, where PRAGMA foreign_keys=OFF has no effect, and would cascade-delete every API token.)
ALTER TABLE "User" ADD COLUMN "sessionGeneration" INTEGER NOT NULL DEFAULT 0;
