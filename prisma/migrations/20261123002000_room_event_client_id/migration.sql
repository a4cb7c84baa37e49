-- Idempotent realtime writes: the key a client sends with lead:share / lead:create / clue:create /
-- task:assign / comment:create (clientEventId). One key per actor: a retry with the same key finds the stored
-- event instead of writing a second one, and two identical sends racing each other cannot both insert.
-- Rows without a key (NULL) never collide: PostgreSQL treats NULLs as distinct in a unique index.
ALTER TABLE "RoomEvent" ADD COLUMN "clientEventId" TEXT;

CREATE UNIQUE INDEX "RoomEvent_actorId_clientEventId_key" ON "RoomEvent"("actorId", "clientEventId");
