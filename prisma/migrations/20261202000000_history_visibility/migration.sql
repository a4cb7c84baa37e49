-- Who could see each version of a clue and each comment when it was written (issue 10: history leaked to
-- readers who could see the item only later, e.g. a liaison once a rewritten AMBER clue went to review as GREEN).
-- Partly hand-written: the backfill below replays what the existing rows already record.

-- ClueVersion: the clue's code and named members as of that version, and its review state.
ALTER TABLE "ClueVersion" ADD COLUMN "handlingCode" "HandlingCode",
ADD COLUMN "recipientIds" TEXT[],
ADD COLUMN "reviewState" "ReviewState";

-- The code and named members are replayed from the changes: the latest version up to this one that changed
-- them (version 1 records every field). A version whose code cannot be replayed is taken as RED for the
-- clue's author alone, so an unknown past shows nobody more than before.
UPDATE "ClueVersion" v SET
  "handlingCode" = COALESCE(
    (SELECT (p."changes"->'handlingCode'->>'to')::"HandlingCode" FROM "ClueVersion" p
      WHERE p."clueId" = v."clueId" AND p."version" <= v."version" AND p."changes"->'handlingCode'->>'to' IS NOT NULL
      ORDER BY p."version" DESC LIMIT 1),
    'RED'),
  "recipientIds" = COALESCE(
    (SELECT ARRAY(SELECT jsonb_array_elements_text(p."changes"->'recipientIds'->'to')) FROM "ClueVersion" p
      WHERE p."clueId" = v."clueId" AND p."version" <= v."version" AND jsonb_typeof(p."changes"->'recipientIds'->'to') = 'array'
      ORDER BY p."version" DESC LIMIT 1),
    ARRAY[]::TEXT[]),
  -- Review history was not kept per version: only the current version is taken to be the one in review.
  "reviewState" = CASE WHEN v."version" = c."version" THEN c."reviewState" ELSE 'NONE'::"ReviewState" END
FROM "Clue" c WHERE c."id" = v."clueId";

ALTER TABLE "ClueVersion" ALTER COLUMN "handlingCode" SET NOT NULL,
ALTER COLUMN "reviewState" SET NOT NULL;

-- Comment: the visibility its comment.created room event was written with (every comment has one).
ALTER TABLE "Comment" ADD COLUMN "visibility" JSONB;

UPDATE "Comment" m SET "visibility" = e."visibility"
FROM "RoomEvent" e WHERE e."type" = 'comment.created' AND e."itemType" = 'COMMENT' AND e."itemId" = m."id";

-- Without its event, a comment is kept to its author.
UPDATE "Comment" SET "visibility" = jsonb_build_object(
  'taskforceId', "taskforceId", 'handlingCode', 'RED', 'authorId', "authorId", 'authorAgency', '',
  'recipientIds', '[]'::jsonb, 'reviewState', 'NONE')
WHERE "visibility" IS NULL;

ALTER TABLE "Comment" ALTER COLUMN "visibility" SET NOT NULL;
