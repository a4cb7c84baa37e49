// GET /api/v1/openapi.json: generated from the zod schemas the API validates with; without the operations the
// caller may not learn exist.
import { apiRoute } from "~/utils/api.server";
import { openApiDocumentFor } from "~/utils/openapi.server";

export const { loader, action } = apiRoute({ GET: ({ actor }) => openApiDocumentFor(actor) });
