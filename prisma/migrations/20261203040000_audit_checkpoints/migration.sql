-- Audit anchoring (docs/decisions/012): signed checkpoints of the audit chain's head, so removing the newest
-- audit rows is detected (the chain alone cannot tell a shorter chain from a younger one).
CREATE TABLE "AuditCheckpoint" (
    "id" BIGSERIAL NOT NULL,
    "chainSeq" BIGINT NOT NULL,
    "headHash" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "AuditCheckpoint_chainSeq_idx" ON "AuditCheckpoint"("chainSeq");

-- Append-only, like the chain it anchors: a checkpoint is never edited or deleted (a key rotation signs a new one).
CREATE OR REPLACE FUNCTION audit_checkpoint_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'AuditCheckpoint is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER "AuditCheckpoint_append_only" BEFORE UPDATE OR DELETE ON "AuditCheckpoint"
  FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_append_only();
