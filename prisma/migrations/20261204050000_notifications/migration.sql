-- Issue 12 (docs/decisions/021-notifications.md): the notification inbox, and the case's "Last change".
CREATE TABLE "Notification" (
    "id" BIGSERIAL NOT NULL,
    "recipientId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "itemType" TEXT,
    "itemId" TEXT,
    "taskforceId" TEXT,
    "actorId" TEXT,
    "text" TEXT NOT NULL,
    "dedupeKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMP(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- A share to a room of 1,000 writes 1,000 rows in one statement: each index and constraint costs per row, so there
-- are only these. The dedupe key is partial (only overdue notices carry one), and there is no foreign key to
-- "User" (a per-row check; users are suspended, never deleted).
CREATE UNIQUE INDEX "Notification_dedupeKey_key" ON "Notification"("dedupeKey") WHERE "dedupeKey" IS NOT NULL;
CREATE INDEX "Notification_recipientId_id_idx" ON "Notification"("recipientId", "id");

ALTER TABLE "Case" ADD COLUMN "lastChangeAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
UPDATE "Case" SET "lastChangeAt" = "updatedAt";
