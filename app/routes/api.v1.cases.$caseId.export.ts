// GET /api/v1/cases/{caseId}/export[?format=json|csv] — every clue, lead and task of the case the caller may see,
// as one package marked with its strictest handling code (the printable report is the page /cases/{caseId}/report).
import { casePackageCsv, exportCase, packageFileName } from "~/models/exports.server";
import { apiRoute, param } from "~/utils/api.server";
import { csvResponse } from "~/utils/csv";
import { caseExportQuerySchema } from "~/validation/export";

export const { loader, action } = apiRoute({
  GET: async (ctx) => {
    const { format } = ctx.query(caseExportQuerySchema);
    const pack = await exportCase(ctx.actor, param(ctx, "caseId"), format);
    if (format === "csv") return csvResponse(casePackageCsv(pack), packageFileName(pack, "csv"), { "X-Handling-Code": pack.handlingCode });
    return pack;
  },
});
