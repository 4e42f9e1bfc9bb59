-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "maxClusters" INTEGER;

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "maxClusters" INTEGER;
