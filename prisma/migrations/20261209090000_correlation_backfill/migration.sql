-- Clues saved before correlation existed (issue 13) have no correlation keys, so no clue ever links to them.
-- The server correlates them once, in the background (app/models/correlation-backfill.server.ts): those created
-- up to "until", in id order; "afterId" is the last one done, "doneAt" when none is left.
CREATE TABLE "CorrelationBackfill" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "until" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "afterId" TEXT,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "CorrelationBackfill_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "CorrelationBackfill_one_row" CHECK ("id" = 1)
);

INSERT INTO "CorrelationBackfill" ("id") VALUES (1);
