-- The agency's vetting of each person as its own state (PENDING, VETTED, EXPIRED, with an end date), and the
-- administrator's one-time password (good for one sign-in until it expires; a new password must follow).
-- Accounts that were active or suspended before this were activated with "vetting done", so they read VETTED.
-- CreateEnum
CREATE TYPE "VettingState" AS ENUM ('PENDING', 'VETTED', 'EXPIRED');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "passwordChangeRequired" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "passwordExpiresAt" TIMESTAMP(3),
ADD COLUMN     "vettingExpiresAt" TIMESTAMP(3),
ADD COLUMN     "vettingState" "VettingState" NOT NULL DEFAULT 'PENDING';

UPDATE "User" SET "vettingState" = 'VETTED' WHERE "status" IN ('ACTIVE', 'SUSPENDED');
