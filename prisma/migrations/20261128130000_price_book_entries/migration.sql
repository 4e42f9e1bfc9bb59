-- Nothing wrote the old rule-only rows (no repository used them), they cannot be
-- converted to typed entries, and the demo seed writes the platform book again.
DELETE FROM "PriceBookEntry";

-- CreateEnum
CREATE TYPE "PriceBookEntryType" AS ENUM ('rule', 'retire_rule', 'region_multiplier');

-- DropIndex
DROP INDEX "PriceBookEntry_key_effectiveFrom_idx";

-- DropIndex
DROP INDEX "PriceBookEntry_orgId_key_effectiveFrom_key";

-- AlterTable
ALTER TABLE "PriceBookEntry" DROP COLUMN "apiGroup",
DROP COLUMN "key",
DROP COLUMN "kind",
DROP COLUMN "match",
DROP COLUMN "priceMicros",
DROP COLUMN "unit",
ADD COLUMN     "multiplierPpm" BIGINT,
ADD COLUMN     "region" TEXT,
ADD COLUMN     "rule" JSONB,
ADD COLUMN     "subject" TEXT NOT NULL,
ADD COLUMN     "type" "PriceBookEntryType" NOT NULL;

-- DropEnum
DROP TYPE "PriceUnit";

-- CreateIndex
CREATE INDEX "PriceBookEntry_orgId_effectiveFrom_idx" ON "PriceBookEntry"("orgId", "effectiveFrom");

-- CreateIndex
-- NULLS NOT DISTINCT (hand-added, Prisma cannot express it): platform entries have orgId null,
-- and core rejects two entries for one subject, scope and instant.
CREATE UNIQUE INDEX "PriceBookEntry_orgId_subject_effectiveFrom_key" ON "PriceBookEntry"("orgId", "subject", "effectiveFrom") NULLS NOT DISTINCT;

