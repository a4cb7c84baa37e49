-- Issue 14: typed facets on clues, and admins' corrections of the shipped country reference table (decision 024).

-- CreateTable
CREATE TABLE "ClueFacet" (
    "id" TEXT NOT NULL,
    "clueId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "ClueFacet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReferenceCorrection" (
    "id" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "value" JSONB,
    "version" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "editorId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReferenceCorrection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ClueFacet_clueId_idx" ON "ClueFacet"("clueId");

-- CreateIndex
CREATE INDEX "ClueFacet_type_value_idx" ON "ClueFacet"("type", "value");

-- CreateIndex
CREATE UNIQUE INDEX "ReferenceCorrection_country_field_version_key" ON "ReferenceCorrection"("country", "field", "version");

-- AddForeignKey
ALTER TABLE "ClueFacet" ADD CONSTRAINT "ClueFacet_clueId_fkey" FOREIGN KEY ("clueId") REFERENCES "Clue"("id") ON DELETE CASCADE ON UPDATE CASCADE;
