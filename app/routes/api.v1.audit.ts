// GET /api/v1/audit — the audit trail as the caller may read it (administrators: all; coordinators: their
// taskforces'), filtered, newest first, keyset-paginated; format=csv returns the filtered view as a spreadsheet.
import { auditChainStatus, exportAuditCsv, listAuditEvents } from "~/models/audit-log.server";
import { apiRoute } from "~/utils/api.server";
import { csvResponse } from "~/utils/csv";
import { auditQuerySchema } from "~/validation/audit";

export const { loader, action } = apiRoute({
  GET: async (ctx) => {
    const query = ctx.query(auditQuerySchema);
    if (query.format === "CSV") {
      const { csv, truncated } = await exportAuditCsv(ctx.actor, query);
      return csvResponse(csv, `audit-${new Date().toISOString().slice(0, 10)}.csv`, { "X-Audit-Truncated": String(truncated) });
    }
    const page = await listAuditEvents(ctx.actor, query);
    return { ...page, chain: await auditChainStatus(ctx.actor) };
  },
});
