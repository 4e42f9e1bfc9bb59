-- AlterTable
ALTER TABLE "Budget" ADD COLUMN     "alertedPercent" INTEGER NOT NULL DEFAULT 0,
ALTER COLUMN "capMicros" DROP NOT NULL;

-- CreateTable
CREATE TABLE "ObjectPrice" (
    "orgId" TEXT NOT NULL,
    "logicalClusterId" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "priceMicros" BIGINT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ObjectPrice_pkey" PRIMARY KEY ("logicalClusterId","resource","namespace","name")
);

-- CreateTable
CREATE TABLE "RunRateSnapshot" (
    "id" BIGSERIAL NOT NULL,
    "orgId" TEXT NOT NULL,
    "budgetId" TEXT NOT NULL,
    "runRateMicros" BIGINT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunRateSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BudgetAlert" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "budgetId" TEXT NOT NULL,
    "thresholdPercent" INTEGER NOT NULL,
    "runRateMicros" BIGINT NOT NULL,
    "capMicros" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "notifiedAt" TIMESTAMP(3),

    CONSTRAINT "BudgetAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ObjectPrice_orgId_idx" ON "ObjectPrice"("orgId");

-- CreateIndex
CREATE INDEX "RunRateSnapshot_budgetId_at_idx" ON "RunRateSnapshot"("budgetId", "at");

-- CreateIndex
CREATE INDEX "RunRateSnapshot_orgId_at_idx" ON "RunRateSnapshot"("orgId", "at");

-- CreateIndex
CREATE INDEX "BudgetAlert_orgId_createdAt_idx" ON "BudgetAlert"("orgId", "createdAt");

-- AddForeignKey
ALTER TABLE "ObjectPrice" ADD CONSTRAINT "ObjectPrice_logicalClusterId_fkey" FOREIGN KEY ("logicalClusterId") REFERENCES "LogicalCluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunRateSnapshot" ADD CONSTRAINT "RunRateSnapshot_budgetId_fkey" FOREIGN KEY ("budgetId") REFERENCES "Budget"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BudgetAlert" ADD CONSTRAINT "BudgetAlert_budgetId_fkey" FOREIGN KEY ("budgetId") REFERENCES "Budget"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: every org, team and live logical cluster gets its cost node (no cap).
INSERT INTO "Budget" ("id", "orgId", "scope", "capMicros", "committedMicros", "updatedAt")
SELECT 'cn_' || md5(random()::text || o."id"), o."id", 'org', NULL, 0, now()
  FROM "Organization" o
 WHERE NOT EXISTS (SELECT 1 FROM "Budget" b WHERE b."orgId" = o."id" AND b."scope" = 'org');
INSERT INTO "Budget" ("id", "orgId", "scope", "teamId", "capMicros", "committedMicros", "updatedAt")
SELECT 'cn_' || md5(random()::text || t."id"), t."orgId", 'team', t."id", NULL, 0, now()
  FROM "Team" t
 WHERE NOT EXISTS (SELECT 1 FROM "Budget" b WHERE b."teamId" = t."id" AND b."scope" = 'team');
INSERT INTO "Budget" ("id", "orgId", "scope", "logicalClusterId", "capMicros", "committedMicros", "updatedAt")
SELECT 'cn_' || md5(random()::text || c."id"), c."orgId", 'cluster', c."id", NULL, 0, now()
  FROM "LogicalCluster" c
 WHERE c."phase" NOT IN ('Deleted', 'Failed')
   AND NOT EXISTS (SELECT 1 FROM "Budget" b WHERE b."logicalClusterId" = c."id" AND b."scope" = 'cluster');
