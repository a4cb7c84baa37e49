-- Issue 12 (docs/decisions/020): review return and redaction, dissemination under Europol handling codes,
-- public object appeals. The new enum value is not used here (it may not be, in the transaction that adds it).
ALTER TYPE "ReviewState" ADD VALUE 'RETURNED';

ALTER TABLE "Review" ADD COLUMN "redaction" JSONB;

CREATE TYPE "EuropolHandlingCode" AS ENUM ('H0', 'H1', 'H2', 'H3');

CREATE TABLE "DisseminationRecipient" (
    "id" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "agency" TEXT NOT NULL,
    "contactPoint" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DisseminationRecipient_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "DisseminationRecipient_country_agency_contactPoint_key" ON "DisseminationRecipient"("country", "agency", "contactPoint");

CREATE TABLE "Dissemination" (
    "id" TEXT NOT NULL,
    "leadId" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "taskforceId" TEXT NOT NULL,
    "recipientId" TEXT NOT NULL,
    "handlingCode" "HandlingCode" NOT NULL,
    "europolCode" "EuropolHandlingCode" NOT NULL,
    "restriction" TEXT NOT NULL DEFAULT '',
    "note" TEXT NOT NULL DEFAULT '',
    "package" JSONB NOT NULL,
    "sentById" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Dissemination_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Dissemination_taskforceId_sentAt_idx" ON "Dissemination"("taskforceId", "sentAt");
CREATE INDEX "Dissemination_leadId_idx" ON "Dissemination"("leadId");
ALTER TABLE "Dissemination" ADD CONSTRAINT "Dissemination_recipientId_fkey" FOREIGN KEY ("recipientId") REFERENCES "DisseminationRecipient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- What was sent is a record: it is never edited or deleted.
CREATE OR REPLACE FUNCTION dissemination_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'Dissemination is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER "Dissemination_append_only" BEFORE UPDATE OR DELETE ON "Dissemination"
  FOR EACH ROW EXECUTE FUNCTION dissemination_append_only();

CREATE TABLE "Appeal" (
    "id" TEXT NOT NULL,
    "clueId" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "taskforceId" TEXT NOT NULL,
    "publicText" TEXT NOT NULL,
    "publishedById" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "unpublishedAt" TIMESTAMP(3),
    "unpublishedById" TEXT,

    CONSTRAINT "Appeal_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Appeal_unpublishedAt_publishedAt_idx" ON "Appeal"("unpublishedAt", "publishedAt");
CREATE INDEX "Appeal_taskforceId_idx" ON "Appeal"("taskforceId");

CREATE TABLE "PublicTip" (
    "id" TEXT NOT NULL,
    "appealId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PublicTip_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "PublicTip_appealId_receivedAt_idx" ON "PublicTip"("appealId", "receivedAt");
ALTER TABLE "PublicTip" ADD CONSTRAINT "PublicTip_appealId_fkey" FOREIGN KEY ("appealId") REFERENCES "Appeal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
