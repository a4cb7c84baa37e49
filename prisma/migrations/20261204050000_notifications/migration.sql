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

CREATE UNIQUE INDEX "Notification_dedupeKey_key" ON "Notification"("dedupeKey");
CREATE INDEX "Notification_recipientId_id_idx" ON "Notification"("recipientId", "id");
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_recipientId_fkey" FOREIGN KEY ("recipientId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Case" ADD COLUMN "lastChangeAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
UPDATE "Case" SET "lastChangeAt" = "updatedAt";
