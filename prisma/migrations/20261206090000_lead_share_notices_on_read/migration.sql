-- A lead shared with a room of 1,000 wrote 1,000 notification rows right after its broadcast, and that write set the
-- fan-out's tail (issue 9; decision 021's second pass). A share's notices are now written when each member next
-- reads their notifications, from the room log: "sharesNoticedUpTo" is the seq of the member's taskforce's room log
-- up to which their lead shares have been noticed.
ALTER TABLE "TaskforceMember" ADD COLUMN "sharesNoticedUpTo" INTEGER NOT NULL DEFAULT 0;

-- Existing members got their rows when the shares were made.
UPDATE "TaskforceMember" m SET "sharesNoticedUpTo" = t."lastEventSeq" FROM "Taskforce" t WHERE t."id" = m."taskforceId";

-- A member is told of the shares made after they joined, however they were added (the app, the seed, a command).
CREATE OR REPLACE FUNCTION taskforce_member_notices_from_now() RETURNS trigger AS $$
BEGIN
  SELECT t."lastEventSeq" INTO NEW."sharesNoticedUpTo" FROM "Taskforce" t WHERE t."id" = NEW."taskforceId";
  NEW."sharesNoticedUpTo" := COALESCE(NEW."sharesNoticedUpTo", 0);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "TaskforceMember_notices_from_now" BEFORE INSERT ON "TaskforceMember"
  FOR EACH ROW EXECUTE FUNCTION taskforce_member_notices_from_now();

-- The inbox lists by time: a share's notice, written when read, keeps the share's time. The index by time replaces
-- the one by id, which no query uses any more (each insert kept both up to date).
DROP INDEX "Notification_recipientId_id_idx";
CREATE INDEX "Notification_recipientId_createdAt_id_idx" ON "Notification"("recipientId", "createdAt" DESC, "id" DESC);
