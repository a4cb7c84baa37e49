-- Issue 12 (audit pages): the audit trail is read newest first, a page at a time, by keyset on ("at", "id"),
-- whole (an administrator), per taskforce (a coordinator: one branch per taskforce) or per action family.
CREATE INDEX "AuditEvent_at_id_idx" ON "AuditEvent"("at" DESC, "id" DESC);
CREATE INDEX "AuditEvent_taskforceId_at_id_idx" ON "AuditEvent"("taskforceId", "at" DESC, "id" DESC);
CREATE INDEX "AuditEvent_action_at_id_idx" ON "AuditEvent"("action", "at" DESC, "id" DESC);
