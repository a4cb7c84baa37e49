// Any other /api/v1 path: a JSON 404 rather than an HTML page.
import { apiError, errorResponse } from "~/utils/api.server";
import { NotFoundError } from "~/utils/errors.server";

const notFound = () => errorResponse(apiError(new NotFoundError("No such API endpoint. See /api/v1/openapi.json.")));
export const loader = notFound;
export const action = notFound;
