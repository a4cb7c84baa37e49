-- Search walks a taskforce's clues and leads newest first, ORDER BY "createdAt" DESC, "id" DESC (decision 008). On
-- ("taskforceId", "createdAt") alone, rows sharing a timestamp (a bulk import in one transaction writes thousands
-- with the same now()) must be sorted whole before the first one is returned, and the planner then prefers a
-- sequential scan of the table: 110 ms at 100k clues sharing one instant, instead of 13 ms. With "id" in the
-- index the walk is the order itself. Built in place: a write waits for the build (seconds at a million rows).

DROP INDEX "Clue_taskforceId_createdAt_idx";
CREATE INDEX "Clue_taskforceId_createdAt_id_idx" ON "Clue"("taskforceId", "createdAt" DESC, "id" DESC);

DROP INDEX "Lead_taskforceId_createdAt_idx";
CREATE INDEX "Lead_taskforceId_createdAt_id_idx" ON "Lead"("taskforceId", "createdAt" DESC, "id" DESC);
