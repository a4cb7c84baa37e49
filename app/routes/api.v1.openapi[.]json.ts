// GET /api/v1/openapi.json: generated from the zod schemas the API validates with.
import { apiRoute } from "~/utils/api.server";
import { buildOpenApiDocument } from "~/utils/openapi.server";

export const { loader, action } = apiRoute({ GET: () => buildOpenApiDocument() });
