-- CreateTable
CREATE TABLE "BudgetDenial" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "logicalClusterId" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "deltaMicros" BIGINT NOT NULL,
    "message" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BudgetDenial_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BudgetDenial_orgId_createdAt_idx" ON "BudgetDenial"("orgId", "createdAt");

-- AddForeignKey
ALTER TABLE "BudgetDenial" ADD CONSTRAINT "BudgetDenial_logicalClusterId_fkey" FOREIGN KEY ("logicalClusterId") REFERENCES "LogicalCluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;
