-- Pricing settings (request floor, DaemonSet nodes) as versioned price book entries.
-- AlterEnum
ALTER TYPE "PriceBookEntryType" ADD VALUE 'setting';

-- AlterTable
ALTER TABLE "PriceBookEntry" ADD COLUMN     "setting" TEXT,
ADD COLUMN     "settingValue" BIGINT;
