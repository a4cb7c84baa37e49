-- A clue's correlation keys are computed by code (app/utils/correlation-keys.ts, CORRELATION_KEYS_VERSION). When
-- that code changes, the clues saved before keep the keys of the old code until they are saved again: "keysVersion"
-- is the version the background pass over the clues (app/models/correlation-backfill.server.ts) brings them to. A
-- server whose code is newer starts the pass again from the first clue. Version 2 drops invisible format
-- characters (a zero-width space or soft hyphen split a word in two under version 1).
ALTER TABLE "CorrelationBackfill" ADD COLUMN "keysVersion" INTEGER NOT NULL DEFAULT 1;

-- A database without clues has no keys to bring up to date.
UPDATE "CorrelationBackfill" SET "keysVersion" = 2 WHERE NOT EXISTS (SELECT 1 FROM "Clue");
