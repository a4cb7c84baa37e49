-- Bounded search (docs/decisions/008): the search text as a stored tsvector, and indexes that give each
-- taskforce's matches newest first, so ranking looks at the most recent matches and stops.
-- Partly hand-written: Prisma cannot express generated columns or partial indexes; keep these when generating
-- later migrations.

-- The full-text document, computed once per write instead of once per row per search (the expression indexes
-- it replaces made every filter and ts_rank call parse the text again).
ALTER TABLE "Clue" ADD COLUMN "searchVector" tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', "value" || ' ' || "detail")) STORED;
ALTER TABLE "Lead" ADD COLUMN "searchVector" tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', "title" || ' ' || "hypothesis")) STORED;
DROP INDEX "Clue_fts_idx";
DROP INDEX "Lead_fts_idx";
CREATE INDEX "Clue_searchVector_idx" ON "Clue" USING GIN ("searchVector");
CREATE INDEX "Lead_searchVector_idx" ON "Lead" USING GIN ("searchVector");

-- A taskforce's leads newest first (clues have "Clue_taskforceId_createdAt_idx" already).
DROP INDEX "Lead_taskforceId_idx";
CREATE INDEX "Lead_taskforceId_createdAt_idx" ON "Lead"("taskforceId", "createdAt");

-- A liaison sees only items under review: their newest matches without walking past everything else.
CREATE INDEX "Clue_review_taskforceId_createdAt_idx" ON "Clue"("taskforceId", "createdAt") WHERE "reviewState" <> 'NONE';
CREATE INDEX "Lead_review_taskforceId_createdAt_idx" ON "Lead"("taskforceId", "createdAt") WHERE "reviewState" <> 'NONE';
