-- Audit sealing (docs/decisions/007): requests insert audit rows without a hash and without any lock; one
-- sealer per cluster links them into the hash chain after commit, in batches, in its own order (chainSeq).
ALTER TABLE "AuditEvent" ADD COLUMN     "chainSeq" BIGINT,
ALTER COLUMN "prevHash" DROP NOT NULL,
ALTER COLUMN "hash" DROP NOT NULL;

CREATE UNIQUE INDEX "AuditEvent_chainSeq_key" ON "AuditEvent"("chainSeq");

-- A row is either unsealed (all three NULL) or sealed (all three set).
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_sealed_whole"
  CHECK (("chainSeq" IS NULL) = ("hash" IS NULL) AND ("hash" IS NULL) = ("prevHash" IS NULL));

-- What the sealer reads: unsealed rows in id order. Small (at most a second or so of rows), whatever the table size.
-- Prisma's schema cannot express a partial index: a later `migrate diff` may propose dropping it; keep it.
CREATE INDEX "AuditEvent_unsealed_idx" ON "AuditEvent"("id") WHERE "chainSeq" IS NULL;

-- Rows written before sealing were chained in id order under the old global lock: that order is their chainSeq.
ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only";
UPDATE "AuditEvent" SET "chainSeq" = numbered.seq
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS seq FROM "AuditEvent") AS numbered
  WHERE "AuditEvent".id = numbered.id;
ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only";

-- Still append-only, with one exception: the sealer may set chainSeq, prevHash and hash once, on an unsealed
-- row, changing nothing else. Deletes and every other update are refused.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD."chainSeq" IS NULL AND NEW."chainSeq" IS NOT NULL
     AND (NEW.id, NEW."at", NEW."actorId", NEW."actorEmail", NEW."action", NEW."outcome", NEW."itemType", NEW."itemId",
          NEW."taskforceId", NEW."caseId", NEW."ip", NEW."userAgent", NEW."details")
         IS NOT DISTINCT FROM
         (OLD.id, OLD."at", OLD."actorId", OLD."actorEmail", OLD."action", OLD."outcome", OLD."itemType", OLD."itemId",
          OLD."taskforceId", OLD."caseId", OLD."ip", OLD."userAgent", OLD."details") THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'AuditEvent is append-only';
END;
$$ LANGUAGE plpgsql;

-- New rows arrive unsealed: only the sealer places a row in the chain.
CREATE OR REPLACE FUNCTION audit_event_arrives_unsealed() RETURNS trigger AS $$
BEGIN
  IF NEW."chainSeq" IS NOT NULL OR NEW."prevHash" IS NOT NULL OR NEW."hash" IS NOT NULL THEN
    RAISE EXCEPTION 'AuditEvent rows are inserted unsealed; the sealer chains them';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER "AuditEvent_arrives_unsealed" BEFORE INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION audit_event_arrives_unsealed();
