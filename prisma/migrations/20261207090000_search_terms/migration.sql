-- The words each taskforce's clues use, once each (decision 034). A search that matches nothing exactly looks for
-- words similar to the query's here, through a trigram index over the words, instead of comparing the query with
-- the newest 2,000 clues (~6 ms at any size, the slowest part of a search at 1M clues, and blind to older clues).
-- Hand-written: kept by triggers on "Clue", so every way a clue is written (the app, the seed, a bulk load) keeps
-- it, and the app never writes it.
CREATE TABLE "SearchTerm" (
  "word" TEXT NOT NULL,
  "taskforceId" TEXT NOT NULL,
  -- The word first: no index on the taskforce alone, so similar words are always found through the trigram index.
  CONSTRAINT "SearchTerm_pkey" PRIMARY KEY ("word", "taskforceId")
);
-- A small pending list: new words wait in it, unsorted, until it is merged, and every lookup reads all of it (a
-- bulk load's 15,000 words unmerged made a lookup take 6 ms instead of well under one).
CREATE INDEX "SearchTerm_word_trgm_idx" ON "SearchTerm" USING GIN ("word" gin_trgm_ops) WITH (gin_pending_list_limit = 64);

-- The words of a clue's search text worth correcting: 3 to 40 characters, not only digits (numbers and long
-- tokens such as hash ids are never typos of anything).
CREATE OR REPLACE FUNCTION search_terms_of(vector tsvector) RETURNS SETOF text AS $$
  SELECT w FROM unnest(tsvector_to_array(vector)) AS w WHERE length(w) BETWEEN 3 AND 40 AND w !~ '^[0-9]+$'
$$ LANGUAGE sql IMMUTABLE;

-- New words are inserted sorted, so two saves adding the same new words take their keys in the same order and
-- cannot deadlock. A word no clue of the taskforce uses any more is forgotten: what was edited away or deleted
-- leaves no word behind.
CREATE OR REPLACE FUNCTION search_terms_after_insert() RETURNS trigger AS $$
BEGIN
  INSERT INTO "SearchTerm" ("word", "taskforceId")
  SELECT DISTINCT w, a."taskforceId" FROM "added" a, search_terms_of(a."searchVector") AS w ORDER BY 1, 2
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Only the words an edit added or took away: a change of anything but the text touches nothing here.
CREATE OR REPLACE FUNCTION search_terms_after_update() RETURNS trigger AS $$
BEGIN
  INSERT INTO "SearchTerm" ("word", "taskforceId")
  SELECT DISTINCT w, a."taskforceId"
  FROM "added" a JOIN "removed" r ON r."id" = a."id", search_terms_of(a."searchVector") AS w
  WHERE a."searchVector" IS DISTINCT FROM r."searchVector" OR a."taskforceId" <> r."taskforceId"
  ORDER BY 1, 2
  ON CONFLICT DO NOTHING;
  DELETE FROM "SearchTerm" s
  USING (SELECT DISTINCT w AS "word", r."taskforceId"
         FROM "removed" r JOIN "added" a ON a."id" = r."id", search_terms_of(r."searchVector") AS w
         WHERE a."searchVector" IS DISTINCT FROM r."searchVector" OR a."taskforceId" <> r."taskforceId") AS gone
  WHERE s."word" = gone."word" AND s."taskforceId" = gone."taskforceId"
    AND NOT EXISTS (SELECT FROM "Clue" c WHERE c."taskforceId" = gone."taskforceId" AND c."searchVector" @@ quote_literal(gone."word")::tsquery);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION search_terms_after_delete() RETURNS trigger AS $$
BEGIN
  DELETE FROM "SearchTerm" s
  USING (SELECT DISTINCT w AS "word", r."taskforceId" FROM "removed" r, search_terms_of(r."searchVector") AS w) AS gone
  WHERE s."word" = gone."word" AND s."taskforceId" = gone."taskforceId"
    AND NOT EXISTS (SELECT FROM "Clue" c WHERE c."taskforceId" = gone."taskforceId" AND c."searchVector" @@ quote_literal(gone."word")::tsquery);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Clue_search_terms_inserted" AFTER INSERT ON "Clue"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION search_terms_after_insert();
CREATE TRIGGER "Clue_search_terms_updated" AFTER UPDATE ON "Clue"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION search_terms_after_update();
CREATE TRIGGER "Clue_search_terms_deleted" AFTER DELETE ON "Clue"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION search_terms_after_delete();

-- The closest `per_word` words of the taskforces to each of `words`, by trigram similarity at pg_trgm's threshold
-- (0.3, its default). Always through the trigram index: the planner costs a similarity test like any operator and picked a
-- sequential scan over 15,000 words (23 ms) before the index (under a millisecond); these settings hold only while
-- the function runs.
CREATE OR REPLACE FUNCTION similar_search_terms(words text[], taskforce_ids text[], per_word int) RETURNS TABLE ("word" text) AS $$
  SELECT DISTINCT s."word" FROM unnest(words) AS q("word"),
    LATERAL (SELECT t."word" FROM "SearchTerm" t
             WHERE t."word" % q."word" AND t."taskforceId" = ANY (taskforce_ids)
             ORDER BY t."word" <-> q."word", t."word" LIMIT per_word) AS s
$$ LANGUAGE sql STABLE SET enable_seqscan = off;

INSERT INTO "SearchTerm" ("word", "taskforceId")
SELECT DISTINCT w, c."taskforceId" FROM "Clue" c, search_terms_of(c."searchVector") AS w ORDER BY 1, 2
ON CONFLICT DO NOTHING;
