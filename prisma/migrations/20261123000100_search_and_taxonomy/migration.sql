-- Hand-written: what the Prisma schema cannot express. Keep these when generating later migrations.

-- Full-text search over clue and lead text ('simple' config: clues are written in many languages).
CREATE INDEX "Clue_fts_idx" ON "Clue" USING GIN (to_tsvector('simple', "value" || ' ' || "detail"));
CREATE INDEX "Lead_fts_idx" ON "Lead" USING GIN (to_tsvector('simple', "title" || ' ' || "hypothesis"));

-- The clue taxonomy starts with these categories; more are rows, not code.
INSERT INTO "ClueCategory" ("key", "label", "sortOrder") VALUES
  ('object_product', 'Object / product', 10),
  ('text_language', 'Text / language seen', 20),
  ('location_landscape', 'Location / landscape', 30),
  ('architecture_fixture', 'Architecture / fixture (sockets, switches, windows)', 40),
  ('clothing', 'Clothing', 50),
  ('furniture', 'Furniture', 60),
  ('vehicle', 'Vehicle', 70),
  ('audio_speech', 'Audio / speech', 80),
  ('time_indicator', 'Time indicators', 90),
  ('other', 'Other', 100);

-- The audit trail is append-only: only the verifier can tell if a row was changed, so make changing hard too.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
